package com.athena.jobs.reliability;

import com.athena.common.market.MarketBar;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One output compared with what a run without the fault writes: expected keys missing (lost), keys
 * present more than once or counted twice (duplicates), unexpected keys and differing values
 * (problems).
 */
record Comparison(
        String what, int expected, int found, long lost, long duplicates, List<String> problems) {
    Comparison withCounts(long[] missingAndExtra) {
        return new Comparison(
                what,
                expected,
                found,
                lost + missingAndExtra[0],
                duplicates + missingAndExtra[1],
                problems);
    }

    /** Records lost over all the comparisons. */
    static long totalLost(List<Comparison> comparisons) {
        return comparisons.stream().mapToLong(Comparison::lost).sum();
    }

    /** Duplicates over all the comparisons. */
    static long totalDuplicates(List<Comparison> comparisons) {
        return comparisons.stream().mapToLong(Comparison::duplicates).sum();
    }

    /** Rows by key against the expected rows: a key seen twice is a duplicate. */
    static Comparison compare(
            String what,
            Map<String, List<Object>> expected,
            List<Map.Entry<String, List<Object>>> rows) {
        Map<String, List<Object>> found = new TreeMap<>();
        long duplicates = 0;
        for (Map.Entry<String, List<Object>> row : rows) {
            if (found.put(row.getKey(), row.getValue()) != null) {
                duplicates++;
            }
        }
        return diff(what, expected, found, duplicates);
    }

    static Comparison compareDocs(
            String what,
            Map<String, Map<String, Object>> expected,
            Map<String, Map<String, Object>> found) {
        return diff(what, expected, found, 0);
    }

    private static <V> Comparison diff(
            String what, Map<String, V> expected, Map<String, V> found, long duplicates) {
        List<String> problems = new ArrayList<>();
        long lost = 0;
        for (Map.Entry<String, V> e : expected.entrySet()) {
            V actual = found.get(e.getKey());
            if (actual == null) {
                lost++;
                problems.add("missing " + e.getKey());
            } else if (!actual.equals(e.getValue())) {
                problems.add(
                        "differs "
                                + e.getKey()
                                + ": expected "
                                + e.getValue()
                                + ", found "
                                + actual);
            }
        }
        for (String key : found.keySet()) {
            if (!expected.containsKey(key)) {
                problems.add("unexpected " + key + ": " + found.get(key));
            }
        }
        if (duplicates > 0) {
            problems.add(duplicates + " rows with a key seen before");
        }
        return new Comparison(what, expected.size(), found.size(), lost, duplicates, problems);
    }

    /**
     * Bars compared by open time; a trade counted twice shows as a bar with more trades than
     * expected (a duplicate), a trade missing as one with fewer (lost).
     */
    static Comparison compareBars(String what, List<MarketBar> expected, List<MarketBar> found) {
        Map<String, List<Object>> want = new TreeMap<>();
        for (MarketBar b : expected) {
            want.put(Instant.ofEpochMilli(b.bar.openTime).toString(), List.of(b));
        }
        List<Map.Entry<String, List<Object>>> rows = new ArrayList<>();
        for (MarketBar b : found) {
            rows.add(Map.entry(Instant.ofEpochMilli(b.bar.openTime).toString(), List.of(b)));
        }
        Comparison c = compare(what, want, rows);
        long missingTrades = 0;
        long extraTrades = 0;
        Map<Long, Long> tradesByBar = new TreeMap<>();
        for (MarketBar b : found) {
            tradesByBar.merge(b.bar.openTime, b.bar.tradeCount, Long::sum);
        }
        for (MarketBar b : expected) {
            long got = tradesByBar.getOrDefault(b.bar.openTime, b.bar.tradeCount);
            missingTrades += Math.max(0, b.bar.tradeCount - got);
            extraTrades += Math.max(0, got - b.bar.tradeCount);
        }
        return c.withCounts(new long[] {missingTrades, extraTrades});
    }

    /**
     * Costs missing from or counted twice in the daily cost documents ({@code cost_count} against
     * the reference's), beyond whole documents.
     */
    static long[] countDifference(
            Map<String, Map<String, Object>> expected, Map<String, Map<String, Object>> found) {
        long missing = 0;
        long extra = 0;
        for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
            Map<String, Object> doc = found.get(e.getKey());
            if (doc == null) {
                continue;
            }
            long want = ((Number) e.getValue().get("cost_count")).longValue();
            long got = ((Number) doc.get("cost_count")).longValue();
            missing += Math.max(0, want - got);
            extra += Math.max(0, got - want);
        }
        return new long[] {missing, extra};
    }
}
