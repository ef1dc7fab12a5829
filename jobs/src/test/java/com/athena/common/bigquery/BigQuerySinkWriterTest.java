package com.athena.common.bigquery;

import com.athena.common.connectors.RetryPolicy;
import com.athena.testing.LocalBigQueryServer;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link BigQuerySink}'s writer against {@link LocalBigQueryServer}, through the real client. */
class BigQuerySinkWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalBigQueryServer server;
    private BigQueryEndpoint endpoint;
    private RecordingMetrics metrics;

    /** A row "table/id/value": goes to {@code table} with insert id {@code id}. */
    static final class TestRows implements BigQueryRowMapper<String> {
        @Override
        public String table(String e) {
            return e.split("/")[0];
        }

        @Override
        public String insertId(String e) {
            return e.split("/")[1];
        }

        @Override
        public Map<String, Object> row(String e) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("v", Long.parseLong(e.split("/")[2]));
            return row;
        }
    }

    /** Keeps the counters the writer registers, so that the test can read them. */
    static final class RecordingMetrics extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
        }

        long count(String name) {
            return counters.get(name).getCount();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryServer.start();
        endpoint = server.endpoint("athena-local", "athena_agent").withClientMaxAttempts(1);
        metrics = new RecordingMetrics();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private BigQuerySinkWriter<String> writer(int maxBatchRows, int maxAttempts) {
        return new BigQuerySinkWriter<>(
                endpoint.open(),
                endpoint,
                new TestRows(),
                maxBatchRows,
                new RetryPolicy(maxAttempts, Duration.ofMillis(10), Duration.ofMillis(40)),
                metrics);
    }

    private List<List<String>> sentIdsPerRequest() throws IOException {
        List<List<String>> result = new ArrayList<>();
        for (LocalBigQueryServer.RecordedRequest r : server.requests()) {
            List<String> ids = new ArrayList<>();
            for (JsonNode row : JSON.readTree(r.body).get("rows")) {
                ids.add(row.get("insertId").asText());
            }
            result.add(ids);
        }
        return result;
    }

    @Test
    void sendsFullBatchesAtOnceAndTheRestPerTableOnFlush() throws Exception {
        BigQuerySinkWriter<String> w = writer(2, 3);
        w.write("a/1/10", null);
        w.write("b/2/20", null);
        assertThat(server.requestCount()).isZero();
        w.write("a/3/30", null); // a reaches 2 rows
        assertThat(sentIdsPerRequest()).containsExactly(List.of("1", "3"));
        w.write("a/4/40", null);
        w.flush(false);
        assertThat(sentIdsPerRequest())
                .containsExactly(List.of("1", "3"), List.of("4"), List.of("2"));
        w.flush(true); // nothing buffered: no empty request
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.requests().get(1).uri).contains("/tables/a/insertAll");
        assertThat(server.requests().get(2).uri).contains("/tables/b/insertAll");

        assertThat(server.rows("a"))
                .containsExactly(Map.of("v", 10L), Map.of("v", 30L), Map.of("v", 40L));
        assertThat(server.rows("b")).containsExactly(Map.of("v", 20L));
        assertThat(metrics.count(BigQuerySink.ROWS_INSERTED_METRIC)).isEqualTo(4);
        assertThat(metrics.count(BigQuerySink.INSERT_RETRIES_METRIC)).isZero();
        w.close();
    }

    @Test
    void retriesFailedRequestsWithTheSameInsertIds() throws Exception {
        BigQuerySinkWriter<String> w = writer(100, 3);
        server.failNextRequests(1, 503);
        server.failNextRequests(1, 500);
        w.write("a/1/10", null);
        w.write("a/2/20", null);
        w.flush(false);
        assertThat(sentIdsPerRequest())
                .hasSize(3)
                .allSatisfy(ids -> assertThat(ids).containsExactly("1", "2"));
        assertThat(server.rows("a")).containsExactly(Map.of("v", 10L), Map.of("v", 20L));
        assertThat(metrics.count(BigQuerySink.ROWS_INSERTED_METRIC)).isEqualTo(2);
        assertThat(metrics.count(BigQuerySink.INSERT_RETRIES_METRIC)).isEqualTo(2);
    }

    @Test
    void retriesOnlyTheRowsBigQueryDidNotInsert() throws Exception {
        BigQuerySinkWriter<String> w = writer(100, 3);
        server.failNextRequestsWithRowErrors(1, "backendError", id -> id.equals("2"), false);
        w.write("a/1/10", null);
        w.write("a/2/20", null);
        w.write("a/3/30", null);
        w.flush(false);
        assertThat(sentIdsPerRequest()).containsExactly(List.of("1", "2", "3"), List.of("2"));
        assertThat(server.rowsById("a").keySet()).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(metrics.count(BigQuerySink.ROWS_INSERTED_METRIC)).isEqualTo(3);
        assertThat(metrics.count(BigQuerySink.INSERT_RETRIES_METRIC)).isEqualTo(1);
    }

    @Test
    void retriesStoppedRowsTogetherWithTheFailedOne() throws Exception {
        BigQuerySinkWriter<String> w = writer(100, 3);
        server.failNextRequestsWithRowErrors(2, "backendError", id -> id.equals("2"), true);
        w.write("a/1/10", null);
        w.write("a/2/20", null);
        w.flush(false);
        assertThat(sentIdsPerRequest())
                .hasSize(3)
                .allSatisfy(ids -> assertThat(ids).containsExactly("1", "2"));
        assertThat(server.rows("a")).hasSize(2);
        assertThat(metrics.count(BigQuerySink.INSERT_RETRIES_METRIC)).isEqualTo(2);
    }

    @Test
    void failsAfterTheLastAttempt() throws Exception {
        BigQuerySinkWriter<String> w = writer(100, 3);
        server.failNextRequests(5, 503);
        w.write("a/1/10", null);
        assertThatThrownBy(() -> w.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("still failing after 3 attempts")
                .hasMessageContaining("503");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(metrics.count(BigQuerySink.ROWS_INSERTED_METRIC)).isZero();
    }

    @Test
    void failsAtOnceOnAPermanentRejection() throws Exception {
        server.defineTable("a", List.of("other"));
        BigQuerySinkWriter<String> w = writer(100, 5);
        w.write("a/1/10", null);
        assertThatThrownBy(() -> w.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("rejected row 1 of a: invalid no such field: v.");
        assertThat(server.requestCount()).isEqualTo(1);

        BigQuerySinkWriter<String> missing = writer(100, 5);
        missing.write("nope/1/10", null);
        assertThatThrownBy(() -> missing.flush(true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed permanently");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void backoffDoublesUpToTheCap() {
        RetryPolicy b = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(b.delayMillis(1)).isEqualTo(100);
        assertThat(b.delayMillis(2)).isEqualTo(200);
        assertThat(b.delayMillis(3)).isEqualTo(350);
        assertThat(b.delayMillis(40)).isEqualTo(350);
    }
}
