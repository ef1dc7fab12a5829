package com.athena.jobs.activity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated day of activity for two agents, with the inputs of the market and treasury jobs for
 * the same day: BTC trades that crash at noon, the market snapshots of the crash (the treasury's
 * override makes every agent desperate from 12:00 to its release at 18:00), balances and costs.
 */
final class ActivityDay {
    static final String DAY = "2024-03-01";
    static final long D0 = Instant.parse(DAY + "T00:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    final String run;
    final String symbol;
    final String agentA;
    final String agentB;
    final String tick;

    ActivityDay(String run) {
        this.run = run;
        this.symbol = "ACT" + run;
        this.agentA = "it-" + run + "-a";
        this.agentB = "it-" + run + "-b";
        this.tick = "it-" + run + "-tick";
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** One trade every 30 s; 40,000 with a small wave until noon, down to 32,000 by 13:00. */
    List<String> trades() {
        List<String> trades = new ArrayList<>();
        int n = 0;
        for (long t = D0; t < D0 + 24 * HOUR; t += 30_000) {
            double base;
            if (t < D0 + 12 * HOUR) {
                base = 40_000 + 40 * Math.sin(n / 7.0);
            } else if (t < D0 + 13 * HOUR) {
                base = 40_000 - 8_000 * (t - D0 - 12 * HOUR) / (double) HOUR;
            } else {
                base = 32_000 + 400 * Math.sin(n / 3.0);
            }
            trades.add(
                    "{\"symbol\":\""
                            + symbol
                            + "\",\"ts\":"
                            + t
                            + ",\"price\":"
                            + Math.round(base * 100) / 100.0
                            + ",\"size\":0.5,\"trade_id\":\"t"
                            + n++
                            + "\"}");
        }
        return trades;
    }

    /** The crash at noon and its release at 18:00 (the treasury's override thresholds). */
    List<String> snapshots() {
        return List.of(
                "{\"timestamp\":\""
                        + iso(D0 + 6 * HOUR)
                        + "\",\"btc_price\":40000,\"btc_24h_change\":0.5,"
                        + "\"fear_greed_index\":55,\"data_source\":\"it\"}",
                "{\"timestamp\":\""
                        + iso(D0 + 12 * HOUR)
                        + "\",\"btc_price\":35000,\"btc_24h_change\":-12.0,"
                        + "\"fear_greed_index\":10,\"data_source\":\"it\"}",
                "{\"timestamp\":\""
                        + iso(D0 + 18 * HOUR)
                        + "\",\"btc_price\":33000,\"btc_24h_change\":-2.0,"
                        + "\"fear_greed_index\":35,\"data_source\":\"it\"}");
    }

    List<String> balances() {
        return List.of(
                balance(agentA, "a-balance", 300, 20), balance(agentB, "b-balance", 10_000, 25));
    }

    private static String balance(String agent, String id, double balance, double burn) {
        return "{\"event_id\":\""
                + id
                + "\",\"agent_id\":\""
                + agent
                + "\",\"type\":\"balance\",\"timestamp\":\""
                + iso(D0)
                + "\",\"balance_usd\":"
                + balance
                + ",\"daily_burn_rate\":"
                + burn
                + "}";
    }

    /** An LLM cost per agent every two hours. */
    List<String> costs() {
        List<String> costs = new ArrayList<>();
        for (int h = 1; h < 24; h += 2) {
            costs.add(cost(agentA, "a-cost-" + h, D0 + h * HOUR, 1.5));
            costs.add(cost(agentB, "b-cost-" + h, D0 + h * HOUR, 2.0));
        }
        return costs;
    }

    static String cost(String agent, String id, long t, double amount) {
        return "{\"event_id\":\""
                + id
                + "\",\"agent_id\":\""
                + agent
                + "\",\"timestamp\":\""
                + iso(t)
                + "\",\"amount\":"
                + amount
                + ",\"cost_type\":\"llm_cost\"}";
    }

    /** A decision per agent every 20 minutes, offset per agent; outcomes alternate. */
    List<String> decisions() {
        List<String> out = new ArrayList<>();
        for (String agent : List.of(agentA, agentB)) {
            long offset = agent.equals(agentA) ? 7 * MINUTE : 13 * MINUTE;
            int i = 0;
            for (long t = D0 + offset; t < D0 + 24 * HOUR; t += 20 * MINUTE) {
                String outcome = i % 4 == 3 ? "null" : i % 3 == 0 ? "\"failure\"" : "\"success\"";
                out.add(
                        "{\"event_id\":\""
                                + agent
                                + "-d"
                                + i
                                + "\",\"type\":\"decision\",\"agent_id\":\""
                                + agent
                                + "\",\"timestamp\":\""
                                + iso(t)
                                + "\",\"decision_type\":\""
                                + (i % 2 == 0 ? "trade" : "observation")
                                + "\",\"decision\":\"d"
                                + i
                                + "\",\"reasoning\":\"generated\",\"confidence\":"
                                + (0.3 + (i % 7) / 10.0)
                                + ",\"memory_context\":[\""
                                + agent
                                + "-m"
                                + (i % 4)
                                + "\"],\"costs_incurred\":[{\"type\":\"llm\",\"amount\":"
                                + (0.01 * (1 + i % 5))
                                + ",\"tokens\":1000}],\"expected_outcome\":\"profit\","
                                + "\"outcome\":"
                                + outcome
                                + "}");
                i++;
            }
        }
        return out;
    }

    /** Four memories per agent (at 1h, 7h, 13h, 19h) and two recalls of each. */
    List<String> memories() {
        List<String> out = new ArrayList<>();
        for (String agent : List.of(agentA, agentB)) {
            for (int m = 0; m < 4; m++) {
                long formed = D0 + (1 + 6 * m) * HOUR;
                out.add(
                        "{\"event_id\":\""
                                + agent
                                + "-f"
                                + m
                                + "\",\"type\":\"memory_formation\",\"agent_id\":\""
                                + agent
                                + "\",\"timestamp\":\""
                                + iso(formed)
                                + "\",\"memory_id\":\""
                                + agent
                                + "-m"
                                + m
                                + "\",\"category\":\""
                                + (m % 2 == 0 ? "market_patterns" : "survival_critical")
                                + "\",\"importance\":0."
                                + (5 + m)
                                + ",\"content\":\"c\",\"metadata\":{\"m\":"
                                + m
                                + "},\"trigger_event\":\"it\",\"formation_cost\":0.00"
                                + (1 + m)
                                + "}");
                for (int r = 1; r <= 2; r++) {
                    out.add(
                            "{\"event_id\":\""
                                    + agent
                                    + "-r"
                                    + m
                                    + "-"
                                    + r
                                    + "\",\"type\":\"memory_recall\",\"agent_id\":\""
                                    + agent
                                    + "\",\"timestamp\":\""
                                    + iso(formed + r * HOUR)
                                    + "\",\"memory_id\":\""
                                    + agent
                                    + "-m"
                                    + m
                                    + "\"}");
                }
            }
        }
        return out;
    }

    /** Two metrics per agent per hour. */
    List<String> metrics() {
        List<String> out = new ArrayList<>();
        for (String agent : List.of(agentA, agentB)) {
            for (int h = 0; h < 24; h++) {
                out.add(metric(agent, "llm_latency_ms", h, 800 + 10 * h, "timer", "ms"));
                out.add(metric(agent, "decisions_per_hour", h, 3, "gauge", "count"));
            }
        }
        return out;
    }

    private static String metric(
            String agent, String name, int hour, double value, String type, String unit) {
        return "{\"event_id\":\""
                + agent
                + "-"
                + name
                + "-"
                + hour
                + "\",\"type\":\"performance_metric\",\"agent_id\":\""
                + agent
                + "\",\"timestamp\":\""
                + iso(D0 + hour * HOUR + 30 * MINUTE)
                + "\",\"metric_name\":\""
                + name
                + "\",\"metric_value\":"
                + value
                + ",\"metric_type\":\""
                + type
                + "\",\"unit\":\""
                + unit
                + "\",\"labels\":{\"it\":true}}";
    }

    /** Two protocols observed every six hours by agent A; the last apy is 4 + 3 * 0.5. */
    List<String> yields() {
        List<String> out = new ArrayList<>();
        for (String protocol : List.of(protocol("aave"), protocol("compound"))) {
            for (int i = 0; i < 4; i++) {
                out.add(
                        "{\"event_id\":\""
                                + protocol
                                + "-"
                                + i
                                + "\",\"type\":\"protocol_yield\",\"agent_id\":\""
                                + agentA
                                + "\",\"timestamp\":\""
                                + iso(D0 + (3 + 6 * i) * HOUR)
                                + "\",\"protocol\":\""
                                + protocol
                                + "\",\"chain\":\"ethereum\",\"pool\":\"USDC\",\"apy\":"
                                + (4 + i * 0.5)
                                + ",\"tvl_usd\":1.0E9}");
            }
        }
        return out;
    }

    String protocol(String name) {
        return name + "-" + run;
    }

    /** Bad inputs: each a dead letter. */
    static final List<String> BAD =
            List.of(
                    "{\"event_id\":\"bad-1\",\"type\":\"decision\"",
                    "{\"event_id\":\"bad-2\",\"type\":\"dream\",\"agent_id\":\"x\","
                            + "\"timestamp\":\"2024-03-01T10:00:00Z\"}",
                    "{\"event_id\":\"bad-3\",\"type\":\"performance_metric\",\"agent_id\":\"x\","
                            + "\"timestamp\":\"2024-03-01T10:00:00Z\",\"metric_name\":\"m\","
                            + "\"metric_value\":\"high\"}");
}
