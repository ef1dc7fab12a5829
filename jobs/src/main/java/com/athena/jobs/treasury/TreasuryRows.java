package com.athena.jobs.treasury;

import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.BigQueryValues;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The treasury's BigQuery rows: {@code treasury_snapshots} with exactly seed 001's columns, and
 * {@code cost_tracking}, whose columns the seeds only imply ({@code timestamp, cost_type, amount}
 * in seed 001's queries, {@code operation, details, daily_total} in its cost record). The tables'
 * DDL is in {@code sql/bigquery/treasury_snapshots.sql} and {@code sql/bigquery/cost_tracking.sql}.
 */
public final class TreasuryRows {
    public static final String SNAPSHOTS_TABLE = "treasury_snapshots";
    public static final String COSTS_TABLE = "cost_tracking";

    /** The columns of {@code sql/bigquery/treasury_snapshots.sql}, in order. */
    public static final List<String> SNAPSHOT_COLUMNS =
            List.of(
                    "timestamp",
                    "agent_id",
                    "balance_usd",
                    "daily_burn_rate",
                    "days_until_bankruptcy",
                    "emotional_state",
                    "confidence_level",
                    "risk_tolerance",
                    "survival_mode_active",
                    "significant_events");

    /** The columns of {@code sql/bigquery/cost_tracking.sql}, in order. */
    public static final List<String> COST_COLUMNS =
            List.of(
                    "timestamp",
                    "agent_id",
                    "event_id",
                    "cost_type",
                    "operation",
                    "amount",
                    "model",
                    "input_tokens",
                    "output_tokens",
                    "daily_total",
                    "details");

    private TreasuryRows() {}

    /**
     * BigQuery takes insert ids of at most 128 characters; agent and event ids may be longer, so a
     * long id is replaced by a name-based UUID of it (still deterministic).
     */
    static String bounded(String id) {
        return id.length() <= 128
                ? id
                : "uuid:" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Daily and transition snapshots into {@code treasury_snapshots}. Only snapshots with a known
     * balance fit ({@code balance_usd} is NOT NULL); the job filters the others out. {@code
     * significant_events} holds the snapshot type, the day's cost, the trigger, the transitions and
     * the modes.
     */
    public static final class Snapshots implements BigQueryRowMapper<TreasurySnapshot> {
        private static final long serialVersionUID = 1L;

        @Override
        public String table(TreasurySnapshot s) {
            return SNAPSHOTS_TABLE;
        }

        /** {@code treasury_snapshots:<agent>:<type>:<millis>:<step>}. */
        @Override
        public String insertId(TreasurySnapshot s) {
            return bounded(
                    SNAPSHOTS_TABLE
                            + ':'
                            + s.agentId
                            + ':'
                            + s.snapshotType
                            + ':'
                            + s.timestamp
                            + ':'
                            + s.sequence);
        }

        @Override
        public Map<String, Object> row(TreasurySnapshot s) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("timestamp", BigQueryValues.timestamp(s.timestamp));
            row.put("agent_id", s.agentId);
            row.put("balance_usd", BigQueryValues.float64(s.balanceUsd));
            row.put("daily_burn_rate", BigQueryValues.float64(s.dailyBurnRate));
            row.put("days_until_bankruptcy", BigQueryValues.float64(s.daysUntilBankruptcy));
            row.put("emotional_state", s.emotionalState);
            row.put("confidence_level", s.confidenceLevel);
            row.put("risk_tolerance", s.riskTolerance);
            row.put("survival_mode_active", s.survivalModeActive);
            Map<String, Object> events = new LinkedHashMap<>();
            events.put("snapshot_type", s.snapshotType);
            events.put("day", s.day);
            events.put("daily_costs", s.dailyCostUsd);
            events.put("cost_count", s.dailyCostCount);
            events.put("trigger", s.trigger);
            events.put("transitions", List.of(s.transitions));
            events.put("cost_saving_mode_active", s.costSavingModeActive);
            events.put("market_crash_override", s.marketCrashOverride);
            row.put("significant_events", BigQueryValues.json(events));
            return row;
        }
    }

    /**
     * Every applied cost into {@code cost_tracking}; insert id {@code
     * cost_tracking:<agent>:<event>}.
     */
    public static final class Costs implements BigQueryRowMapper<CostRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public String table(CostRecord c) {
            return COSTS_TABLE;
        }

        @Override
        public String insertId(CostRecord c) {
            return bounded(COSTS_TABLE + ':' + c.agentId + ':' + c.eventId);
        }

        @Override
        public Map<String, Object> row(CostRecord c) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("timestamp", BigQueryValues.timestamp(c.timestamp));
            row.put("agent_id", c.agentId);
            row.put("event_id", c.eventId);
            row.put("cost_type", c.costType);
            row.put("operation", c.operation);
            row.put("amount", c.amount);
            row.put("model", c.model);
            row.put("input_tokens", BigQueryValues.int64(c.inputTokens));
            row.put("output_tokens", BigQueryValues.int64(c.outputTokens));
            row.put("daily_total", BigQueryValues.float64(c.dailyTotal));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("day", c.day);
            details.put("late", c.late);
            row.put("details", BigQueryValues.json(details));
            return row;
        }
    }
}
