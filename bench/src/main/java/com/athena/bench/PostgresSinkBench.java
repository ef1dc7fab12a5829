package com.athena.bench;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcUpsertSink;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.sql.SchemaMigrator;
import com.athena.jobs.market.MarketJdbcSinks;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Rows/s into {@code market_data} on native PostgreSQL: the job's JDBC upsert sink (one {@code
 * INSERT ... SELECT unnest(...) ... ON CONFLICT} of column arrays per batch) against a raw binary
 * {@code COPY} of the same rows, a COPY-into-staging plus one merging {@code INSERT ... ON
 * CONFLICT} per batch, and the sink's previous per-row batch in a job of the same shape.
 *
 * <p>Runs in its own schema ({@code bench}), so the tables other work uses are never touched. The
 * rows are real: the 1-minute bars of the Bitstamp trades with their indicators, repeated for
 * several symbols.
 *
 * <p>Usage: {@code PostgresSinkBench OUT.md [symbols] [repetitions]}.
 */
public final class PostgresSinkBench {
    static final String SCHEMA = "bench";

    static final String COLUMNS =
            "symbol, timeframe, ts, open, high, low, close, volume, trade_count, ema_9, ema_21,"
                    + " ema_50, ema_200, rsi_14, macd, macd_signal, macd_histogram, bb_upper,"
                    + " bb_middle, bb_lower, atr_14, trend_direction, volatility_regime, source";

    static final String UPDATE_SET =
            " ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = EXCLUDED.open,"
                    + " high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                    + " volume = EXCLUDED.volume, trade_count = EXCLUDED.trade_count,"
                    + " ema_9 = EXCLUDED.ema_9, ema_21 = EXCLUDED.ema_21, ema_50 = EXCLUDED.ema_50,"
                    + " ema_200 = EXCLUDED.ema_200, rsi_14 = EXCLUDED.rsi_14, macd = EXCLUDED.macd,"
                    + " macd_signal = EXCLUDED.macd_signal, macd_histogram = EXCLUDED.macd_histogram,"
                    + " bb_upper = EXCLUDED.bb_upper, bb_middle = EXCLUDED.bb_middle,"
                    + " bb_lower = EXCLUDED.bb_lower, atr_14 = EXCLUDED.atr_14,"
                    + " trend_direction = EXCLUDED.trend_direction,"
                    + " volatility_regime = EXCLUDED.volatility_regime, source = EXCLUDED.source";

    /** The job's market_data sink. */
    static final BiFunction<JdbcEndpoint, JdbcExecutionOptions, Sink<MarketBar>> JOB_SINK =
            (endpoint, options) -> MarketJdbcSinks.marketData(endpoint, options, "bench");

