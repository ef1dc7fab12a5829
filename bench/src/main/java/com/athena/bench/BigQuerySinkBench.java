package com.athena.bench;

import com.athena.common.bigquery.BigQueryEndpoint;
import com.athena.common.bigquery.BigQuerySink;
import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.market.MarketBar;
import com.athena.jobs.market.MarketBarRows;
import com.athena.testing.LocalBigQueryServer;
import com.athena.testing.LocalBigQueryWriteServer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Rows/s and bytes/row of the two BigQuery sinks on the same job (the market bars of the Bitstamp
 * trades with their indicators into {@code market_indicators}, parallelism 1, a checkpoint every
 * second), each against its local endpoint in this JVM: the {@code insertAll} {@link BigQuerySink}
 * (JSON over REST, gzip) against {@link LocalBigQueryServer}, and the exactly-once {@link
 * StorageWriteSink} (protos over gRPC, PENDING streams committed per checkpoint) against {@link
 * LocalBigQueryWriteServer}. Both endpoints keep every row in memory; neither is BigQuery, so the
 * numbers compare the clients and wire formats, not the service.
 *
 * <p>Usage: {@code BigQuerySinkBench OUT.md [symbols] [barsPerSymbol] [repetitions]}; writes {@code
 * bigquery_storage_vs_insertall} into the summary.
 */
public final class BigQuerySinkBench {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";

