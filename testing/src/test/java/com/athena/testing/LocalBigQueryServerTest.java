package com.athena.testing;

import com.athena.common.bigquery.BigQueryEndpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** The official client talks to {@link LocalBigQueryServer} over HTTP, as it would to BigQuery. */
class LocalBigQueryServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalBigQueryServer server;
    private BigQueryEndpoint endpoint;
    private BigQuery bigquery;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryServer.start();
        // One attempt per call: the tests count requests.
        endpoint = server.endpoint("athena-local", "athena_agent").withClientMaxAttempts(1);
        bigquery = endpoint.open();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private InsertAllResponse insert(String table, Map<String, Map<String, Object>> rowsById) {
        InsertAllRequest.Builder request = InsertAllRequest.newBuilder(endpoint.table(table));
        rowsById.forEach(request::addRow);
        return bigquery.insertAll(request.build());
    }

    private static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            row.put((String) keyValues[i], keyValues[i + 1]);
        }
        return row;
    }

    @Test
    void theClientSendsInsertAllAsGzippedJsonToTheRestPath() throws Exception {
        InsertAllResponse response =
                insert(
                        "market_data",
                        Map.of(
                                "market_data:coingecko:1",
                                row(
                                        "timestamp",
                                        "2024-01-15T10:00:00.000000Z",
                                        "btc_price",
                                        42500.5,
                                        "fear_greed_index",
                                        45L,
                                        "defi_tvl",
                                        null,
                                        "collection_metadata",
                                        "{\"api_calls\":3}")));
        assertThat(response.hasErrors()).isFalse();

        assertThat(server.requestCount()).isEqualTo(1);
        LocalBigQueryServer.RecordedRequest request = server.requests().get(0);
        assertThat(request.method).isEqualTo("POST");
        assertThat(request.uri)
                .isEqualTo(
                        "/bigquery/v2/projects/athena-local/datasets/athena_agent/tables/market_data/insertAll?prettyPrint=false");
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.header("Content-Type")).isEqualTo("application/json; charset=UTF-8");
        assertThat(request.header("User-Agent")).startsWith("gcloud-java/");
        assertThat(request.header("Authorization")).isNull();

        JsonNode body = JSON.readTree(request.body);
        assertThat(body.fieldNames()).toIterable().containsExactly("rows");
        JsonNode sent = body.get("rows").get(0);
        assertThat(sent.get("insertId").asText()).isEqualTo("market_data:coingecko:1");
        // A null value is not sent at all: BigQuery reads an absent column as NULL.
        assertThat(sent.get("json").has("defi_tvl")).isFalse();
        assertThat(sent.get("json").get("collection_metadata").isTextual()).isTrue();
        assertThat(sent.get("json").get("fear_greed_index").isIntegralNumber()).isTrue();
    }

    @Test
    void rowsRoundTripAndDuplicateInsertIdsAreDropped() {
        insert("t", Map.of("a", row("x", 1L), "b", row("x", 2L)));
        insert("t", Map.of("a", row("x", 99L), "c", row("x", 3L)));
        insert("other", Map.of("a", row("y", "z")));

        assertThat(server.rows("t"))
                .extracting(r -> r.get("x"))
                .containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(server.rowsById("t").get("a")).containsExactly(entry("x", 1L));
        assertThat(server.arrivals("t")).isEqualTo(4);
        assertThat(server.rows("other")).containsExactly(Map.of("y", "z"));
        assertThat(server.rows("missing")).isEmpty();
    }

    @Test
    void declaredTablesRejectUnknownColumnsAndStopTheOtherRows() {
        server.defineTable("t", List.of("x", "y"));
        InsertAllResponse response =
                insert("t", new TreeMap<>(Map.of("a", row("x", 1L), "b", row("z", 2L))));
        assertThat(response.getInsertErrors()).containsOnlyKeys(0L, 1L);
        BigQueryError invalid = response.getErrorsFor(1).get(0);
        assertThat(invalid.getReason()).isEqualTo("invalid");
        assertThat(invalid.getMessage()).isEqualTo("no such field: z.");
        assertThat(response.getErrorsFor(0).get(0).getReason()).isEqualTo("stopped");
        assertThat(server.rows("t")).isEmpty();

        InsertAllResponse skipping =
                bigquery.insertAll(
                        InsertAllRequest.newBuilder(endpoint.table("t"))
                                .addRow("a", row("x", 1L))
                                .addRow("b", row("z", 2L))
                                .setSkipInvalidRows(true)
                                .build());
        assertThat(skipping.getInsertErrors()).containsOnlyKeys(1L);
        assertThat(server.rows("t")).containsExactly(Map.of("x", 1L));

        assertThatThrownBy(() -> insert("undeclared", Map.of("a", row("x", 1L))))
                .isInstanceOfSatisfying(
                        BigQueryException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(404);
                            assertThat(e.getReason()).isEqualTo("notFound");
                        });
    }

    @Test
    void injectedHttpFailuresReachTheClientAsRetryableErrors() {
        server.failNextRequests(1, 503);
        assertThatThrownBy(() -> insert("t", Map.of("a", row("x", 1L))))
                .isInstanceOfSatisfying(
                        BigQueryException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(503);
                            assertThat(e.getReason()).isEqualTo("backendError");
                            assertThat(e.isRetryable()).isTrue();
                        });
        assertThat(server.rows("t")).isEmpty();

        insert("t", Map.of("a", row("x", 1L)));
        assertThat(server.rows("t")).hasSize(1);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void theClientRetriesServerErrorsItselfWhenEveryRowHasAnInsertId() {
        BigQuery withDefaults = server.endpoint("athena-local", "athena_agent").open();
        server.failNextRequests(1, 503);
        InsertAllResponse response =
                withDefaults.insertAll(
                        InsertAllRequest.newBuilder(endpoint.table("t"))
                                .addRow("a", row("x", 1L))
                                .build());
        assertThat(response.hasErrors()).isFalse();
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.rows("t")).hasSize(1);
    }

    @Test
    void injectedRowErrorsFailMatchingRowsAndStopOrKeepTheOthers() {
        server.failNextRequestsWithRowErrors(1, "backendError", id -> id.equals("b"), true);
        InsertAllResponse stopped =
                insert("t", new TreeMap<>(Map.of("a", row("x", 1L), "b", row("x", 2L))));
        assertThat(stopped.getErrorsFor(0).get(0).getReason()).isEqualTo("stopped");
        assertThat(stopped.getErrorsFor(1).get(0).getReason()).isEqualTo("backendError");
        assertThat(server.rows("t")).isEmpty();

        server.failNextRequestsWithRowErrors(1, "backendError", id -> id.equals("b"), false);
        InsertAllResponse partial =
                insert("t", new TreeMap<>(Map.of("a", row("x", 1L), "b", row("x", 2L))));
        assertThat(partial.getInsertErrors()).containsOnlyKeys(1L);
        assertThat(server.rows("t")).containsExactly(Map.of("x", 1L));

        server.failNextRequestsWithRowErrors(1, "timeout");
        InsertAllResponse all = insert("t", Map.of("b", row("x", 2L)));
        assertThat(all.getErrorsFor(0).get(0).getReason()).isEqualTo("timeout");
        insert("t", Map.of("b", row("x", 2L)));
        assertThat(server.rows("t")).hasSize(2);
    }
}