    /** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private PostgresSinkBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/postgres.md");
        int symbols = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 2;

        ServiceEnvironment services = ServiceEnvironment.load();
        String baseUrl = services.require(ServiceKeys.POSTGRES_JDBC_URL);
        String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        JdbcEndpoint endpoint =
                new JdbcEndpoint(
                        url,
                        services.require(ServiceKeys.POSTGRES_USER),
                        services.get(ServiceKeys.POSTGRES_PASSWORD, ""));
        int batch = CommonOptions.JDBC_BATCH_SIZE.defaultValue();
        String version;
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            SchemaMigrator.apply(c);
            try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1);
            }
        }
        List<MarketBar> rows = rows(symbols);
        int n = rows.size();

        List<double[]> copy = new ArrayList<>();
        List<double[]> upsert = new ArrayList<>();
        List<double[]> merge = new ArrayList<>();
        List<double[]> perRow = new ArrayList<>();
        // Warm-up of each path (JIT, driver, plan cache), not reported.
        truncate(endpoint);
        copyBinary(endpoint, rows.subList(0, Math.min(n, 5000)));
        truncate(endpoint);
        upsertJob(endpoint, symbols, Math.min(n, 5000) / symbols, batch, JOB_SINK);
        truncate(endpoint);
        stagedMerge(endpoint, rows.subList(0, Math.min(n, 5000)), batch);
        truncate(endpoint);
        upsertJob(
                endpoint,
                symbols,
                Math.min(n, 5000) / symbols,
                batch,
                PostgresSinkBench::perRowSink);
        long baseline = 0;
        for (int r = 0; r < reps; r++) {
            truncate(endpoint);
            copy.add(new double[] {n * 1e9 / copyBinary(endpoint, rows)});
            truncate(endpoint);
            upsert.add(
                    new double[] {
                        n * 1e9 / upsertJob(endpoint, symbols, n / symbols, batch, JOB_SINK)
                    });
            truncate(endpoint);
            merge.add(new double[] {n * 1e9 / stagedMerge(endpoint, rows, batch)});
            check(endpoint, n);
            truncate(endpoint);
            perRow.add(
                    new double[] {
                        n
                                * 1e9
                                / upsertJob(
                                        endpoint,
                                        symbols,
                                        n / symbols,
                                        batch,
                                        PostgresSinkBench::perRowSink)
                    });
            baseline = discardJob(symbols, n / symbols);
            check(endpoint, n);
        }
        truncate(endpoint);

        double[] c =
                JobThroughputBench.meanHalfRange(copy.stream().mapToDouble(x -> x[0]).toArray());
        double[] u =
                JobThroughputBench.meanHalfRange(upsert.stream().mapToDouble(x -> x[0]).toArray());
        double[] m =
                JobThroughputBench.meanHalfRange(merge.stream().mapToDouble(x -> x[0]).toArray());
        double[] p =
                JobThroughputBench.meanHalfRange(perRow.stream().mapToDouble(x -> x[0]).toArray());
        StringBuilder sb = new StringBuilder();
        sb.append("## 3. PostgreSQL sink (native PostgreSQL ").append(version).append(")\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%,d rows of `market_data` (real 1m bars with indicators, %d symbols),"
                                + " plain table with its primary key and 3 indexes (no TimescaleDB"
                                + " on this server: the hypertable figure is not measured), empty"
                                + " table before each run, %d repetitions interleaved. JDBC batch"
                                + " size %d (the job's default), one writer.%n%n",
                        n,
                        symbols,
                        reps,
                        batch));
        sb.append("| path | rows/s (mean ± half-range) | vs raw COPY |\n|---|---|---|\n");
        sb.append(row("raw `COPY ... FROM STDIN (FORMAT binary)`, one stream", c, c));
        sb.append(
                row(
                        "job's upsert sink (`MarketJdbcSinks.marketData`: one `INSERT ... SELECT"
                                + " unnest(?::float8[]), ... ON CONFLICT DO UPDATE` of column"
                                + " arrays per batch), in a MiniCluster job",
                        u,
                        c));
        sb.append(
                row(
                        "binary COPY into a temp staging table + one `INSERT ... SELECT DISTINCT ON"
                                + " ... ON CONFLICT DO UPDATE` per batch of "
                                + batch,
                        m,
                        c));
        sb.append(
                row(
                        "the job's previous upsert sink (the same `JdbcUpsertSink`, one row's"
                                + " parameters per `addBatch`, reWriteBatchedInserts), in a"
                                + " MiniCluster job",
                        p,
                        c));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nThe job's sink binds one array per column and runs one statement per"
                                + " batch, an upsert that a replay may repeat (COPY cannot: a"
                                + " replayed row fails on its key). Both upsert figures include the job around"
                                + " the sink (its deployment and start, the sink opening its"
                                + " connection); the same job with a discarding sink took %d ms"
                                + " for these rows. Goal:"
                                + " upsert ≥ 0.5x raw COPY.%n",
                        baseline / 1_000_000));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
    }

    private static String row(String name, double[] x, double[] copy) {
        return String.format(
                Locale.ROOT, "| %s | %,.0f ± %,.0f | %.2fx |%n", name, x[0], x[1], x[0] / copy[0]);
    }

    /** The bars of the real trades with their indicators, once per symbol. */
    static List<MarketBar> rows(int symbols) {
        BenchData d = BenchData.get();
        List<MarketBar> rows = new ArrayList<>(d.bars() * symbols);
        for (int s = 0; s < symbols; s++) {
            rows.addAll(rowsOf(d, "SYM" + s));
        }
        return rows;
    }

    static List<MarketBar> rowsOf(BenchData d, String symbol) {
        List<MarketBar> rows = new ArrayList<>(d.bars());
        IndicatorState state = new IndicatorState(Timeframe.M1);
        for (int i = 0; i < d.bars(); i++) {
            Bar bar =
                    new Bar(
                            symbol,
                            Timeframe.M1.label(),
                            d.barOpenTime[i],
                            d.open[i],
                            d.high[i],
                            d.low[i],
                            d.close[i],
                            d.volume[i],
                            1);
            IndicatorValues values = new IndicatorValues();
            state.update(bar, values);
            rows.add(new MarketBar(bar, values));
        }
        return rows;
    }

