package com.athena.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The machine-readable summary of a {@code bin/bench} run, {@code target/bench/summary.json}: each
 * benchmark writes its figures (medians) into a part file {@code summary-NAME.json}, and {@link
 * #main} merges the parts into exactly the keys of {@link #KEYS}, a figure that was not measured
 * being {@code null}.
 */
public final class BenchSummary {
    /** The summary's keys, in order (issue 15; the BigQuery sinks' ratio from issue 17). */
    static final List<String> KEYS =
            List.of(
                    "indicators_ns_per_bar",
                    "vs_ta4j",
                    "vs_talib_batch",
                    "heap_ratio",
                    "rocksdb_ratio",
                    "checkpoint_cost_heap",
                    "checkpoint_cost_rocksdb",
                    "latency_p99_ms",
                    "latency_closes",
                    "jdbc_vs_copy",
                    "treasury_ratio",
                    "subtask_skew",
                    "bigquery_storage_vs_insertall",
                    "git",
                    "date");

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchSummary() {}

    /** Writes one benchmark's figures into {@code dir/summary-NAME.json}. */
    static void writePart(Path dir, String name, Map<String, ? extends Number> figures)
            throws IOException {
        ObjectNode node = JSON.createObjectNode();
        for (Map.Entry<String, ? extends Number> e : figures.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException("not a summary key: " + e.getKey());
            }
            double v = e.getValue().doubleValue();
            if (Double.isFinite(v)) {
                node.put(e.getKey(), e.getValue().doubleValue());
            } else {
                node.putNull(e.getKey());
            }
        }
        Files.createDirectories(dir);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("summary-" + name + ".json").toFile(), node);
    }

    /** The median of the values (the mean of the middle two for an even count); NaN if none. */
    static double median(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }

    /** "median (min to max)" in the given format, or the one value of a single repetition. */
    static String stat(double[] xs, String format) {
        if (xs.length == 0) {
            return "–";
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        String m = String.format(Locale.ROOT, format, median(s));
        if (s.length == 1) {
            return m;
        }
        return m
                + " ("
                + String.format(Locale.ROOT, format, s[0])
                + " to "
                + String.format(Locale.ROOT, format, s[s.length - 1])
                + ")";
    }

    /** Usage: {@code BenchSummary DIR GIT DATE}: merges {@code DIR/summary-*.json}. */
    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        ObjectNode merged = JSON.createObjectNode();
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "summary-*.json")) {
            for (Path part : parts) {
                JsonNode node = JSON.readTree(part.toFile());
                node.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            }
        }
        merged.put("git", args[1]);
        merged.put("date", args[2]);
        ObjectNode out = JSON.createObjectNode();
        for (String key : KEYS) {
            JsonNode v = merged.get(key);
            if (v == null) {
                out.putNull(key);
            } else {
                out.set(key, v);
            }
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("summary.json").toFile(), out);
    }
}
