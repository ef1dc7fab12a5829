package com.athena.tools.replay;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.LineFileSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.NumberedLinesFormat;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.Labeled;
import com.athena.common.market.Bar;
import com.athena.common.market.BarCsv;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeCsv;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The replay CLI: runs a production graph over a file in a local MiniCluster: the market graph (one
 * CSV row per bar) or the treasury graph ({@link TreasuryReplay}: one CSV row per agent and day).
 *
 * <pre>
 * replay indicators --input FILE --format bars|trades --symbol SYM --timeframe TF --out OUT.csv
 * replay treasury --input EVENTS.jsonl --out SNAPSHOTS.csv
 * </pre>
 */
public final class ReplayMain {
    static final String USAGE =
            "usage: replay indicators --input FILE --format bars|trades --symbol SYM --timeframe 1m|5m|15m|1h|1d --out OUT.csv\n"
                    + "       replay treasury --input EVENTS.jsonl --out SNAPSHOTS.csv";

    static final String CSV_SINK = "replay-csv-sink";
    static final String REJECTS_SINK = "replay-rejects-sink";

    private ReplayMain() {}

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = run(args, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        }
        System.exit(status);
    }

    /** Runs a replay; returns the exit status. Bad rows are reported on {@code err}. */
    public static int run(String[] args, PrintStream err) throws Exception {
        if (args.length > 0 && args[0].equals("treasury")) {
            return TreasuryReplay.run(java.util.Arrays.copyOfRange(args, 1, args.length), err);
        }
        if (args.length == 0 || !args[0].equals("indicators")) {
            throw new IllegalArgumentException(
                    "the first argument must be 'indicators' or 'treasury'");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        ReplayArgs a =
                new ReplayArgs(rest, Set.of("input", "format", "symbol", "timeframe", "out"));
        java.nio.file.Path input = Paths.get(a.required("input"));
        InputFormat format =
                Labeled.fromLabel(InputFormat.class, a.oneOf("format", InputFormat.labels()));
        String symbol = a.required("symbol");
        Timeframe timeframe =
                Timeframe.parse(a.oneOf("timeframe", List.of("1m", "5m", "15m", "1h", "1d")));
        java.nio.file.Path out = Paths.get(a.required("out"));
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read --input " + input);
        }
        String expectedHeader = format.header();
        String header;
        try (var lines = Files.lines(input, StandardCharsets.UTF_8)) {
            header = lines.findFirst().orElse("").trim();
        }
        if (!header.equals(expectedHeader)) {
            throw new IllegalArgumentException(
                    input
                            + ": --format "
                            + format.label()
                            + " expects the header '"
                            + expectedHeader
                            + "', found '"
                            + header
                            + "'");
        }

        java.nio.file.Path rejects = Files.createTempFile("replay-rejects", ".tsv");
        try {
            execute(input, format, symbol, timeframe, out, rejects);
            return report(input, rejects, err);
        } finally {
            Files.deleteIfExists(rejects);
        }
    }

    private static void execute(
            java.nio.file.Path input,
            InputFormat format,
            String symbol,
            Timeframe timeframe,
            java.nio.file.Path out,
            java.nio.file.Path rejects)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.TIMEFRAMES, timeframe.label());
        config.set(MarketOptions.CONDITIONS_TIMEFRAME, timeframe.label());
        // A file says nothing about the wall clock: no quiet advance, no idleness.
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.IDLENESS, Duration.ZERO);
        MarketSettings settings = new MarketSettings(config);

        String label = input.getFileName().toString();
        SourceFactory<RawRecord> file =
                SourceFactory.of(
                        FileSource.forRecordStreamFormat(
                                        new NumberedLinesFormat(label), new Path(input.toUri()))
                                .build(),
                        org.apache.flink.api.common.typeinfo.TypeInformation.of(RawRecord.class));
        String source = "file:" + label;
        MarketJob.Sources sources =
                format == InputFormat.TRADES
                        ? new MarketJob.Sources(
                                new MarketJob.Input<Trade>(
                                        file,
                                        (line, now) -> TradeCsv.parse(line, symbol, "replay"),
                                        source),
                                null,
                                null)
                        : new MarketJob.Sources(
                                null,
                                new MarketJob.Input<Bar>(
                                        file,
                                        (line, now) -> BarCsv.parse(line, symbol, timeframe),
                                        source),
                                null);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        CSV_SINK,
                                        new LineFileSink<MarketBar>(
                                                out, IndicatorCsv.HEADER, IndicatorCsv::format))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        REJECTS_SINK,
                                        new LineFileSink<DeadLetter>(
                                                rejects, null, d -> d.origin + "\t" + d.reason))));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        // One symbol and one timeframe are one key: a single subtask keeps the rows in time order.
        env.setParallelism(1);
        new MarketJob(sources, sinks, settings).build(env);
        env.execute("replay-indicators");
    }

    /** Prints the bad rows in line order and returns 0; the run completes even with bad rows. */
    private static int report(java.nio.file.Path input, java.nio.file.Path rejects, PrintStream err)
            throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(rejects, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", 2));
            }
        }
        rows.sort(Comparator.comparingLong(r -> lineNumber(r[0])));
        for (String[] r : rows) {
            long line = lineNumber(r[0]);
            // A dead letter of a later step (a late trade) names its trade, not a line.
            err.println((line < 0 ? input + ": " + r[0] : input + ":" + line) + ": " + r[1]);
        }
        err.println("replay: " + rows.size() + " bad rows");
        return 0;
    }

    /** The line an origin {@code <file>:<line>} names, or -1 for any other origin. */
    static long lineNumber(String origin) {
        String tail = origin.substring(origin.lastIndexOf(':') + 1);
        if (tail.isEmpty() || !tail.chars().allMatch(Character::isDigit) || tail.length() > 18) {
            return -1;
        }
        return Long.parseLong(tail);
    }
}
