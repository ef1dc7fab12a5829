package com.athena.jobs.treasury;

import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcUpsertSink;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;

/**
 * The treasury job's TimescaleDB writes ({@code sql/timescaledb/V003__treasury.sql}): idempotent
 * upserts into {@code treasury_snapshots}, {@code cost_events} and {@code agent_metrics}, one
 * {@link JdbcUpsertSink} each; dead letters go to the shared table through {@code
 * JdbcSinks.deadLetters}.
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

    /** Day closes and snapshots with transitions into {@code treasury_snapshots}. */
    public static Sink<TreasurySnapshot> snapshots(
            JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        UPSERT_SNAPSHOT,
                        TreasuryJdbcSinks::bindSnapshot,
                        s -> s.agentId + '\u0000' + s.snapshotType + '\u0000' + s.timestamp));
    }

    /** Every applied cost into {@code cost_events}. */
    public static Sink<CostRecord> costs(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        UPSERT_COST,
                        TreasuryJdbcSinks::bindCost,
                        c -> c.agentId + '\u0000' + c.eventId + '\u0000' + c.timestamp));
    }

    /** The metrics of every snapshot into {@code agent_metrics}. */
    public static Sink<AgentMetric> metrics(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        UPSERT_METRIC,
                        TreasuryJdbcSinks::bindMetric,
                        m -> m.agentId + '\u0000' + m.metricName + '\u0000' + m.timestamp));
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

    static void bindMetric(PreparedStatement ps, AgentMetric m) throws SQLException {
        ps.setString(1, m.agentId);
        ps.setString(2, m.metricName);
        ps.setTimestamp(3, new Timestamp(m.timestamp));
        ps.setDouble(4, m.value);
        ps.setString(5, m.labels);
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
