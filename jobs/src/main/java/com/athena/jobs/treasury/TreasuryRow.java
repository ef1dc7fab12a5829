package com.athena.jobs.treasury;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.EmotionalState;
import com.athena.common.treasury.TreasurySnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * One row for the treasury's TimescaleDB tables: the tables share one JDBC sink, so that the job
 * holds a single connection to the database (the local WASM TimescaleDB serves one at a time). A
 * Flink POJO; exactly one of the payload fields is set, as {@link #table} says.
 */
public class TreasuryRow {
    /** The target table. */
    public enum Table {
        TREASURY_SNAPSHOTS,
        COST_EVENTS,
        AGENT_METRICS,
        DEAD_LETTERS
    }

    public Table table;

    /** For {@code TREASURY_SNAPSHOTS} and {@code AGENT_METRICS} (the labels). */
    public TreasurySnapshot snapshot;

    public CostRecord cost;

    public DeadLetter deadLetter;

    /** For {@code AGENT_METRICS}. */
    public String metricName;

    public double metricValue;

    public TreasuryRow() {}

    public static TreasuryRow snapshot(TreasurySnapshot snapshot) {
        TreasuryRow row = new TreasuryRow();
        row.table = Table.TREASURY_SNAPSHOTS;
        row.snapshot = snapshot;
        return row;
    }

    public static TreasuryRow cost(CostRecord cost) {
        TreasuryRow row = new TreasuryRow();
        row.table = Table.COST_EVENTS;
        row.cost = cost;
        return row;
    }

    public static TreasuryRow deadLetter(DeadLetter deadLetter) {
        TreasuryRow row = new TreasuryRow();
        row.table = Table.DEAD_LETTERS;
        row.deadLetter = deadLetter;
        return row;
    }

    /**
     * The metrics of one snapshot, unknown values left out: balance_usd, daily_cost_usd,
     * daily_burn_rate, days_until_bankruptcy, emotional_state (0 stable, 1 cautious, 2 desperate),
     * survival_mode_active and cost_saving_mode_active (0 or 1).
     */
    public static List<TreasuryRow> metrics(TreasurySnapshot s) {
        List<TreasuryRow> rows = new ArrayList<>(7);
        addMetric(rows, s, "balance_usd", s.balanceUsd);
        addMetric(rows, s, "daily_cost_usd", s.dailyCostUsd);
        addMetric(rows, s, "daily_burn_rate", s.dailyBurnRate);
        addMetric(rows, s, "days_until_bankruptcy", s.daysUntilBankruptcy);
        for (EmotionalState state : EmotionalState.values()) {
            if (state.label().equals(s.emotionalState)) {
                addMetric(rows, s, "emotional_state", state.ordinal());
            }
        }
        addMetric(rows, s, "survival_mode_active", s.survivalModeActive ? 1 : 0);
        addMetric(rows, s, "cost_saving_mode_active", s.costSavingModeActive ? 1 : 0);
        return rows;
    }

    private static void addMetric(
            List<TreasuryRow> rows, TreasurySnapshot s, String name, double value) {
        if (Double.isFinite(value)) {
            TreasuryRow row = new TreasuryRow();
            row.table = Table.AGENT_METRICS;
            row.snapshot = s;
            row.metricName = name;
            row.metricValue = value;
            rows.add(row);
        }
    }

    @Override
    public String toString() {
        return "TreasuryRow{" + table + " " + (metricName == null ? "" : metricName) + "}";
    }
}
