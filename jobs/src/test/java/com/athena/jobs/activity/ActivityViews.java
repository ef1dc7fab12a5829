package com.athena.jobs.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What the views {@code daily_performance} and {@code emotional_correlation} return for the
 * generated day, as their SQL says, over a set of facts: the rows the three jobs wrote to BigQuery
 * ({@link #fromRows}), or the same tables derived independently from the day's inputs and the
 * documented treasury rules ({@link #fromInputs}, no project code). Averages are rounded to 1e-9 so
 * that the order of summation does not matter.
 */
final class ActivityViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A {@code treasury_snapshots} row: the columns the views read. */
    record Snapshot(
            String agent,
            long millis,
            double balance,
            Double burn,
            Double runway,
            String state,
            double confidence,
            double risk,
            boolean survival,
            String type) {}

    record Cost(String agent, long millis, String type, double amount) {}

    record Decision(String agent, long millis, double confidence, String outcome, String state) {}

    record Memory(String agent, long millis, double formationCost) {}

    record Metric(String agent, long millis, String name, String unit, double value) {}

    record Market(long millis, Double btc24h, Double eth24h, Double fearGreed) {}

    /** The tables the two views read. */
    record Facts(
            List<Snapshot> snapshots,
            List<Cost> costs,
            List<Decision> decisions,
            List<Memory> memories,
            List<Metric> metrics,
            List<Market> market) {}

    /** One {@code daily_performance} row (the system metrics by name: unit, samples, avg, max). */
    record DailyPerformance(
            Double openingBalance,
            Double closingBalance,
            Double balanceChange,
            Double minBalance,
            Double dailyBurnRate,
            Double daysUntilBankruptcy,
            String closingState,
            Double avgConfidence,
            Double avgRiskTolerance,
            Boolean survivalModeActive,
            long treasurySnapshots,
            double totalCost,
            double llmCost,
            double apiCost,
            long operations,
            long decisionsMade,
            Double avgDecisionConfidence,
            long successfulDecisions,
            long decisionsWithOutcome,
            Double successRate,
            long memoriesFormed,
            double memoryFormationCost,
            Map<String, List<Object>> systemMetrics) {}

    /** One {@code emotional_correlation} row, keyed by its emotional state. */
    record EmotionalCorrelation(
            long snapshots,
            Double avgBalance,
            Double avgRiskTolerance,
            Double avgConfidence,
            Double avgDaysUntilBankruptcy,
            long survivalSnapshots,
            Double avgBtc24hChange,
            Double avgEth24hChange,
            Double avgFearGreed,
            long decisionsMade,
            Double avgDecisionConfidence,
            Double successRate,
            Double corrConfidenceFearGreed,
            Double corrRiskFearGreed,
            Double corrConfidenceBtc,
            Double corrRiskBtc) {}

    private ActivityViews() {}

    // ---- the views, as their SQL says --------------------------------------------------------

    /** {@code daily_performance} for one agent and UTC day. */
    static DailyPerformance dailyPerformance(Facts f, String agent, String date) {
        List<Snapshot> t = of(f.snapshots(), s -> s.agent(), s -> s.millis(), agent, date);
        t = t.stream().sorted(Comparator.comparingLong(Snapshot::millis)).toList();
        Snapshot first = t.isEmpty() ? null : t.get(0);
        Snapshot last = t.isEmpty() ? null : t.get(t.size() - 1);
        List<Cost> c = of(f.costs(), Cost::agent, Cost::millis, agent, date);
        List<Decision> d = of(f.decisions(), Decision::agent, Decision::millis, agent, date);
        List<Memory> m = of(f.memories(), Memory::agent, Memory::millis, agent, date);
        List<Metric> metrics = of(f.metrics(), Metric::agent, Metric::millis, agent, date);
        Map<String, List<Object>> system = new TreeMap<>();
        metrics.stream()
                .collect(Collectors.groupingBy(Metric::name))
                .forEach(
                        (name, ms) ->
                                system.put(
                                        name,
                                        List.of(
                                                ms.get(0).unit(),
                                                (long) ms.size(),
                                                avg(ms, Metric::value),
                                                ms.stream()
                                                        .mapToDouble(Metric::value)
                                                        .max()
                                                        .orElseThrow())));
        long successful = d.stream().filter(x -> "success".equals(x.outcome())).count();
        long withOutcome = d.stream().filter(x -> x.outcome() != null).count();
        return new DailyPerformance(
                first == null ? null : round(first.balance()),
                last == null ? null : round(last.balance()),
                first == null ? null : round(last.balance() - first.balance()),
                round(t.stream().map(Snapshot::balance).min(Double::compare).orElse(null)),
                last == null ? null : round(last.burn()),
                last == null ? null : round(last.runway()),
                last == null ? null : last.state(),
                avg(t, Snapshot::confidence),
                avg(t, Snapshot::risk),
                t.isEmpty() ? null : t.stream().anyMatch(Snapshot::survival),
                t.size(),
                round(sum(c, x -> true)),
                round(sum(c, x -> x.type().equals("llm_cost"))),
                round(sum(c, x -> x.type().equals("api_cost"))),
                c.size(),
                d.size(),
                avg(d, Decision::confidence),
                successful,
                withOutcome,
                withOutcome == 0 ? null : round((double) successful / withOutcome),
                m.size(),
                round(m.stream().mapToDouble(Memory::formationCost).sum()),
                system);
    }

    /** {@code emotional_correlation} for one agent, by emotional state. */
    static Map<String, EmotionalCorrelation> emotionalCorrelation(Facts f, String agent) {
        // market_hours: the snapshots of a UTC hour, averaged.
        Map<Long, List<Market>> hours =
                f.market().stream().collect(Collectors.groupingBy(x -> hour(x.millis())));
        record Joined(Snapshot s, Double btc, Double eth, Double fearGreed) {}
        List<Joined> joined = new ArrayList<>();
        for (Snapshot s : f.snapshots()) {
            if (s.agent().equals(agent) && s.state() != null) {
                List<Market> h = hours.getOrDefault(hour(s.millis()), List.of());
                joined.add(
                        new Joined(
                                s,
                                avgOf(h, Market::btc24h),
                                avgOf(h, Market::eth24h),
                                avgOf(h, Market::fearGreed)));
            }
        }
        Double[] corr = {
            corr(joined, j -> j.s().confidence(), Joined::fearGreed),
            corr(joined, j -> j.s().risk(), Joined::fearGreed),
            corr(joined, j -> j.s().confidence(), Joined::btc),
            corr(joined, j -> j.s().risk(), Joined::btc)
        };
        Map<String, EmotionalCorrelation> out = new TreeMap<>();
        joined.stream()
                .collect(Collectors.groupingBy(j -> j.s().state()))
                .forEach(
                        (state, js) -> {
                            List<Decision> d =
                                    f.decisions().stream()
                                            .filter(x -> x.agent().equals(agent))
                                            .filter(x -> state.equals(x.state()))
                                            .toList();
                            long successful =
                                    d.stream().filter(x -> "success".equals(x.outcome())).count();
                            long withOutcome = d.stream().filter(x -> x.outcome() != null).count();
                            out.put(
                                    state,
                                    new EmotionalCorrelation(
                                            js.size(),
                                            avg(js, j -> j.s().balance()),
                                            avg(js, j -> j.s().risk()),
                                            avg(js, j -> j.s().confidence()),
                                            avgOf(js, j -> j.s().runway()),
                                            js.stream().filter(j -> j.s().survival()).count(),
                                            avgOf(js, Joined::btc),
                                            avgOf(js, Joined::eth),
                                            avgOf(js, Joined::fearGreed),
                                            d.size(),
                                            avg(d, Decision::confidence),
                                            withOutcome == 0
                                                    ? null
                                                    : round((double) successful / withOutcome),
                                            corr[0],
                                            corr[1],
                                            corr[2],
                                            corr[3]));
                        });
        return out;
    }

    // ---- the facts ---------------------------------------------------------------------------

    /** The facts as the jobs wrote them: the committed rows of each table. */
    static Facts fromRows(
            List<Map<String, Object>> snapshots,
            List<Map<String, Object>> costs,
            List<Map<String, Object>> decisions,
            List<Map<String, Object>> memories,
            List<Map<String, Object>> metrics,
            List<Map<String, Object>> market) {
        return new Facts(
                snapshots.stream()
                        .map(
                                r ->
                                        new Snapshot(
                                                (String) r.get("agent_id"),
                                                millis(r.get("timestamp")),
                                                num(r.get("balance_usd")),
                                                numOrNull(r.get("daily_burn_rate")),
                                                numOrNull(r.get("days_until_bankruptcy")),
                                                (String) r.get("emotional_state"),
                                                num(r.get("confidence_level")),
                                                num(r.get("risk_tolerance")),
                                                Boolean.TRUE.equals(r.get("survival_mode_active")),
                                                snapshotType(r)))
                        .toList(),
                costs.stream()
                        .map(
                                r ->
                                        new Cost(
                                                (String) r.get("agent_id"),
                                                millis(r.get("timestamp")),
                                                (String) r.get("cost_type"),
                                                num(r.get("amount"))))
                        .toList(),
                decisions.stream()
                        .map(
                                r ->
                                        new Decision(
                                                (String) r.get("agent_id"),
                                                millis(r.get("timestamp")),
                                                num(r.get("confidence")),
                                                (String) r.get("outcome"),
                                                (String) r.get("emotional_state")))
                        .toList(),
                memories.stream()
                        .map(
                                r ->
                                        new Memory(
                                                (String) r.get("agent_id"),
                                                millis(r.get("timestamp")),
                                                num(r.get("formation_cost"))))
                        .toList(),
                metrics.stream()
                        .map(
                                r ->
                                        new Metric(
                                                (String) r.get("agent_id"),
                                                millis(r.get("timestamp")),
                                                (String) r.get("metric_name"),
                                                (String) r.get("unit"),
                                                num(r.get("metric_value"))))
                        .toList(),
                market.stream()
                        .map(
                                r ->
                                        new Market(
                                                millis(r.get("timestamp")),
                                                numOrNull(r.get("btc_24h_change")),
                                                numOrNull(r.get("eth_24h_change")),
                                                numOrNull(r.get("fear_greed_index"))))
                        .toList());
    }

    /**
     * The facts as the jobs should write them, from the day's inputs alone: costs, decisions,
     * memories, metrics and market snapshots as sent, and the treasury's rows by the documented
     * rules ({@link ReferenceTreasury}); each decision's emotional state is the reference's
     * published state at its time.
     */
    static Facts fromInputs(ActivityDay day) throws Exception {
        List<Market> market = new ArrayList<>();
        for (String s : day.snapshots()) {
            JsonNode n = JSON.readTree(s);
            market.add(
                    new Market(
                            time(n),
                            n.has("btc_24h_change") ? n.get("btc_24h_change").asDouble() : null,
                            n.has("eth_24h_change") ? n.get("eth_24h_change").asDouble() : null,
                            n.has("fear_greed_index")
                                    ? n.get("fear_greed_index").asDouble()
                                    : null));
        }
        List<Snapshot> snapshots = new ArrayList<>();
        for (String agent : List.of(day.agentA, day.agentB)) {
            snapshots.addAll(ReferenceTreasury.snapshots(day, agent, market));
        }
        List<Cost> costs = new ArrayList<>();
        for (String c : day.costs()) {
            JsonNode n = JSON.readTree(c);
            costs.add(
                    new Cost(
                            n.get("agent_id").asText(),
                            time(n),
                            n.get("cost_type").asText(),
                            n.get("amount").asDouble()));
        }
        List<Decision> decisions = new ArrayList<>();
        for (String d : day.decisions()) {
            JsonNode n = JSON.readTree(d);
            String agent = n.get("agent_id").asText();
            long t = time(n);
            decisions.add(
                    new Decision(
                            agent,
                            t,
                            n.get("confidence").asDouble(),
                            n.get("outcome").isNull() ? null : n.get("outcome").asText(),
                            publishedAt(snapshots, agent, t)));
        }
        List<Memory> memories = new ArrayList<>();
        List<Metric> metrics = new ArrayList<>();
        for (String e : day.memories()) {
            JsonNode n = JSON.readTree(e);
            if (n.get("type").asText().equals("memory_formation")) {
                memories.add(
                        new Memory(
                                n.get("agent_id").asText(),
                                time(n),
                                n.get("formation_cost").asDouble()));
            }
        }
        for (String e : day.metrics()) {
            JsonNode n = JSON.readTree(e);
            metrics.add(
                    new Metric(
                            n.get("agent_id").asText(),
                            time(n),
                            n.get("metric_name").asText(),
                            n.get("unit").asText(),
                            n.get("metric_value").asDouble()));
        }
        return new Facts(snapshots, costs, decisions, memories, metrics, market);
    }

    /** The published emotional state at {@code t}: that of the agent's last row at or before it. */
    private static String publishedAt(List<Snapshot> snapshots, String agent, long t) {
        return snapshots.stream()
                .filter(s -> s.agent().equals(agent) && s.millis() <= t)
                .max(Comparator.comparingLong(Snapshot::millis))
                .map(Snapshot::state)
                .orElse(null);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static <T> List<T> of(
            List<T> rows,
            Function<T, String> agentOf,
            Function<T, Long> millisOf,
            String agent,
            String date) {
        return rows.stream()
                .filter(r -> agent.equals(agentOf.apply(r)))
                .filter(r -> date.equals(date(millisOf.apply(r))))
                .toList();
    }

    static String date(long millis) {
        return Instant.ofEpochMilli(millis).toString().substring(0, 10);
    }

    private static long hour(long millis) {
        return Math.floorDiv(millis, ActivityDay.HOUR);
    }

    private static long time(JsonNode n) {
        return Instant.parse(n.get("timestamp").asText()).toEpochMilli();
    }

    private static long millis(Object micros) {
        return ((Number) micros).longValue() / 1000;
    }

    private static double num(Object v) {
        return ((Number) Objects.requireNonNull(v)).doubleValue();
    }

    private static Double numOrNull(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static String snapshotType(Map<String, Object> row) {
        try {
            return JSON.readTree((String) row.get("significant_events"))
                    .get("snapshot_type")
                    .asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double sum(List<Cost> costs, Predicate<Cost> which) {
        return costs.stream().filter(which).mapToDouble(Cost::amount).sum();
    }

    /** AVG over all rows (none null); null for no rows. */
    private static <T> Double avg(List<T> rows, ToDoubleFunction<T> value) {
        return rows.isEmpty()
                ? null
                : round(rows.stream().mapToDouble(value).average().orElseThrow());
    }

    /** AVG over the non-null values; null if there are none. */
    private static <T> Double avgOf(List<T> rows, Function<T, Double> value) {
        List<Double> vs = rows.stream().map(value).filter(Objects::nonNull).toList();
        return vs.isEmpty() ? null : round(vs.stream().mapToDouble(d -> d).average().orElseThrow());
    }

    /** BigQuery's CORR: over the pairs with both values; null under two pairs. */
    private static <T> Double corr(List<T> rows, ToDoubleFunction<T> xOf, Function<T, Double> yOf) {
        List<double[]> pairs = new ArrayList<>();
        for (T r : rows) {
            Double y = yOf.apply(r);
            if (y != null) {
                pairs.add(new double[] {xOf.applyAsDouble(r), y});
            }
        }
        if (pairs.size() < 2) {
            return null;
        }
        double mx = pairs.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = pairs.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return round(sxy / Math.sqrt(sxx * syy));
    }

    static Double round(Double x) {
        return x == null || !Double.isFinite(x) ? x : Math.round(x * 1e9) / 1e9;
    }
}
