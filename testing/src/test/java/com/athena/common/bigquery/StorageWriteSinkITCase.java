package com.athena.common.bigquery;

import com.athena.common.deadletter.DeadLetter;
import com.athena.testing.CollectSink;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StorageWriteSink} in MiniCluster jobs with checkpoints, against {@link
 * LocalBigQueryWriteServer} (Google's write client over gRPC, in this JVM, no external service):
 * every row of a checkpointed source is committed exactly once, through a failure and restore of
 * the job and through transient failures of the API. Nothing here ran against real BigQuery.
 */
class StorageWriteSinkITCase {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";
    private static final int ROWS = 3000;

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    private LocalBigQueryWriteServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(
                PROJECT, DATASET, Path.of("../sql/bigquery"), CostRowMapper.TABLE);
        FailOnce.FAILED.set(false);
        FailOnce.COMPLETED_CHECKPOINTS.set(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void run(boolean failOnce) throws Exception {
        run(failOnce, new CostRowMapper(), 3, null);
    }

    private void run(
            boolean failOnce,
            BigQueryRowMapper<Long> mapper,
            int restarts,
            List<Sink<DeadLetter>> deadLetters)
            throws Exception {
        Configuration config = new Configuration();
        config.setString("restart-strategy.type", "fixed-delay");
        config.setString("restart-strategy.fixed-delay.attempts", String.valueOf(restarts));
        config.setString("restart-strategy.fixed-delay.delay", "200 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        env.enableCheckpointing(200);
        env.fromSequence(0, ROWS - 1)
                .uid("numbers")
                .map(new FailOnce(failOnce))
                .uid("fail-once")
                .sinkTo(sink(mapper, deadLetters))
                .uid("bigquery");
        env.execute("storage-write-sink");
    }

    private StorageWriteSink<Long> sink(
            BigQueryRowMapper<Long> mapper, List<Sink<DeadLetter>> deadLetters) {
        StorageWriteSink.Builder<Long> builder =
                StorageWriteSink.builder(server.endpoint(PROJECT, DATASET), mapper)
                        .maxBatchRows(50)
                        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .clientRetryDuration(Duration.ofSeconds(1));
        if (deadLetters != null) {
            builder.deadLetters("bigquery:cost_tracking", "bigquery-rejected", deadLetters);
        }
        return builder.build();
    }

    private List<String> committedIds() {
        List<String> ids =
                server.committedRows(CostRowMapper.TABLE).stream()
                        .map(r -> (String) r.get("event_id"))
                        .collect(Collectors.toCollection(ArrayList::new));
        Collections.sort(ids);
        return ids;
    }

    private static List<String> expectedIds() {
        return LongStream.range(0, ROWS)
                .mapToObj(n -> "e" + n)
                .sorted()
                .collect(Collectors.toList());
    }

    @Test
    void aFailureAndRestoreCommitsEveryRowExactlyOnce() throws Exception {
        run(true);
        assertThat(FailOnce.FAILED).isTrue();
        // Exactly the source's rows, each once: sorted lists with duplicates kept.
        assertThat(committedIds()).containsExactlyElementsOf(expectedIds());
        // The attempt that failed left streams that were never committed, and they show nothing.
        long committedRows =
                server.streams().stream().filter(s -> s.committed).mapToLong(s -> s.rows).sum();
        assertThat(committedRows).isEqualTo(ROWS);
    }

    @Test
    void transientApiFailuresNeitherLoseNorDoubleRows() throws Exception {
        server.failNextAppends(3, Status.Code.UNAVAILABLE);
        server.failNextAppendsAfterWrite(3, Status.Code.UNAVAILABLE);
        run(false);
        assertThat(committedIds()).containsExactlyElementsOf(expectedIds());
    }

    @Test
    void rowsRejectedForTheirContentBecomeDeadLettersAndTheRestIsCommittedOnce() throws Exception {
        // One row the client's converter refuses (NOT NULL amount without a value) and two that
        // BigQuery answers with row errors (TIMESTAMP out of range), with a job failure between.
        String name = "storage-write-dead-letters";
        run(
                true,
                new PoisonRows(Set.of(7L, 1501L), Set.of(2222L)),
                1,
                List.of(new CollectSink<>(name)));
        assertThat(FailOnce.FAILED).isTrue();

        List<String> expected = new ArrayList<>(expectedIds());
        expected.removeAll(List.of("e7", "e1501", "e2222"));
        assertThat(committedIds()).containsExactlyElementsOf(expected);

        // A rejected row may be reported again after the restore (the dead-letter sinks upsert by
        // source, origin and receivedAt), so compare distinct dead letters.
        List<DeadLetter> letters = CollectSink.results(name);
        Map<String, DeadLetter> byOrigin = new java.util.TreeMap<>();
        letters.forEach(d -> byOrigin.put(d.origin, d));
        assertThat(byOrigin.keySet())
                .containsExactly("cost_tracking:e1501", "cost_tracking:e2222", "cost_tracking:e7");
        assertThat(byOrigin.get("cost_tracking:e7").reason)
                .contains("BigQuery rejected the row for cost_tracking")
                .contains("Timestamp field value is out of range");
        assertThat(byOrigin.get("cost_tracking:e2222").reason).contains("amount");
        assertThat(byOrigin.get("cost_tracking:e1501").payload).contains("\"event_id\":\"e1501\"");
        assertThat(letters).allMatch(d -> d.source.equals("bigquery:cost_tracking"));
    }

    @Test
    void aRowRejectedInTheLastCheckpointStillBecomesADeadLetter() throws Exception {
        // The source's last row: its committable is emitted at end of input, and the final
        // checkpoint commits it after end of input has reached the operators downstream.
        String name = "storage-write-last-dead-letter";
        run(
                false,
                new PoisonRows(Set.of(), Set.of((long) ROWS - 1)),
                0,
                List.of(new CollectSink<>(name)));

        List<String> expected = new ArrayList<>(expectedIds());
        expected.remove("e" + (ROWS - 1));
        assertThat(committedIds()).containsExactlyElementsOf(expected);
        assertThat(CollectSink.<DeadLetter>results(name))
                .extracting(d -> d.origin)
                .containsExactly("cost_tracking:e" + (ROWS - 1));
    }

    /** {@link CostRowMapper} with some rows BigQuery rejects for their content. */
    static final class PoisonRows implements BigQueryRowMapper<Long> {
        private static final long serialVersionUID = 1L;

        private final CostRowMapper rows = new CostRowMapper();
        private final Set<Long> outOfRange;
        private final Set<Long> missingAmount;

        PoisonRows(Set<Long> outOfRange, Set<Long> missingAmount) {
            this.outOfRange = outOfRange;
            this.missingAmount = missingAmount;
        }

        @Override
        public String table(Long n) {
            return rows.table(n);
        }

        @Override
        public String insertId(Long n) {
            return rows.insertId(n);
        }

        @Override
        public Map<String, Object> row(Long n) {
            Map<String, Object> row = rows.row(n);
            if (outOfRange.contains(n)) {
                // Year 10000, in the microseconds the client sends as they are.
                row.put("timestamp", 253_402_300_800_000_000L);
            }
            if (missingAmount.contains(n)) {
                row.put("amount", null);
            }
            return row;
        }
    }

    /**
     * Slows the stream down so that checkpoints fall between rows, and throws once in the middle of
     * the input after two checkpoints completed.
     */
    static final class FailOnce extends RichMapFunction<Long, Long> implements CheckpointListener {
        private static final long serialVersionUID = 1L;

        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();

        private final boolean fail;

        FailOnce(boolean fail) {
            this.fail = fail;
        }

        @Override
        public Long map(Long n) throws Exception {
            if (n % 4 == 0) {
                Thread.sleep(1);
            }
            if (fail
                    && n % (ROWS / 2) > ROWS / 4
                    && COMPLETED_CHECKPOINTS.get() >= 2
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("Injected failure at " + n);
            }
            return n;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }
}
