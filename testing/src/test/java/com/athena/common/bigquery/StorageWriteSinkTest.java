package com.athena.common.bigquery;

import com.athena.common.connectors.RetryPolicy;
import com.athena.testing.LocalBigQueryWriteServer;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;

import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Storage Write sink's writer and committer driven directly, as Flink drives them across
 * checkpoints and a restore, against {@link LocalBigQueryWriteServer}.
 */
class StorageWriteSinkTest {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";

    /** Short, so that the writer's own retries are what the tests see. */
    private static final Duration CLIENT_RETRY = Duration.ofMillis(200);

    private LocalBigQueryWriteServer server;
    private StorageWriteSink<Long> sink;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(
                PROJECT, DATASET, Path.of("../sql/bigquery"), CostRowMapper.TABLE);
        sink =
                StorageWriteSink.builder(server.endpoint(PROJECT, DATASET), new CostRowMapper())
                        .maxBatchRows(4)
                        .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                        .clientRetryDuration(CLIENT_RETRY)
                        .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private StorageWriteSinkWriter<Long> writer() throws IOException {
        return new StorageWriteSinkWriter<>(
                sink.endpoint(),
                new CostRowMapper(),
                sink.maxBatchRows(),
                new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)),
                CLIENT_RETRY,
                null,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    private static void write(StorageWriteSinkWriter<Long> w, long from, long to) throws Exception {
        for (long n = from; n < to; n++) {
            w.write(n, CONTEXT);
        }
    }

    /** A checkpoint's first phase: flush, then prepareCommit (Flink's order). */
    private static List<StorageWriteCommittable> checkpoint(StorageWriteSinkWriter<Long> w)
            throws Exception {
        w.flush(false);
        return new ArrayList<>(w.prepareCommit());
    }

    private static List<Request> commit(
            StorageWriteCommitter committer, Collection<StorageWriteCommittable> committables)
            throws Exception {
        List<Request> requests =
                committables.stream().map(Request::new).collect(Collectors.toList());
        committer.commit(new ArrayList<>(requests));
        return requests;
    }

    private StorageWriteCommitter committer() throws IOException {
        return (StorageWriteCommitter) sink.createCommitter(null);
    }

    private List<String> committedIds() {
        return server.committedRows(CostRowMapper.TABLE).stream()
                .map(r -> (String) r.get("event_id"))
                .collect(Collectors.toList());
    }

    private static List<String> ids(long from, long to) {
        return LongStream.range(from, to).mapToObj(n -> "e" + n).collect(Collectors.toList());
    }

    @Test
    void rowsAreVisibleOnlyWhenTheCheckpointCommits() throws Exception {
        try (StorageWriteSinkWriter<Long> w = writer();
                StorageWriteCommitter committer = committer()) {
            write(w, 0, 10);
            assertThat(committedIds()).isEmpty();
            List<StorageWriteCommittable> c1 = checkpoint(w);
            assertThat(c1).hasSize(1);
            assertThat(c1.get(0).rowCount()).isEqualTo(10);
            assertThat(c1.get(0).tablePath())
                    .isEqualTo("projects/athena-local/datasets/athena_agent/tables/cost_tracking");
            assertThat(committedIds()).isEmpty();

            List<Request> done = commit(committer, c1);
            assertThat(done).allMatch(r -> r.outcome == null);
            assertThat(committedIds()).containsExactlyElementsOf(ids(0, 10));

            // A checkpoint without rows creates no stream and commits nothing.
            assertThat(checkpoint(w)).isEmpty();
            write(w, 10, 13);
            commit(committer, checkpoint(w));
            assertThat(committedIds()).containsExactlyElementsOf(ids(0, 13));
        }
        Map<String, Object> row = server.committedRows(CostRowMapper.TABLE).get(1);
        assertThat(row)
                .containsEntry("agent_id", "agent-1")
                .containsEntry("amount", 0.25)
                .containsEntry("input_tokens", 1L)
                .containsEntry("timestamp", 1_705_312_800_001_000L)
                .containsEntry("details", "{\"day\":\"2024-01-15\"}")
                .doesNotContainKeys("operation", "model", "output_tokens", "daily_total");
    }

