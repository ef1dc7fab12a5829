package com.athena.jobs.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.sql.SchemaMigrator;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sql/timescaledb} on the real TimescaleDB service: one-day hypertables, the continuous
 * aggregates and every refresh, compression and retention job registered as seed 003 says, the
 * per-timeframe retention deleting exactly what is past its horizon, and a second apply changing
 * nothing.
 */
@RequiresServices(RealService.TIMESCALEDB)
class TimescaleSchemaITCase {

    private static JdbcEndpoint timescale;

    @BeforeAll
    static void migrate() throws Exception {
        timescale = JdbcEndpoint.timescale(ServiceEnvironment.load());
        try (Connection c = timescale.open()) {
            SchemaMigrator.apply(c);
        }
    }

    @Test
    void applyingTheMigrationsAgainChangesNothing() throws Exception {
        try (Connection c = timescale.open()) {
            // One connection for both fingerprints: nobody else can change the schema between.
            Map<String, List<String>> before = CatalogFingerprint.of(c, true);
            SchemaMigrator.apply(c);
            Map<String, List<String>> after = CatalogFingerprint.of(c, true);

            assertThat(after).isEqualTo(before);
            // A fingerprint that would see the objects of this issue if they changed.
            assertThat(before.get("relations"))
                    .anyMatch(r -> r.endsWith("| market_data_5m | v"))
                    .anyMatch(r -> r.endsWith("| market_data_15m | v"))
                    .anyMatch(r -> r.endsWith("| market_data_1h | v"))
                    .anyMatch(r -> r.endsWith("| idx_agent_metrics_labels | i"));
            assertThat(before.get("jobs")).hasSizeGreaterThanOrEqualTo(12);
            assertThat(before.get("routines"))
                    .anyMatch(r -> r.contains("| market_data_retention |"));
        }
    }

