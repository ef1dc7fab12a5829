package com.athena.jobs.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.sql.SchemaMigrator;
import com.athena.common.sql.SchemaMigrator.Migration;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same {@code sql/timescaledb} on plain PostgreSQL 15 (the throughput tests' database): the
 * statements marked {@code -- @timescaledb} are skipped, everything else applies, twice without a
 * change, and the tables take the jobs' rows.
 */
@RequiresServices(RealService.POSTGRES)
class PostgresSchemaITCase {

    @Test
    void theMigrationsApplyTwiceWithoutTheTimescaleOnlyStatements() throws Exception {
        JdbcEndpoint postgres = JdbcEndpoint.postgres(ServiceEnvironment.load());
        List<Migration> migrations = SchemaMigrator.read(SchemaMigrator.locateDirectory());
        int portable = (int) migrations.stream().filter(m -> !m.timescaleOnly()).count();
        // The continuous aggregates and every policy are among the skipped ones.
        assertThat(migrations)
                .filteredOn(Migration::timescaleOnly)
                .extracting(Migration::sql)
                .anyMatch(
                        sql ->
                                sql.contains(
                                        "CREATE MATERIALIZED VIEW IF NOT EXISTS market_data_5m"))
                .anyMatch(sql -> sql.contains("add_compression_policy('market_data'"))
                .anyMatch(sql -> sql.contains("add_retention_policy('market_data'"));

        try (Connection c = postgres.open()) {
            assertThat(SchemaMigrator.timescaleInstalled(c)).as("plain PostgreSQL").isFalse();
            assertThat(SchemaMigrator.apply(c, migrations)).isEqualTo(portable);
            Map<String, List<String>> before = CatalogFingerprint.of(c, false);
            assertThat(SchemaMigrator.apply(c, migrations)).isEqualTo(portable);
            assertThat(CatalogFingerprint.of(c, false)).isEqualTo(before);

            assertThat(before.get("relations"))
                    .anyMatch(r -> r.endsWith("| market_data | r"))
                    .anyMatch(r -> r.endsWith("| idx_agent_metrics_labels | i"))
                    .anyMatch(r -> r.endsWith("| idx_dead_letters_source_received_at | i"))
                    .noneMatch(r -> r.contains("| market_data_5m |"));
            assertThat(before.get("routines"))
                    .anyMatch(r -> r.contains("| market_data_retention |"));
        }
    }

    @Test
    void theTablesTakeRowsAndTheRetentionProcedureRunsByHand() throws Exception {
        JdbcEndpoint postgres = JdbcEndpoint.postgres(ServiceEnvironment.load());
        String id = "PG" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        try (Connection c = postgres.open()) {
            SchemaMigrator.apply(c);
            // Rolled back at the end: the procedure would delete every old row of the database.
            c.setAutoCommit(false);
            try {
                assertRowsLandAndRetentionDeletes(c, id);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static void assertRowsLandAndRetentionDeletes(Connection c, String id)
            throws Exception {
        try (Statement st = c.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close,"
                            + " volume, trade_count) VALUES"
                            + " ('"
                            + id
                            + "', '1m', now() - INTERVAL '31 days', 1, 2, 0.5, 1.5, 10, 3),"
                            + " ('"
                            + id
                            + "', '1m', now() - INTERVAL '1 day', 1, 2, 0.5, 1.5, 10, 3),"
                            + " ('"
                            + id
                            + "', '1d', now() - INTERVAL '31 days', 1, 2, 0.5, 1.5, 10, 3)");
            st.executeUpdate(
                    "INSERT INTO agent_metrics (agent_id, metric_name, ts, value, labels)"
                            + " VALUES ('"
                            + id
                            + "', 'balance_usd', now(), 85.5,"
                            + " '{\"emotional_state\": \"cautious\"}')");
            st.executeUpdate(
                    "INSERT INTO cost_events (agent_id, event_id, ts, cost_type, amount)"
                            + " VALUES ('"
                            + id
                            + "', 'e1', now(), 'llm_cost', 0.0045)");
            st.executeUpdate(
                    "INSERT INTO dead_letters (source, origin, received_at, reason, payload)"
                            + " VALUES ('"
                            + id
                            + "', 'topic/0@1', now(), 'invalid JSON', '{')");
            st.execute(
                    "CALL market_data_retention(NULL,"
                            + " '{\"keep\": {\"1m\": \"30 days\", \"1d\": \"2555 days\"}}')");
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT timeframe, count(*) FROM market_data WHERE symbol = ?"
                                + " GROUP BY timeframe ORDER BY timeframe")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + "=" + rs.getLong(2)).isEqualTo("1d=1");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + "=" + rs.getLong(2)).isEqualTo("1m=1");
                assertThat(rs.next()).isFalse();
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT count(*) FROM agent_metrics WHERE agent_id = ?"
                                + " AND labels @> '{\"emotional_state\": \"cautious\"}'")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }
}