    private BigQuerySinkBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int symbols = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int barsPerSymbol =
                Math.min(
                        BenchData.get().bars(),
                        args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        long rows = (long) symbols * barsPerSymbol;
        Path ddl = ddlDir();

        // Warm-up of both paths (class loading, the clients' first connection), not reported.
        insertAll(1, Math.min(barsPerSymbol, 200));
        storageWrite(ddl, 1, Math.min(barsPerSymbol, 200));

        // Alternating which path goes first, so that neither always runs on a warmer JVM.
        Result[] legacy = new Result[reps];
        Result[] storage = new Result[reps];
        double[] ratios = new double[reps];
        for (int r = 0; r < reps; r++) {
            if (r % 2 == 0) {
                legacy[r] = insertAll(symbols, barsPerSymbol);
                storage[r] = storageWrite(ddl, symbols, barsPerSymbol);
            } else {
                storage[r] = storageWrite(ddl, symbols, barsPerSymbol);
                legacy[r] = insertAll(symbols, barsPerSymbol);
            }
            ratios[r] = storage[r].rowsPerSecond() / legacy[r].rowsPerSecond();
        }

        StringBuilder sb = new StringBuilder();
        sb.append("## 8. BigQuery sinks: insertAll vs the Storage Write API\n\n")
                .append(
                        String.format(
                                Locale.ROOT,
                                "%,d rows of `market_indicators` (%d symbols x %d bars), one"
                                        + " job each, parallelism 1, checkpoint every 1 s, each"
                                        + " sink against its local endpoint in the same JVM (not"
                                        + " BigQuery: the numbers compare clients and wire"
                                        + " formats). %d repetitions, alternating which sink"
                                        + " goes first; rows/s as median (min to max).%n%n",
                                rows,
                                symbols,
                                barsPerSymbol,
                                reps))
                .append(
                        "| sink | guarantee | rows/s | bytes/row on the wire | bytes/row uncompressed |")
                .append(" requests | rows committed |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        row(sb, "`BigQuerySink` (insertAll, JSON, gzip)", "at least once + insertId", legacy);
        row(
                sb,
                "`StorageWriteSink` (AppendRows, protos)",
                "exactly once (PENDING + commit)",
                storage);
        sb.append('\n')
                .append(
                        String.format(
                                Locale.ROOT,
                                "Storage Write / insertAll rows/s, within each repetition: %s.%n%n",
                                BenchSummary.stat(ratios, "%.2fx")))
                .append(
                        "Bytes on the wire: insertAll's gzip'd request bodies; AppendRows requests"
                                + " as protobuf (gRPC framing and HTTP/2 headers not counted)."
                                + " Uncompressed: insertAll's JSON bodies; the serialized proto"
                                + " rows. Bytes and counts are those of the last repetition.\n");
        Files.writeString(out, sb.toString());
        BenchSummary.writePart(
                out.toAbsolutePath().getParent(),
                "bigquery",
                Map.of("bigquery_storage_vs_insertall", BenchSummary.median(ratios)));
        System.out.print(sb);
    }

    private static void row(StringBuilder sb, String name, String guarantee, Result[] rs) {
        double[] rates = new double[rs.length];
        for (int i = 0; i < rs.length; i++) {
            rates[i] = rs[i].rowsPerSecond();
        }
        Result r = rs[rs.length - 1];
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %.1f | %.1f | %,d | %,d |%n",
                        name,
                        guarantee,
                        BenchSummary.stat(rates, "%,.0f"),
                        (double) r.wireBytes / r.rows,
                        (double) r.rawBytes / r.rows,
                        r.requests,
                        r.committed));
    }

    static Result insertAll(int symbols, int barsPerSymbol) throws Exception {
        try (LocalBigQueryServer server = LocalBigQueryServer.start()) {
            BigQueryEndpoint endpoint = server.endpoint(PROJECT, DATASET);
            long nanos =
                    run(
                            symbols,
                            barsPerSymbol,
                            BigQuerySink.builder(endpoint, new MarketBarRows()).build());
            long wire = 0;
            long raw = 0;
            for (LocalBigQueryServer.RecordedRequest r : server.requests()) {
                wire += r.wireBytes;
                raw += r.body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
            return new Result(
                    (long) symbols * barsPerSymbol,
                    nanos,
                    wire,
                    raw,
                    server.requestCount(),
                    server.rows(MarketBarRows.TABLE).size());
        }
    }

    static Result storageWrite(Path ddl, int symbols, int barsPerSymbol) throws Exception {
        try (LocalBigQueryWriteServer server = LocalBigQueryWriteServer.start()) {
            server.defineTablesFromDdl(PROJECT, DATASET, ddl, MarketBarRows.TABLE);
            long nanos =
                    run(
                            symbols,
                            barsPerSymbol,
                            StorageWriteSink.builder(
                                            server.endpoint(PROJECT, DATASET), new MarketBarRows())
                                    .build());
            return new Result(
                    (long) symbols * barsPerSymbol,
                    nanos,
                    server.appendRequestBytes(),
                    server.appendRowBytes(),
                    server.appendRequests(),
                    server.committedRows(MarketBarRows.TABLE).size());
        }
    }

    /** Runs the job to its end; returns its net runtime in nanoseconds. */
    private static long run(int symbols, int barsPerSymbol, Sink<MarketBar> sink) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        env.enableCheckpointing(1000);
        long n = (long) symbols * barsPerSymbol;
        env.fromSource(
                        new DataGeneratorSource<>(
                                new PostgresSinkBench.RowGenerator(symbols, barsPerSymbol),
                                n,
                                TypeInformation.of(MarketBar.class)),
                        WatermarkStrategy.noWatermarks(),
                        "bench-rows",
                        TypeInformation.of(MarketBar.class))
                .sinkTo(sink)
                .uid("bench-bigquery");
        return env.execute("bench-bigquery").getNetRuntime() * 1_000_000L;
    }

    /** {@code sql/bigquery} from the project root or a module directory. */
    private static Path ddlDir() {
        for (Path p : new Path[] {Path.of("sql/bigquery"), Path.of("../sql/bigquery")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException(
                "sql/bigquery not found from " + Path.of("").toAbsolutePath());
    }

    static final class Result {
        final long rows;
        final long nanos;
        final long wireBytes;
        final long rawBytes;
        final long requests;
        final long committed;

        Result(
                long rows,
                long nanos,
                long wireBytes,
                long rawBytes,
                long requests,
                long committed) {
            this.rows = rows;
            this.nanos = nanos;
            this.wireBytes = wireBytes;
            this.rawBytes = rawBytes;
            this.requests = requests;
            this.committed = committed;
        }

        double rowsPerSecond() {
            return rows / (nanos / 1e9);
        }
    }
}