    @Test
    void theJobsHypertablesHaveOneDayChunks() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("market_data", "ts");
        expected.put("treasury_snapshots", "ts");
        expected.put("cost_events", "ts");
        expected.put("agent_metrics", "ts");
        expected.put("dead_letters", "received_at");
        expected.put("trades", "ts");
        expected.put("protocol_yields", "ts");
        Map<String, String> actual = new LinkedHashMap<>();
        try (Connection c = timescale.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT hypertable_name, column_name, time_interval"
                                        + " FROM timescaledb_information.dimensions"
                                        + " WHERE hypertable_schema = current_schema()"
                                        + " AND dimension_type = 'Time'")) {
            while (rs.next()) {
                String interval = rs.getString(3);
                actual.put(rs.getString(1), rs.getString(2) + " every " + interval);
            }
        }
        for (Map.Entry<String, String> table : expected.entrySet()) {
            assertThat(actual.get(table.getKey()))
                    .as(table.getKey())
                    .isEqualTo(table.getValue() + " every 1 day");
        }
    }

    @Test
    void continuousAggregatesAreRealTimeOverTheOneMinuteBars() throws Exception {
        try (Connection c = timescale.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT view_name, materialized_only, view_definition"
                                        + " FROM timescaledb_information.continuous_aggregates"
                                        + " WHERE view_schema = current_schema()"
                                        + " AND view_name LIKE 'market_data_%' ORDER BY view_name")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
                assertThat(rs.getBoolean(2)).as(rs.getString(1)).isFalse();
                String definition = rs.getString(3).toLowerCase();
                assertThat(definition)
                        .as(rs.getString(1))
                        .contains("first(", "last(", "max(", "min(", "sum(")
                        .contains("timeframe")
                        .contains("'1m'")
                        // indicators are per timeframe in the job; an average of EMAs is no EMA
                        .doesNotContain("avg(")
                        .doesNotContain("ema_");
            }
            assertThat(names)
                    .containsExactlyInAnyOrder(
                            "market_data_5m", "market_data_15m", "market_data_1h");
        }
    }

    @Test
    void refreshCompressionAndRetentionJobsAreRegistered() throws Exception {
        // "proc hypertable config", the config without the catalog's ids; for the jobs whose
        // schedule this migration sets, the schedule too.
        List<String> jobs = new ArrayList<>();
        try (Connection c = timescale.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT proc_name, coalesce(hypertable_name, '-'), config::text,"
                                        + " schedule_interval::text"
                                        + " FROM timescaledb_information.jobs")) {
            while (rs.next()) {
                String proc = rs.getString(1);
                String job = proc + " " + rs.getString(2) + " " + withoutIds(rs.getString(3));
                if (proc.equals("policy_refresh_continuous_aggregate")
                        || proc.equals("market_data_retention")) {
                    job += " every " + rs.getString(4);
                }
                jobs.add(job);
            }
        }
        assertThat(jobs)
                .contains(
                        "policy_refresh_continuous_aggregate market_data_5m"
                                + " {\"end_offset\": \"00:05:00\", \"start_offset\": \"3 days\"}"
                                + " every 00:05:00",
                        "policy_refresh_continuous_aggregate market_data_15m"
                                + " {\"end_offset\": \"00:15:00\", \"start_offset\": \"3 days\"}"
                                + " every 00:15:00",
                        "policy_refresh_continuous_aggregate market_data_1h"
                                + " {\"end_offset\": \"01:00:00\", \"start_offset\": \"3 days\"}"
                                + " every 01:00:00",
                        "policy_compression market_data {\"compress_after\": \"7 days\"}",
                        "policy_compression agent_metrics {\"compress_after\": \"7 days\"}",
                        // seed 003: 1d bars 7 years; the aggregates their timeframe's horizon
                        "policy_retention market_data {\"drop_after\": \"2555 days\"}",
                        "policy_retention market_data_5m {\"drop_after\": \"90 days\"}",
                        "policy_retention market_data_15m {\"drop_after\": \"180 days\"}",
                        "policy_retention market_data_1h {\"drop_after\": \"365 days\"}",
                        // seed 004: agent metrics 30 days
                        "policy_retention agent_metrics {\"drop_after\": \"30 days\"}",
                        // seed 003's horizons of the timeframes sharing market_data's chunks
                        "market_data_retention - {\"keep\": {\"1d\": \"2555 days\","
                                + " \"1h\": \"365 days\", \"1m\": \"30 days\","
                                + " \"5m\": \"90 days\", \"15m\": \"180 days\"}} every 1 day");

        List<String> compression = new ArrayList<>();
        try (Connection c = timescale.open();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT attname, segmentby_column_index, orderby_column_index,"
                                        + " orderby_asc FROM timescaledb_information.compression_settings"
                                        + " WHERE hypertable_name = 'market_data'"
                                        + " ORDER BY segmentby_column_index, orderby_column_index")) {
            while (rs.next()) {
                compression.add(
                        rs.getString(1)
                                + " segment "
                                + rs.getString(2)
                                + " order "
                                + rs.getString(3)
                                + " asc "
                                + rs.getString(4));
            }
        }
        assertThat(compression)
                .containsExactlyInAnyOrder(
                        "symbol segment 1 order null asc null",
                        "timeframe segment 2 order null asc null",
                        "ts segment null order 1 asc f");
    }

    @Test
    void retentionDeletesEachTimeframePastItsHorizonOnly() throws Exception {
        String symbol = "RET" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        // Each row: timeframe, age in days; kept when younger than its timeframe's horizon.
        Object[][] rows = {
            {"1m", 29, true}, {"1m", 31, false},
            {"5m", 31, true}, {"5m", 91, false},
            {"15m", 91, true}, {"15m", 181, false},
            {"1h", 181, true}, {"1h", 366, false},
            {"1d", 366, true}, {"1d", 2556, false},
        };
        try (Connection c = timescale.open()) {
            // Inside a transaction that is rolled back: the job deletes every old row of the
            // shared database, and no other session can look while this one holds the server.
            c.setAutoCommit(false);
            try {
                try (PreparedStatement insert =
                        c.prepareStatement(
                                "INSERT INTO market_data (symbol, timeframe, ts, open, high, low,"
                                        + " close, volume, trade_count) VALUES (?, ?,"
                                        + " date_trunc('day', now()) - make_interval(days => ?),"
                                        + " 1, 1, 1, 1, 1, 1)")) {
                    for (Object[] row : rows) {
                        insert.setString(1, symbol);
                        insert.setString(2, (String) row[0]);
                        insert.setInt(3, (Integer) row[1]);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                // The registered job's own config, run as TimescaleDB would run it.
                try (Statement st = c.createStatement()) {
                    st.execute(
                            "DO $$ DECLARE j RECORD; BEGIN"
                                    + " SELECT job_id, config INTO j FROM timescaledb_information.jobs"
                                    + " WHERE proc_name = 'market_data_retention';"
                                    + " CALL market_data_retention(j.job_id, j.config); END $$");
                }
                List<String> kept = new ArrayList<>();
                try (PreparedStatement select =
                        c.prepareStatement(
                                "SELECT timeframe, (date_trunc('day', now())::date - ts::date)"
                                        + " FROM market_data WHERE symbol = ?"
                                        + " ORDER BY ts DESC")) {
                    select.setString(1, symbol);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            kept.add(rs.getString(1) + "@" + rs.getInt(2));
                        }
                    }
                }
                List<String> expected = new ArrayList<>();
                for (Object[] row : rows) {
                    if ((Boolean) row[2]) {
                        expected.add(row[0] + "@" + row[1]);
                    }
                }
                assertThat(kept).containsExactlyInAnyOrderElementsOf(expected);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static String withoutIds(String config) {
        return config == null
                ? "null"
                : config.replaceAll("\"(mat_)?hypertable_id\": \\d+(, )?", "").replace(", }", "}");
    }
}
