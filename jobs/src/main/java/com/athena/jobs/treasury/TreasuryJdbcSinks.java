package com.athena.jobs.treasury;

import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.JdbcUpsertSink;
import com.athena.common.json.JsonFields;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.util.List;

/**
 * The treasury job's TimescaleDB writes ({@code sql/timescaledb/V003__treasury.sql}): idempotent
 * upserts into {@code treasury_snapshots}, {@code cost_events}, {@code agent_metrics} and the
 * shared {@code dead_letters}, all through one {@link JdbcUpsertSink}, so one connection.
 */
public final class TreasuryJdbcSinks {

    static final String UPSERT_SNAPSHOT =
            "INSERT INTO treasury_snapshots (agent_id, ts, snapshot_type, day, balance_usd,"
                    + " daily_cost_usd, daily_burn_rate, days_until_bankruptcy, emotional_state,"
                    + " confidence_level, risk_tolerance, survival_mode_active,"
                    + " cost_saving_mode_active, market_crash_override, trigger, transitions,"
                    + " sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (agent_id, snapshot_type, ts) DO UPDATE SET"
                    + " day = EXCLUDED.day, balance_usd = EXCLUDED.balance_usd,"
                    + " daily_cost_usd = EXCLUDED.daily_cost_usd,"
                    + " daily_burn_rate = EXCLUDED.daily_burn_rate,"
                    + " days_until_bankruptcy = EXCLUDED.days_until_bankruptcy,"
                    + " emotional_state = EXCLUDED.emotional_state,"
                    + " confidence_level = EXCLUDED.confidence_level,"
                    + " risk_tolerance = EXCLUDED.risk_tolerance,"
                    + " survival_mode_active = EXCLUDED.survival_mode_active,"
                    + " cost_saving_mode_active = EXCLUDED.cost_saving_mode_active,"
                    + " market_crash_override = EXCLUDED.market_crash_override,"
                    + " trigger = EXCLUDED.trigger, transitions = EXCLUDED.transitions,"
                    + " sequence = EXCLUDED.sequence";

    static final String UPSERT_COST =
            "INSERT INTO cost_events (agent_id, event_id, ts, cost_type, operation, model,"
                    + " input_tokens, output_tokens, amount, daily_total, late)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (agent_id, event_id, ts) DO UPDATE SET"
                    + " cost_type = EXCLUDED.cost_type, operation = EXCLUDED.operation,"
                    + " model = EXCLUDED.model, input_tokens = EXCLUDED.input_tokens,"
                    + " output_tokens = EXCLUDED.output_tokens, amount = EXCLUDED.amount,"
                    + " daily_total = EXCLUDED.daily_total, late = EXCLUDED.late";

    static final String UPSERT_METRIC =
            "INSERT INTO agent_metrics (agent_id, metric_name, ts, value, labels)"
                    + " VALUES (?, ?, ?, ?, CAST(? AS JSONB))"
                    + " ON CONFLICT (agent_id, metric_name, ts) DO UPDATE SET"
                    + " value = EXCLUDED.value, labels = EXCLUDED.labels";

    private TreasuryJdbcSinks() {}

    /** Every treasury table, one connection per writer; run it with parallelism 1 on WASM. */
    public static Sink<TreasuryRow> timescale(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return new JdbcUpsertSink<>(
                endpoint,
                options,
                List.of(
                        JdbcUpsertSink.Route.<TreasuryRow>perRow(
                                UPSERT_SNAPSHOT,
                                (ps, r) -> bindSnapshot(ps, r.snapshot),
                                r ->
                                        r.snapshot.agentId
                                                + '\u0000'
                                                + r.snapshot.snapshotType
                                                + '\u0000'
                                                + r.snapshot.timestamp),
                        JdbcUpsertSink.Route.<TreasuryRow>perRow(
                                UPSERT_COST,
                                (ps, r) -> bindCost(ps, r.cost),
                                r ->
                                        r.cost.agentId
                                                + '\u0000'
                                                + r.cost.eventId
                                                + '\u0000'
                                                + r.cost.timestamp),
                        JdbcUpsertSink.Route.<TreasuryRow>perRow(
                                UPSERT_METRIC,
                                TreasuryJdbcSinks::bindMetric,
                                r ->
                                        r.snapshot.agentId
                                                + '\u0000'
                                                + r.metricName
                                                + '\u0000'
                                                + r.snapshot.timestamp),
                        JdbcUpsertSink.Route.<TreasuryRow>perRow(
                                JdbcSinks.INSERT_DEAD_LETTER,
                                (ps, r) -> JdbcSinks.bindDeadLetter(ps, r.deadLetter),
                                r ->
                                        r.deadLetter.source
                                                + '\u0000'
                                                + r.deadLetter.origin
                                                + '\u0000'
                                                + r.deadLetter.receivedAt)),
                r -> r.table.ordinal());
    }

    static void bindSnapshot(PreparedStatement ps, TreasurySnapshot s) throws SQLException {
        ps.setString(1, s.agentId);
        ps.setTimestamp(2, new Timestamp(s.timestamp));
        ps.setString(3, s.snapshotType);
        ps.setDate(4, Date.valueOf(LocalDate.parse(s.day)));
        setNullable(ps, 5, s.balanceUsd);
        ps.setDouble(6, s.dailyCostUsd);
        setNullable(ps, 7, s.dailyBurnRate);
        setNullable(ps, 8, s.daysUntilBankruptcy);
        ps.setString(9, s.emotionalState);
        ps.setDouble(10, s.confidenceLevel);
        ps.setDouble(11, s.riskTolerance);
        ps.setBoolean(12, s.survivalModeActive);
        ps.setBoolean(13, s.costSavingModeActive);
        ps.setBoolean(14, s.marketCrashOverride);
        ps.setString(15, s.trigger);
        ps.setString(16, s.hasTransitions() ? String.join(",", s.transitions) : null);
        ps.setLong(17, s.sequence);
    }

    static void bindCost(PreparedStatement ps, CostRecord c) throws SQLException {
        ps.setString(1, c.agentId);
        ps.setString(2, c.eventId);
        ps.setTimestamp(3, new Timestamp(c.timestamp));
        ps.setString(4, c.costType);
        ps.setString(5, c.operation);
        ps.setString(6, c.model);
        setNullable(ps, 7, c.inputTokens);
        setNullable(ps, 8, c.outputTokens);
        ps.setDouble(9, c.amount);
        setNullable(ps, 10, c.dailyTotal);
        ps.setBoolean(11, c.late);
    }

    static void bindMetric(PreparedStatement ps, TreasuryRow r) throws SQLException {
        TreasurySnapshot s = r.snapshot;
        ps.setString(1, s.agentId);
        ps.setString(2, r.metricName);
        ps.setTimestamp(3, new Timestamp(s.timestamp));
        ps.setDouble(4, r.metricValue);
        ps.setString(5, labels(s));
    }

    /** {@code {"emotional_state", "snapshot_type", "trigger"}}, for filtering metrics. */
    static String labels(TreasurySnapshot s) {
        ObjectNode labels = JsonFields.MAPPER.createObjectNode();
        labels.put("emotional_state", s.emotionalState)
                .put("snapshot_type", s.snapshotType)
                .put("trigger", s.trigger);
        return labels.toString();
    }

    private static void setNullable(PreparedStatement ps, int index, double value)
            throws SQLException {
        if (Double.isFinite(value)) {
            ps.setDouble(index, value);
        } else {
            ps.setNull(index, Types.DOUBLE);
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Long value)
            throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