    private static void truncate(JdbcEndpoint endpoint) throws SQLException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE market_data");
        }
    }

    private static void check(JdbcEndpoint endpoint, int n) throws SQLException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM market_data")) {
            rs.next();
            if (rs.getLong(1) != n) {
                throw new IllegalStateException("expected " + n + " rows, found " + rs.getLong(1));
            }
        }
    }

    /** Raw binary COPY of all rows in one stream; returns nanoseconds. */
    static long copyBinary(JdbcEndpoint endpoint, List<MarketBar> rows)
            throws SQLException, IOException {
        try (Connection c = endpoint.open()) {
            long start = System.nanoTime();
            copyInto(c, "market_data", rows);
            return System.nanoTime() - start;
        }
    }

    private static void copyInto(Connection c, String table, List<MarketBar> rows)
            throws SQLException, IOException {
        String sql = "COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT binary)";
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(
                                new PGCopyOutputStream(c.unwrap(PGConnection.class), sql),
                                1 << 16))) {
            writeBinary(out, rows);
        }
    }

    /** PostgreSQL's binary COPY format: signature, flags, extension, tuples, trailer. */
    static void writeBinary(DataOutputStream out, List<MarketBar> rows) throws IOException {
        out.writeBytes("PGCOPY\n");
        out.write(0xFF);
        out.writeBytes("\r\n");
        out.write(0);
        out.writeInt(0); // flags: no OIDs
        out.writeInt(0); // header extension length
        for (MarketBar m : rows) {
            Bar b = m.bar;
            double[] v = m.indicators.toArray();
            out.writeShort(24);
            text(out, b.symbol);
            text(out, b.timeframe);
            out.writeInt(8);
            out.writeLong(b.openTime * 1000L - PG_EPOCH_MICROS);
            float8(out, b.open);
            float8(out, b.high);
            float8(out, b.low);
            float8(out, b.close);
            float8(out, b.volume);
            out.writeInt(8);
            out.writeLong(b.tradeCount);
            for (double x : v) {
                // NaN means "not warmed up", stored as NULL as the upsert path does.
                if (Double.isNaN(x)) {
                    out.writeInt(-1);
                } else {
                    float8(out, x);
                }
            }
            text(
                    out,
                    m.indicators.trendDirection == null
                            ? null
                            : m.indicators.trendDirection.label());
            text(
                    out,
                    m.indicators.volatilityRegime == null
                            ? null
                            : m.indicators.volatilityRegime.label());
            text(out, "bench");
        }
        out.writeShort(-1);
    }

    private static void float8(DataOutputStream out, double x) throws IOException {
        out.writeInt(8);
        out.writeDouble(x);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Per batch, in one transaction: binary COPY into a temp table, then one INSERT ... SELECT ...
     * ON CONFLICT DO UPDATE, the last row per key winning as in the job's sink; returns
     * nanoseconds.
     */
    static long stagedMerge(JdbcEndpoint endpoint, List<MarketBar> rows, int batch)
            throws SQLException, IOException {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TEMP TABLE market_data_stage (LIKE market_data INCLUDING DEFAULTS,"
                            + " seq BIGSERIAL) ON COMMIT DELETE ROWS");
            c.setAutoCommit(false);
            String merge =
                    "INSERT INTO market_data ("
                            + COLUMNS
                            + ") SELECT DISTINCT ON (symbol, timeframe, ts) "
                            + COLUMNS
                            + " FROM market_data_stage ORDER BY symbol, timeframe, ts, seq DESC"
                            + UPDATE_SET;
            long start = System.nanoTime();
            for (int from = 0; from < rows.size(); from += batch) {
                copyInto(
                        c,
                        "market_data_stage",
                        rows.subList(from, Math.min(rows.size(), from + batch)));
                st.executeUpdate(merge);
                c.commit();
            }
            return System.nanoTime() - start;
        }
    }

    /** The market_data sink's statement before the column arrays: one row's parameters. */
    static final String PER_ROW_UPSERT =
            "INSERT INTO market_data ("
                    + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?)"
                    + UPDATE_SET;

    /**
     * The market_data sink as it was before the column arrays: the same {@code JdbcUpsertSink}
     * (last row per key within a batch), one row's parameters per {@code addBatch}, which the
     * driver's {@code reWriteBatchedInserts} turns into multi-row statements.
     */
    static Sink<MarketBar> perRowSink(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        PER_ROW_UPSERT,
                        PostgresSinkBench::bindRow,
                        MarketJdbcSinks::marketDataKey));
    }

    /** The binding of {@link #PER_ROW_UPSERT}, as the job's sink had it. */
    static void bindRow(PreparedStatement ps, MarketBar m) throws SQLException {
        Bar b = m.bar;
        ps.setString(1, b.symbol);
        ps.setString(2, b.timeframe);
        ps.setTimestamp(3, new Timestamp(b.openTime));
        ps.setDouble(4, b.open);
        ps.setDouble(5, b.high);
        ps.setDouble(6, b.low);
        ps.setDouble(7, b.close);
        ps.setDouble(8, b.volume);
        ps.setLong(9, b.tradeCount);
        double[] v = m.indicators.toArray();
        for (int j = 0; j < v.length; j++) {
            if (Double.isNaN(v[j])) {
                ps.setNull(10 + j, Types.DOUBLE);
            } else {
                ps.setDouble(10 + j, v[j]);
            }
        }
        ps.setString(
                22,
                m.indicators.trendDirection == null ? null : m.indicators.trendDirection.label());
        ps.setString(
                23,
                m.indicators.volatilityRegime == null
                        ? null
                        : m.indicators.volatilityRegime.label());
        ps.setString(24, "bench");
    }

    /**
     * A MiniCluster job, parallelism 1, of the rows into an upsert sink ({@code sink} of the
     * endpoint and the job's execution options); returns nanoseconds.
     */
    static long upsertJob(
            JdbcEndpoint endpoint,
            int symbols,
            int barsPerSymbol,
            int batch,
            BiFunction<JdbcEndpoint, JdbcExecutionOptions, Sink<MarketBar>> sink)
            throws Exception {
        JdbcExecutionOptions options =
                JdbcExecutionOptions.builder()
                        .withBatchSize(batch)
                        .withBatchIntervalMs(
                                CommonOptions.JDBC_BATCH_INTERVAL.defaultValue().toMillis())
                        .withMaxRetries(0)
                        .build();
        StreamExecutionEnvironment env = env();
        source(env, symbols, barsPerSymbol)
                .sinkTo(sink.apply(endpoint, options))
                .uid("bench-upsert");
        JobExecutionResult result = env.execute("bench-upsert");
        return result.getNetRuntime() * 1_000_000L;
    }

    /** The same job with a discarding sink: the overhead around the sink; returns nanoseconds. */
    static long discardJob(int symbols, int barsPerSymbol) throws Exception {
        StreamExecutionEnvironment env = env();
        source(env, symbols, barsPerSymbol).sinkTo(new DiscardingSink<>()).uid("bench-discard");
        return env.execute("bench-discard").getNetRuntime() * 1_000_000L;
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        return env;
    }

    private static org.apache.flink.streaming.api.datastream.DataStreamSource<MarketBar> source(
            StreamExecutionEnvironment env, int symbols, int barsPerSymbol) {
        long n = (long) symbols * barsPerSymbol;
        return env.fromSource(
                new DataGeneratorSource<>(
                        new RowGenerator(symbols, barsPerSymbol),
                        n,
                        TypeInformation.of(MarketBar.class)),
                WatermarkStrategy.noWatermarks(),
                "bench-rows",
                TypeInformation.of(MarketBar.class));
    }

    /** Row {@code i} of {@link #rows}, computed once per reader. */
    static final class RowGenerator implements GeneratorFunction<Long, MarketBar> {
        private static final long serialVersionUID = 1L;
        private final int symbols;
        private final int barsPerSymbol;
        private transient List<MarketBar> rows;

        RowGenerator(int symbols, int barsPerSymbol) {
            this.symbols = symbols;
            this.barsPerSymbol = barsPerSymbol;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            rows = rows(symbols);
        }

        @Override
        public MarketBar map(Long index) {
            long i = index;
            int s = (int) (i / barsPerSymbol);
            int b = (int) (i % barsPerSymbol);
            return rows.get(s * BenchData.get().bars() + b);
        }
    }
}
