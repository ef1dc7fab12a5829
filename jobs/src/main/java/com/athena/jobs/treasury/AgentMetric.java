package com.athena.jobs.treasury;

import com.athena.common.json.JsonFields;
import com.athena.common.treasury.EmotionalState;
import com.athena.common.treasury.TreasurySnapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;

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

    static String labels(TreasurySnapshot s) {
        ObjectNode labels = JsonFields.MAPPER.createObjectNode();
        labels.put("emotional_state", s.emotionalState)
                .put("snapshot_type", s.snapshotType)
                .put("trigger", s.trigger);
        return labels.toString();
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
