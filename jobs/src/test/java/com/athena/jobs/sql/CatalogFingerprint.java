package com.athena.jobs.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a migration can change in a database, as text: relations, columns, indexes, routines, and on
 * TimescaleDB the hypertables, their dimensions, compression settings, continuous aggregates and
 * jobs. Two equal fingerprints mean an apply changed nothing; chunks and rows are left out, since
 * data is not schema.
 */
final class CatalogFingerprint {

    private static final Map<String, String> POSTGRES_QUERIES = new LinkedHashMap<>();
    private static final Map<String, String> TIMESCALE_QUERIES = new LinkedHashMap<>();

    static {
        // OIDs are in: a table or index dropped and created again is a change.
        POSTGRES_QUERIES.put(
                "relations",
                "SELECT c.oid::bigint, c.relname, c.relkind FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = current_schema() AND c.relkind IN ('r','p','v','m','i')"
                        + " ORDER BY c.relname");
        POSTGRES_QUERIES.put(
                "columns",
                "SELECT table_name, column_name, ordinal_position, data_type, is_nullable,"
                        + " column_default FROM information_schema.columns"
                        + " WHERE table_schema = current_schema()"
                        + " ORDER BY table_name, ordinal_position");
        POSTGRES_QUERIES.put(
                "indexes",
                "SELECT tablename, indexname, indexdef FROM pg_indexes"
                        + " WHERE schemaname = current_schema() ORDER BY tablename, indexname");
        POSTGRES_QUERIES.put(
                "routines",
                "SELECT p.oid::bigint, p.proname, p.prokind, md5(p.prosrc) FROM pg_proc p"
                        + " JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " WHERE n.nspname = current_schema() ORDER BY p.proname");
        TIMESCALE_QUERIES.put(
                "hypertables",
                "SELECT id, table_name, compressed_hypertable_id, num_dimensions"
                        + " FROM _timescaledb_catalog.hypertable ORDER BY id");
        TIMESCALE_QUERIES.put(
                "dimensions",
                "SELECT hypertable_name, column_name, dimension_type, time_interval::text"
                        + " FROM timescaledb_information.dimensions"
                        + " ORDER BY hypertable_name, dimension_number");
        TIMESCALE_QUERIES.put(
                "compression",
                "SELECT hypertable_name, attname, segmentby_column_index, orderby_column_index,"
                        + " orderby_asc FROM timescaledb_information.compression_settings"
                        + " ORDER BY hypertable_name, attname");
        TIMESCALE_QUERIES.put(
                "continuous_aggregates",
                "SELECT view_name, materialization_hypertable_name, materialized_only,"
                        + " md5(view_definition) FROM timescaledb_information.continuous_aggregates"
                        + " ORDER BY view_name");
        TIMESCALE_QUERIES.put(
                "jobs",
                "SELECT job_id, proc_name, hypertable_name, schedule_interval::text, config::text"
                        + " FROM timescaledb_information.jobs ORDER BY job_id");
    }

    private CatalogFingerprint() {}

    /** The fingerprint of the current schema, one section per query. */
    static Map<String, List<String>> of(Connection connection, boolean timescale)
            throws SQLException {
        Map<String, List<String>> result = new LinkedHashMap<>();
        collect(connection, POSTGRES_QUERIES, result);
        if (timescale) {
            collect(connection, TIMESCALE_QUERIES, result);
        }
        return result;
    }

    private static void collect(
            Connection connection, Map<String, String> queries, Map<String, List<String>> result)
            throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (Map.Entry<String, String> query : queries.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(query.getValue())) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
                result.put(query.getKey(), rows);
            }
        }
    }
}
