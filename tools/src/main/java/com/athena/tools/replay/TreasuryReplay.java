package com.athena.tools.replay;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.LineFileSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.NumberedLinesFormat;
import com.athena.common.flink.SourceFactory;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;

import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import java.util.List;
import java.util.Set;

/**
 * {@code replay treasury --input EVENTS.jsonl --out SNAPSHOTS.csv}: runs the production treasury
 * graph ({@link TreasuryJob}) over a JSON-lines file of cost and balance events and market
 * snapshots, in any order, and writes one row per agent and UTC day with an event, as of the day's
 * close, sorted by agent then day ({@link TreasuryCsv}).
 *
 * <p>The watermark waits for the end of the file (out-of-orderness without bound), so every event
 * is applied in event-time order whatever the line order: the output is a function of the set of
 * lines. Bad lines go to {@code err} as {@code FILE:LINE: reason}; the run still completes.
 */
final class TreasuryReplay {
    static final String USAGE = "usage: replay treasury --input EVENTS.jsonl --out SNAPSHOTS.csv";

    static final String CSV_SINK = "replay-treasury-csv-sink";
    static final String REJECTS_SINK = "replay-treasury-rejects-sink";

    /**
     * Out-of-orderness "without bound": 100,000 days, beyond any file's span; Flink formats
     * durations in nanoseconds, which this still fits.
     */
    static final Duration WHOLE_INPUT = Duration.ofDays(100_000);

    private TreasuryReplay() {}

    static int run(String[] args, PrintStream err) throws Exception {
        ReplayArgs a = new ReplayArgs(args, Set.of("input", "out"));
        java.nio.file.Path input = Paths.get(a.required("input"));
        java.nio.file.Path out = Paths.get(a.required("out"));
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read --input " + input);
        }
        java.nio.file.Path rejects = Files.createTempFile("replay-treasury-rejects", ".tsv");
        try {
            execute(input, out, rejects);
            return report(input, rejects, err);
        } finally {
            Files.deleteIfExists(rejects);
        }
    }

    private static void execute(
            java.nio.file.Path input, java.nio.file.Path out, java.nio.file.Path rejects)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        // A file says nothing about the wall clock: no quiet advance, no idleness, and the
        // watermark moves only at the end of input.
        config.set(TreasuryOptions.OUT_OF_ORDERNESS, WHOLE_INPUT);
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(TreasuryOptions.IDLENESS, Duration.ZERO);
        TreasurySettings settings = new TreasurySettings(config);

        String label = input.getFileName().toString();
        SourceFactory<RawRecord> file =
                SourceFactory.of(
                        FileSource.forRecordStreamFormat(
                                        new NumberedLinesFormat(label, false),
                                        new Path(input.toUri()))
                                .build(),
                        TypeInformation.of(RawRecord.class));
        TreasuryJob.Sources sources =
                new TreasuryJob.Sources(
                        null,
                        null,
                        null,
                        new TreasuryJob.Input<>(file, settings.inputParser(), "file:" + label));
        TreasuryJob.Sinks sinks =
                new TreasuryJob.Sinks(
                        List.of(),
                        List.of(),
                        List.of(
                                new NamedSink<>(
                                        CSV_SINK,
                                        new LineFileSink<TreasurySnapshot>(
                                                out, TreasuryCsv.HEADER, TreasuryCsv::format),
                                        1)),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(
                                new NamedSink<>(
                                        REJECTS_SINK,
                                        new LineFileSink<DeadLetter>(
                                                rejects,
                                                null,
                                                d -> d.origin + "\t" + oneLine(d.reason)),
                                        1)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        new TreasuryJob(sources, sinks, settings).build(env);
        env.execute("replay-treasury");
    }

    /** Prints the bad lines in line order and returns 0; the run completes even with bad lines. */
    static int report(java.nio.file.Path input, java.nio.file.Path rejects, PrintStream err)
            throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(rejects, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", 2));
            }
        }
        rows.sort((x, y) -> Long.compare(lineNumber(x[0]), lineNumber(y[0])));
        for (String[] r : rows) {
            long line = lineNumber(r[0]);
            err.println((line == Long.MAX_VALUE ? r[0] : input + ":" + line) + ": " + r[1]);
        }
        err.println("replay: " + rows.size() + " bad rows");
        return 0;
    }

    /** The line of a {@code file:line} origin; other origins sort last. */
    private static long lineNumber(String origin) {
        try {
            return Long.parseLong(origin.substring(origin.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\t', ' ');
    }
}