    /**
     * Checkpoint 1 completes and commits; checkpoint 2 is taken (its streams finalized) but never
     * completes; more rows are appended; the task fails. The restore from checkpoint 1 re-commits
     * its committables (already committed: no double) and the sources replay the rest into new
     * streams: every row once.
     */
    @Test
    void aRestoreNeitherLosesNorRepeatsARow() throws Exception {
        List<StorageWriteCommittable> c1;
        try (StorageWriteSinkWriter<Long> w = writer();
                StorageWriteCommitter committer = committer()) {
            write(w, 0, 10);
            c1 = checkpoint(w);
            commit(committer, c1);
            write(w, 10, 15);
            checkpoint(w); // checkpoint 2: finalized, never completed
            write(w, 15, 18); // appended, never finalized
            w.flush(false);
        } // the failure: writer and committer go away
        assertThat(committedIds()).containsExactlyElementsOf(ids(0, 10));

        try (StorageWriteSinkWriter<Long> w = writer();
                StorageWriteCommitter committer = committer()) {
            // Flink hands the restored checkpoint's committables to the committer again.
            List<Request> again = commit(committer, c1);
            assertThat(again).allMatch(r -> "already committed".equals(r.outcome));
            assertThat(committedIds()).containsExactlyElementsOf(ids(0, 10));
            write(w, 10, 18); // the replay
            commit(committer, checkpoint(w));
        }
        assertThat(committedIds()).containsExactlyElementsOf(ids(0, 18));
        // The abandoned streams hold the rows of the failed attempt, and stay uncommitted.
        assertThat(server.streams())
                .filteredOn(s -> !s.committed)
                .extracting(s -> s.rows)
                .containsExactlyInAnyOrder(5, 3);
    }

    /** The checkpoint completed but the job failed before its commit: the restore commits it. */
    @Test
    void aRestoreCommitsWhatTheFailedRunDidNot() throws Exception {
        List<StorageWriteCommittable> c1;
        try (StorageWriteSinkWriter<Long> w = writer()) {
            write(w, 0, 7);
            c1 = checkpoint(w);
        }
        assertThat(committedIds()).isEmpty();
        try (StorageWriteCommitter committer = committer()) {
            List<Request> done = commit(committer, c1);
            assertThat(done).allMatch(r -> r.outcome == null);
            assertThat(commit(committer, c1)).allMatch(r -> "already committed".equals(r.outcome));
        }
        assertThat(committedIds()).containsExactlyElementsOf(ids(0, 7));
    }

    @Test
    void transientFailuresAreRetriedWithoutDoubles() throws Exception {
        server.failNextAppends(3, Status.Code.UNAVAILABLE);
        server.failNextAppendsAfterWrite(2, Status.Code.UNAVAILABLE);
        try (StorageWriteSinkWriter<Long> w = writer();
                StorageWriteCommitter committer = committer()) {
            write(w, 0, 20);
            server.failNextAppends(2, Status.Code.RESOURCE_EXHAUSTED);
            write(w, 20, 30);
            commit(committer, checkpoint(w));
        }
        assertThat(committedIds()).containsExactlyElementsOf(ids(0, 30));
    }

    @Test
    void persistentFailuresFailTheWriter() throws Exception {
        server.failNextAppends(50, Status.Code.UNAVAILABLE);
        try (StorageWriteSinkWriter<Long> w = writer()) {
            assertThatThrownBy(() -> write(w, 0, 4))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("still failing after 5 attempts");
        }
    }

    @Test
    void aPermanentErrorFailsAtOnce() throws Exception {
        server.failNextAppends(1, Status.Code.PERMISSION_DENIED);
        try (StorageWriteSinkWriter<Long> w = writer()) {
            assertThatThrownBy(() -> write(w, 0, 4))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed permanently")
                    .hasMessageContaining("PERMISSION_DENIED");
        }
        assertThat(server.appendRequests()).isEqualTo(1);
    }

