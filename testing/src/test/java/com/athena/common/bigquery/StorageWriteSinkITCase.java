package com.athena.common.bigquery;

import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
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
        Configuration config = new Configuration();
        config.setString("restart-strategy.type", "fixed-delay");
        config.setString("restart-strategy.fixed-delay.attempts", "3");
        config.setString("restart-strategy.fixed-delay.delay", "200 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        env.enableCheckpointing(200);
        env.fromSequence(0, ROWS - 1)
                .uid("numbers")
                .map(new FailOnce(failOnce))
                .uid("fail-once")
                .sinkTo(
                        StorageWriteSink.builder(
                                        server.endpoint(PROJECT, DATASET), new CostRowMapper())
                                .maxBatchRows(50)
                                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                                .clientRetryDuration(Duration.ofSeconds(1))
                                .build())
                .uid("bigquery");
        env.execute("storage-write-sink");
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
