package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcUpsertSink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * The activity job's TimescaleDB writes ({@code sql/timescaledb/V005__activity.sql}): idempotent
 * upserts into the {@code protocol_yields} hypertable and into {@code agent_memories}, where a
 * memory's recall count and last recall stay current (BigQuery's rows are appended once).
 */
public final class ActivityJdbcSinks {

    static final String UPSERT_YIELD =
            "INSERT INTO protocol_yields (protocol, ts, agent_id, event_id, chain, pool, apy,"
                    + " tvl_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (protocol, agent_id, ts) DO UPDATE SET"
                    + " event_id = EXCLUDED.event_id, chain = EXCLUDED.chain,"
                    + " pool = EXCLUDED.pool, apy = EXCLUDED.apy, tvl_usd = EXCLUDED.tvl_usd";

    /** Recall counts only grow: a replayed older version never lowers them. */
    static final String UPSERT_MEMORY =
            "INSERT INTO agent_memories (memory_id, agent_id, formed_at, category, importance,"
                    + " formation_cost, recall_count, last_recalled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (memory_id) DO UPDATE SET"
                    + " recall_count = GREATEST(agent_memories.recall_count,"
                    + " EXCLUDED.recall_count),"
                    + " last_recalled = GREATEST(agent_memories.last_recalled,"
                    + " EXCLUDED.last_recalled)";

    private ActivityJdbcSinks() {}

    /** Every protocol yield observation into {@code protocol_yields}. */
    public static Sink<ActivityEvent> yields(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        UPSERT_YIELD,
                        ActivityJdbcSinks::bindYield,
                        e -> e.protocol + '\u0000' + e.agentId + '\u0000' + e.timestamp));
    }

    /** Every change of a formed memory into {@code agent_memories}. */
    public static Sink<MemoryRecord> memories(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.perRow(
                        UPSERT_MEMORY, ActivityJdbcSinks::bindMemory, m -> m.memoryId));
    }

    static void bindYield(PreparedStatement ps, ActivityEvent e) throws SQLException {
        ps.setString(1, e.protocol);
        ps.setTimestamp(2, new Timestamp(e.timestamp));
        ps.setString(3, e.agentId);
        ps.setString(4, e.eventId);
        ps.setString(5, e.chain);
        ps.setString(6, e.pool);
        ps.setDouble(7, e.apy);
        setNullable(ps, 8, e.tvlUsd);
    }

    static void bindMemory(PreparedStatement ps, MemoryRecord m) throws SQLException {
        ActivityEvent f = m.formation;
        ps.setString(1, m.memoryId);
        ps.setString(2, f.agentId);
        ps.setTimestamp(3, new Timestamp(f.timestamp));
        ps.setString(4, f.category);
        setNullable(ps, 5, f.importance);
        setNullable(ps, 6, f.formationCost);
        ps.setLong(7, m.recallCount);
        if (m.lastRecalled == null) {
            ps.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setTimestamp(8, new Timestamp(m.lastRecalled));
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Double value)
            throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
