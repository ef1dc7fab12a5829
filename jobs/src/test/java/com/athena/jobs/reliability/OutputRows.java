package com.athena.jobs.reliability;

import com.athena.common.connectors.JdbcEndpoint;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the treasury job wrote to PostgreSQL for a run's agents, as (key, values) rows keyed as
 * {@link TreasuryReference} keys its rows, and counts of rows.
 */
final class OutputRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputRows() {}

    /** The key of a treasury_snapshots row. */
    static String snapshotKey(String agent, String type, long ts) {
        return agent + " " + type + " " + Instant.ofEpochMilli(ts);
    }

    static String costKey(String agent, String eventId, long ts) {
        return agent + " " + eventId + " " + Instant.ofEpochMilli(ts);
    }

    static String metricKey(String agent, String metric, long ts) {
        return agent + " " + metric + " " + Instant.ofEpochMilli(ts);
    }

    /** A value the row holds as NULL when it is not finite. */
    static Double known(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static List<Map.Entry<String, List<Object>>> snapshotRows(Connection c, List<String> agents)
            throws SQLException {
        return query(
                c,
                "SELECT agent_id, ts, snapshot_type, day::text, balance_usd, daily_cost_usd,"
                        + " daily_burn_rate, days_until_bankruptcy, emotional_state,"
                        + " confidence_level, risk_tolerance, survival_mode_active,"
                        + " cost_saving_mode_active, market_crash_override, trigger, transitions,"
                        + " sequence FROM treasury_snapshots WHERE agent_id = ANY (?)",
                agents,
                rs ->
                        Map.entry(
                                snapshotKey(
                                        rs.getString(1),
                                        rs.getString(3),
                                        rs.getTimestamp(2).getTime()),
                                Arrays.asList(
                                        rs.getString(4),
                                        nullableDouble(rs, 5),
                                        rs.getDouble(6),
                                        nullableDouble(rs, 7),
                                        nullableDouble(rs, 8),
                                        rs.getString(9),
                                        rs.getDouble(10),
                                        rs.getDouble(11),
                                        rs.getBoolean(12),
                                        rs.getBoolean(13),
                                        rs.getBoolean(14),
                                        rs.getString(15),
                                        rs.getString(16),
                                        rs.getLong(17))));
    }

    static List<Map.Entry<String, List<Object>>> costRows(Connection c, List<String> agents)
            throws SQLException {
        return query(
                c,
                "SELECT agent_id, event_id, ts, cost_type, operation, model, input_tokens,"
                        + " output_tokens, amount, daily_total, late FROM cost_events"
                        + " WHERE agent_id = ANY (?)",
                agents,
                rs ->
                        Map.entry(
                                costKey(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getTimestamp(3).getTime()),
                                Arrays.asList(
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        nullableLong(rs, 7),
                                        nullableLong(rs, 8),
                                        rs.getDouble(9),
                                        nullableDouble(rs, 10),
                                        rs.getBoolean(11))));
    }

    static List<Map.Entry<String, List<Object>>> metricRows(Connection c, List<String> agents)
            throws SQLException {
        return query(
                c,
                "SELECT agent_id, metric_name, ts, value, labels::text FROM agent_metrics"
                        + " WHERE agent_id = ANY (?)",
                agents,
                rs -> {
                    try {
                        return Map.entry(
                                metricKey(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getTimestamp(3).getTime()),
                                Arrays.asList(rs.getDouble(4), JSON.readTree(rs.getString(5))));
                    } catch (IOException e) {
                        throw new SQLException(e);
                    }
                });
    }

    /** The treasury job's JDBC tables, in the order of the counts. */
    private static final List<String> TREASURY_TABLES =
            List.of("treasury_snapshots", "cost_events", "agent_metrics");

    /** Row counts of treasury_snapshots, cost_events and agent_metrics for the agents. */
    static List<Long> treasuryRowCounts(JdbcEndpoint db, List<String> agents) {
        List<Long> counts = new ArrayList<>();
        for (String table : TREASURY_TABLES) {
            try (Connection c = db.open();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT count(*) FROM "
                                            + table
                                            + " WHERE agent_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("varchar", agents.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counts.add(rs.getLong(1));
                }
            } catch (SQLException e) {
                counts.add(-1L);
            }
        }
        return counts;
    }

    /** Rows per table and agent, for a failure message. */
    static Map<String, Map<String, Long>> treasuryRowsPerAgent(JdbcEndpoint db, List<String> agents)
            throws SQLException {
        Map<String, Map<String, Long>> rows = new TreeMap<>();
        for (String table : TREASURY_TABLES) {
            Map<String, Long> perAgent = new TreeMap<>();
            try (Connection c = db.open()) {
                for (Map.Entry<String, List<Object>> row :
                        query(
                                c,
                                "SELECT agent_id, count(*) FROM "
                                        + table
                                        + " WHERE agent_id = ANY (?) GROUP BY agent_id",
                                agents,
                                rs -> Map.entry(rs.getString(1), List.of(rs.getLong(2))))) {
                    perAgent.put(row.getKey(), (Long) row.getValue().get(0));
                }
            }
            rows.put(table, perAgent);
        }
        return rows;
    }

    private interface RowMapper {
        Map.Entry<String, List<Object>> map(ResultSet rs) throws SQLException;
    }

    private static List<Map.Entry<String, List<Object>>> query(
            Connection c, String sql, List<String> agents, RowMapper mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("varchar", agents.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                List<Map.Entry<String, List<Object>>> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /**
     * The rows of the table WHERE {@code condition} (which ends in an operator) the value; -1 on
     * error.
     */
    static long count(JdbcEndpoint db, String table, String condition, String value) {
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM " + table + " WHERE " + condition + " ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }
}
