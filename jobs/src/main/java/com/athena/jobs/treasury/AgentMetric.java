package com.athena.jobs.treasury;

import com.athena.common.treasury.EmotionalState;
import com.athena.common.treasury.TreasurySnapshot;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of TimescaleDB's {@code agent_metrics}: a named value of an agent's snapshot, with the
 * snapshot's labels. A Flink POJO that travels from the treasury operator to its sink.
 */
public class AgentMetric {
    public String agentId;
    public String metricName;
    public long timestamp;
    public double value;

    /** {@code {"emotional_state", "snapshot_type", "trigger"}} as JSON, for filtering metrics. */
    public String labels;

    public AgentMetric() {}

    /**
     * The metrics of one snapshot, unknown values left out: balance_usd, daily_cost_usd,
     * daily_burn_rate, days_until_bankruptcy, emotional_state (0 stable, 1 cautious, 2 desperate),
     * survival_mode_active and cost_saving_mode_active (0 or 1).
     */
    public static List<AgentMetric> of(TreasurySnapshot s) {
        String labels = labels(s);
        List<AgentMetric> rows = new ArrayList<>(7);
        add(rows, s, labels, "balance_usd", s.balanceUsd);
        add(rows, s, labels, "daily_cost_usd", s.dailyCostUsd);
        add(rows, s, labels, "daily_burn_rate", s.dailyBurnRate);
        add(rows, s, labels, "days_until_bankruptcy", s.daysUntilBankruptcy);
        for (EmotionalState state : EmotionalState.values()) {
            if (state.label().equals(s.emotionalState)) {
                add(rows, s, labels, "emotional_state", state.ordinal());
            }
        }
        add(rows, s, labels, "survival_mode_active", s.survivalModeActive ? 1 : 0);
        add(rows, s, labels, "cost_saving_mode_active", s.costSavingModeActive ? 1 : 0);
        return rows;
    }

    /**
     * The labels as a JSON object, written directly: once per snapshot, where building a tree and
     * writing it through an ObjectWriter was a tenth of the treasury operator's time. The strings
     * are escaped by Jackson's encoder, as its writer does.
     */
    static String labels(TreasurySnapshot s) {
        StringBuilder json = new StringBuilder(96);
        json.append("{\"emotional_state\":");
        string(json, s.emotionalState);
        json.append(",\"snapshot_type\":");
        string(json, s.snapshotType);
        json.append(",\"trigger\":");
        string(json, s.trigger);
        return json.append('}').toString();
    }

    private static void string(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, json);
        json.append('"');
    }

    private static void add(
            List<AgentMetric> rows, TreasurySnapshot s, String labels, String name, double value) {
        if (Double.isFinite(value)) {
            AgentMetric m = new AgentMetric();
            m.agentId = s.agentId;
            m.metricName = name;
            m.timestamp = s.timestamp;
            m.value = value;
            m.labels = labels;
            rows.add(m);
        }
    }

    @Override
    public String toString() {
        return agentId + " " + metricName + "@" + timestamp + "=" + value;
    }
}
