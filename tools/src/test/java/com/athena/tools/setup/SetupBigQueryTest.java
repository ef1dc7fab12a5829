package com.athena.tools.setup;

import com.athena.common.bigquery.BigQueryDdl;
import com.athena.testing.LocalBigQueryServer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code setup}'s BigQuery part through Google's client against {@link LocalBigQueryServer} (the
 * REST endpoints {@code datasets.insert} and {@code tables.insert}, with BigQuery's 409 and 404):
 * run twice, it creates the dataset and every table and view of {@code sql/bigquery} once, with the
 * files' partitioning and clustering, and each view's query as the file writes it ({@link
 * BigQueryDdl#viewQuery()}, the text {@code BigQuerySqlTest}'s ZetaSQL check resolves). Nothing
 * here ran against real BigQuery.
 */
class SetupBigQueryTest {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";

    /** Clustering of each table, as {@code sql/bigquery} writes it; all partitioned by day. */
    private static final Map<String, List<String>> TABLES =
            new TreeMap<>(
                    Map.of(
                            "agent_decisions", List.of("decision_type", "emotional_state"),
                            "cost_tracking", List.of("cost_type", "agent_id"),
                            "market_data", List.of("data_source"),
                            "market_indicators", List.of("symbol", "timeframe"),
                            "memory_formations", List.of("category"),
                            "performance_metrics", List.of("metric_name", "agent_id"),
                            "treasury_snapshots", List.of("emotional_state")));

    private static final List<String> VIEWS =
            List.of(
                    "cost_efficiency",
                    "daily_performance",
                    "emotional_correlation",
                    "market_condition_summary",
                    "memory_patterns",
                    "weekly_performance");

    @Test
    void createsTheDatasetTablesAndViewsOnceAndAgainChangesNothing() throws Exception {
        Path dir = SetupMain.locateBigQueryDirectory();
        try (LocalBigQueryServer server = LocalBigQueryServer.start()) {
            List<String> first = SetupMain.createBigQuery(server.endpoint(PROJECT, DATASET), dir);
            List<String> expected = new ArrayList<>();
            expected.add(DATASET);
            expected.addAll(TABLES.keySet());
            expected.addAll(VIEWS);
            assertThat(first).containsExactlyInAnyOrderElementsOf(expected);
            int requests = server.requestCount();

            // Idempotent: everything answers 409 Already Exists, which setup takes as done.
            List<String> second = SetupMain.createBigQuery(server.endpoint(PROJECT, DATASET), dir);
            assertThat(second).isEmpty();
            assertThat(server.requestCount()).isEqualTo(2 * requests);

            assertThat(server.datasets()).containsExactly(PROJECT + ":" + DATASET);
            Map<String, JsonNode> created = server.createdTables();
            assertThat(created).hasSize(TABLES.size() + VIEWS.size());
            TABLES.forEach(
                    (table, clustering) -> {
                        JsonNode t = created.get(PROJECT + ":" + DATASET + "." + table);
                        assertThat(t).as(table).isNotNull();
                        assertThat(t.path("timePartitioning").path("type").asText())
                                .as(table)
                                .isEqualTo("DAY");
                        assertThat(t.path("timePartitioning").path("field").asText())
                                .as(table)
                                .isEqualTo("timestamp");
                        List<String> fields = new ArrayList<>();
                        t.path("clustering").path("fields").forEach(f -> fields.add(f.asText()));
                        assertThat(fields).as(table).isEqualTo(clustering);
                        assertThat(t.path("schema").path("fields").size())
                                .as(table)
                                .isGreaterThan(3);
                        assertThat(t.has("view")).as(table).isFalse();
                        // Only memory_formations is a CDC table: its primary key is created.
                        List<String> key = new ArrayList<>();
                        t.path("tableConstraints")
                                .path("primaryKey")
                                .path("columns")
                                .forEach(c -> key.add(c.asText()));
                        assertThat(key)
                                .as(table)
                                .isEqualTo(
                                        table.equals("memory_formations")
                                                ? List.of("memory_id")
                                                : List.of());
                    });
            // Columns as written: NOT NULL is REQUIRED, the rest NULLABLE; on the wire the client
            // names
            // FLOAT64 and INT64 by their REST type names FLOAT and INTEGER.
            JsonNode costs = created.get(PROJECT + ":" + DATASET + ".cost_tracking");
            List<String> columns = new ArrayList<>();
            costs.path("schema")
                    .path("fields")
                    .forEach(
                            f ->
                                    columns.add(
                                            f.path("name").asText()
                                                    + " "
                                                    + f.path("type").asText()
                                                    + " "
                                                    + f.path("mode").asText()));
            assertThat(columns)
                    .containsExactly(
                            "timestamp TIMESTAMP REQUIRED",
                            "agent_id STRING REQUIRED",
                            "event_id STRING REQUIRED",
                            "cost_type STRING REQUIRED",
                            "operation STRING NULLABLE",
                            "amount FLOAT REQUIRED",
                            "model STRING NULLABLE",
                            "input_tokens INTEGER NULLABLE",
                            "output_tokens INTEGER NULLABLE",
                            "daily_total FLOAT NULLABLE",
                            "details JSON NULLABLE");

            for (String view : VIEWS) {
                JsonNode v = created.get(PROJECT + ":" + DATASET + "." + view);
                assertThat(v).as(view).isNotNull();
                assertThat(v.path("view").path("useLegacySql").asBoolean(true)).as(view).isFalse();
                String file =
                        Files.readString(
                                dir.resolve("views").resolve(view + ".sql"),
                                StandardCharsets.UTF_8);
                String query = v.path("view").path("query").asText();
                // The file's statement is CREATE OR REPLACE VIEW athena_agent.<view> AS <query>.
                assertThat(query).isEqualTo(BigQueryDdl.parse(file).viewQuery());
                assertThat(file.replaceAll("(?m)--.*$", "").replaceAll("\\s+", " "))
                        .contains(query.replaceAll("\\s+", " "));
                assertThat(query).doesNotContainIgnoringCase("CREATE");
            }
        }
    }
}