    @Test
    void aRowThatDoesNotFitTheSchemaFailsClearly() throws Exception {
        BigQueryRowMapper<Long> missingRequired =
                new BigQueryRowMapper<>() {
                    @Override
                    public String table(Long n) {
                        return CostRowMapper.TABLE;
                    }

                    @Override
                    public String insertId(Long n) {
                        return "x" + n;
                    }

                    @Override
                    public Map<String, Object> row(Long n) {
                        Map<String, Object> row = new CostRowMapper().row(n);
                        if (n == 2) {
                            row.put("amount", null); // NOT NULL column
                        }
                        return row;
                    }
                };
        try (StorageWriteSinkWriter<Long> w =
                new StorageWriteSinkWriter<>(
                        sink.endpoint(),
                        missingRequired,
                        10,
                        new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)),
                        CLIENT_RETRY,
                        null,
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup())) {
            write(w, 0, 5);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cost_tracking")
                    .hasMessageContaining("failed permanently")
                    .hasMessageContaining("2: ")
                    .hasMessageContaining("amount");
        }
        assertThat(committedIds()).isEmpty();
    }

    @Test
    void rowsRejectedForTheirContentAreDeadLettersAndSendErrors() throws Exception {
        // Flink's numRecordsSendErrors is what the AthenaSinkErrors alert reads.
        // Unlike UnregisteredMetricsGroup's, this group hands out the same counter on every call.
        SinkWriterMetricGroup metrics =
                InternalSinkWriterMetricGroup.wrap(
                        UnregisteredMetricsGroup.createOperatorMetricGroup());
        List<StorageWriteCommittable> committables;
        try (StorageWriteSinkWriter<Long> w =
                new StorageWriteSinkWriter<>(
                        sink.endpoint(),
                        new StorageWriteSinkITCase.PoisonRows(Set.of(3L), Set.of(6L)),
                        10,
                        new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)),
                        CLIENT_RETRY,
                        "bigquery:cost_tracking",
                        metrics)) {
            write(w, 0, 10);
            committables = checkpoint(w);
        }
        assertThat(metrics.getNumRecordsSendErrorsCounter().getCount()).isEqualTo(2);
        assertThat(
                        committables.stream()
                                .flatMap(c -> c.rejected().stream())
                                .map(d -> d.origin)
                                .sorted())
                .containsExactly("cost_tracking:e3", "cost_tracking:e6");
        commit(committer(), committables);
        List<String> expected = new ArrayList<>(ids(0, 10));
        expected.removeAll(List.of("e3", "e6"));
        assertThat(committedIds()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void anUnknownTableFailsClearly() throws Exception {
        BigQueryRowMapper<Long> elsewhere =
                new BigQueryRowMapper<>() {
                    @Override
                    public String table(Long n) {
                        return "no_such_table";
                    }

                    @Override
                    public String insertId(Long n) {
                        return "x" + n;
                    }

                    @Override
                    public Map<String, Object> row(Long n) {
                        return Map.of("x", n);
                    }
                };
        try (StorageWriteSinkWriter<Long> w =
                new StorageWriteSinkWriter<>(
                        sink.endpoint(),
                        elsewhere,
                        10,
                        new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(50)),
                        CLIENT_RETRY,
                        null,
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup())) {
            w.write(1L, CONTEXT);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no_such_table")
                    .hasMessageContaining("failed permanently");
        }
    }

    @Test
    void committablesSurviveTheirSerializer() throws Exception {
        StorageWriteCommittable c =
                new StorageWriteCommittable("projects/p/datasets/d/tables/t", "s/1", 42);
        StorageWriteCommittable.Serializer s = new StorageWriteCommittable.Serializer();
        assertThat(s.deserialize(s.getVersion(), s.serialize(c))).isEqualTo(c);
    }

    private static final SinkWriter.Context CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    /** A commit request that records what the committer said of it (null: committed). */
    private static final class Request implements CommitRequest<StorageWriteCommittable> {
        final StorageWriteCommittable committable;
        String outcome;

        Request(StorageWriteCommittable committable) {
            this.committable = committable;
        }

        @Override
        public StorageWriteCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            outcome = "failed (known): " + t;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            outcome = "failed: " + t;
        }

        @Override
        public void retryLater() {
            outcome = "retry later";
        }

        @Override
        public void updateAndRetryLater(StorageWriteCommittable c) {
            outcome = "retry later (updated)";
        }

        @Override
        public void signalAlreadyCommitted() {
            outcome = "already committed";
        }
    }
}
