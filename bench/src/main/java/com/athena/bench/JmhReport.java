package com.athena.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JMH JSON results of {@link IndicatorBench} into the report's tables: ns per bar of each
 * implementation with its 99.9% error, the allocation per bar, and the ratios to the goals.
 *
 * <p>Usage: {@code JmhReport RESULTS.json OUT.md}.
 */
public final class JmhReport {
    static final String[] INDICATORS = {"Ema", "Rsi", "Macd", "Bollinger", "Atr", "All"};
    static final String[] IMPLEMENTATIONS = {"ours", "ta4j", "talibStream", "talibBatch"};

    private JmhReport() {}

    /** One benchmark's score. */
    record Score(double ns, double error, double allocBytes) {}

    public static void main(String[] args) throws IOException {
        Path json = Paths.get(args[0]);
        Path out = Paths.get(args[1]);
        Map<String, Score> scores = read(json);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(scores));
        summary(json, out.toAbsolutePath().getParent());
    }

    /**
     * The summary's indicator figures, each the median over every measured iteration of every fork
     * (JMH's own score is their mean): ns per bar of all indicators, ta4j's cost over ours, ours
     * over TA-Lib batch's.
     */
    static void summary(Path json, Path dir) throws IOException {
        Map<String, double[]> raw = new HashMap<>();
        for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
            String name = b.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.') + 1);
            java.util.List<Double> values = new java.util.ArrayList<>();
            for (JsonNode fork : b.path("primaryMetric").path("rawData")) {
                for (JsonNode v : fork) {
                    values.add(v.asDouble());
                }
            }
            raw.put(name, values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        double ours = BenchSummary.median(raw.getOrDefault("oursAll", new double[0]));
        double ta4j = BenchSummary.median(raw.getOrDefault("ta4jAll", new double[0]));
        double batch = BenchSummary.median(raw.getOrDefault("talibBatchAll", new double[0]));
        BenchSummary.writePart(
                dir,
                "indicators",
                Map.of(
                        "indicators_ns_per_bar", ours,
                        "vs_ta4j", ta4j / ours,
                        "vs_talib_batch", ours / batch));
    }

    static Map<String, Score> read(Path json) throws IOException {
        Map<String, Score> scores = new HashMap<>();
        for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
            String name = b.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.') + 1);
            JsonNode primary = b.get("primaryMetric");
            JsonNode alloc = b.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
            scores.put(
                    name,
                    new Score(
                            primary.get("score").asDouble(),
                            primary.get("scoreError").asDouble(),
                            alloc.isMissingNode() ? Double.NaN : alloc.asDouble()));
        }
        return scores;
    }

    static String render(Map<String, Score> s) {
        StringBuilder sb = new StringBuilder("## 1. Indicators, JMH (ns per bar)\n\n");
        sb.append(
                "Each invocation runs "
                        + IndicatorBench.BARS
                        + " real 1-minute Bitstamp bars from fresh state (warm-up bars included);"
                        + " score = ns per bar ± 99.9% error; 2 forks, 3 x 1 s warm-up, 5 x 1 s"
                        + " measurement, `-prof gc`. EMA = the four EMAs (9, 21, 50, 200); all ="
                        + " every indicator (ours: `IndicatorState.update`, with the trend and"
                        + " volatility labels). ta4j 0.17 (0.18 needs Java 21) with DoubleNum and maximumBarCount "
                        + IndicatorBench.TA4J_MAX_BARS
                        + ", adding each bar and reading getValue(endIndex); TA-Lib streaming ="
                        + " `Core.x(i, i, ...)` per bar, which recomputes the lookback window;"
                        + " TA-Lib batch = one call over all bars, divided by the bar count.\n\n");
        sb.append(
                "| indicator | ours | ta4j | TA-Lib streaming | TA-Lib batch | ours alloc B/bar"
                        + " | ta4j alloc B/bar |\n|---|---|---|---|---|---|---|\n");
        for (String ind : INDICATORS) {
            sb.append("| ").append(ind.toLowerCase(Locale.ROOT));
            for (String impl : IMPLEMENTATIONS) {
                Score x = s.get(impl + ind);
                sb.append(
                        x == null
                                ? " | n/a"
                                : String.format(Locale.ROOT, " | %.1f ± %.1f", x.ns(), x.error()));
            }
            sb.append(alloc(s.get("ours" + ind))).append(alloc(s.get("ta4j" + ind))).append(" |\n");
        }
        sb.append(
                "\n| indicator | ta4j / ours (x faster) | TA-Lib streaming / ours | ours / TA-Lib"
                        + " batch |\n|---|---|---|---|\n");
        for (String ind : INDICATORS) {
            Score ours = s.get("ours" + ind);
            sb.append("| ").append(ind.toLowerCase(Locale.ROOT));
            sb.append(ratio(s.get("ta4j" + ind), ours));
            sb.append(ratio(s.get("talibStream" + ind), ours));
            sb.append(ratio(ours, s.get("talibBatch" + ind)));
            sb.append(" |\n");
        }
        Score all = s.get("oursAll");
        if (all != null) {
            sb.append("\nGoals (all together): ")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "%.1f ns/bar (goal ≤ 200); %s faster than ta4j (goal ≥ 10x);"
                                            + " %s the TA-Lib batch cost (goal ≤ 2x); allocation"
                                            + " %.3f B/bar (goal ≈ 0).%n",
                                    all.ns(),
                                    quotient(s.get("ta4jAll"), all),
                                    quotient(all, s.get("talibBatchAll")),
                                    all.allocBytes()));
        }
        return sb.toString();
    }

    private static String alloc(Score x) {
        return x == null || Double.isNaN(x.allocBytes())
                ? " | n/a"
                : String.format(Locale.ROOT, " | %.3f", x.allocBytes());
    }

    private static String ratio(Score a, Score b) {
        return " | " + quotient(a, b);
    }

    /** a / b with the error propagated from both relative errors. */
    private static String quotient(Score a, Score b) {
        if (a == null || b == null) {
            return "n/a";
        }
        double q = a.ns() / b.ns();
        double err = q * (a.error() / a.ns() + b.error() / b.ns());
        return String.format(Locale.ROOT, "%.2fx ± %.2f", q, err);
    }
}
