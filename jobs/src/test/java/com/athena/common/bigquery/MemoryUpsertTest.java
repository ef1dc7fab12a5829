package com.athena.common.bigquery;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.ActivityType;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.connectors.RetryPolicy;
import com.athena.jobs.activity.ActivityRows;
import com.athena.testing.LocalBigQueryWriteServer;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity job's memory changes through the Storage Write sink in upsert mode, into {@code
 * memory_formations} as its DDL declares it (primary key {@code memory_id}): one row per memory
 * with its latest recall count, and a change replayed after a restore never overwrites a newer one.
 */
class MemoryUpsertTest {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    private LocalBigQueryWriteServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(
                PROJECT, DATASET, Path.of("..", "sql", "bigquery"), ActivityRows.MEMORIES_TABLE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private StorageWriteSinkWriter<MemoryRecord> writer() throws Exception {
        return new StorageWriteSinkWriter<>(
                server.endpoint(PROJECT, DATASET),
                new ActivityRows.Memories(),
                10,
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)),
                Duration.ofSeconds(1),
                null,
                ActivityRows.Memories::sequenceNumber,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    /** The memory's versions as MemoryFunction emits them: formed at T0, recalled twice. */
    private static List<MemoryRecord> changes(String id) {
        ActivityEvent f = new ActivityEvent();
        f.eventId = "f-" + id;
        f.type = ActivityType.MEMORY_FORMATION.label();
        f.agentId = "athena-1";
        f.timestamp = T0;
        f.memoryId = id;
        f.category = "market_patterns";
        f.formationCost = 0.002;
        MemoryRecord state = new MemoryRecord();
        state.form(f);
        MemoryRecord formed = copy(state);
        state.recall(id, T0 + 60_000);
        MemoryRecord first = copy(state);
        state.recall(id, T0 + 120_000);
        MemoryRecord second = copy(state);
        return List.of(formed, first, second);
    }

    private static MemoryRecord copy(MemoryRecord r) {
        MemoryRecord c = new MemoryRecord();
        c.memoryId = r.memoryId;
        c.formed = r.formed;
        c.formation = r.formation;
        c.recallCount = r.recallCount;
        c.lastRecalled = r.lastRecalled;
        return c;
    }

    @Test
    void eachMemoryHasOneRowWithItsLatestRecalls() throws Exception {
        try (StorageWriteSinkWriter<MemoryRecord> w = writer()) {
            for (String id : List.of("m1", "m2")) {
                for (MemoryRecord m : changes(id)) {
                    w.write(m, CONTEXT);
                }
            }
            w.flush(false);
            // Nothing to commit: the default stream's rows are applied when appended.
            assertThat(w.prepareCommit()).isEmpty();
        }
        List<Map<String, Object>> rows = server.committedRows(ActivityRows.MEMORIES_TABLE);
        assertThat(rows).extracting(r -> r.get("memory_id")).containsExactly("m1", "m2");
        for (Map<String, Object> r : rows) {
            assertThat(r.get("recall_count")).isEqualTo(2L);
            assertThat(r.get("last_recalled")).isEqualTo((T0 + 120_000) * 1000L);
            assertThat(r.get("timestamp")).isEqualTo(T0 * 1000L);
            assertThat(r.get("formation_cost")).isEqualTo(0.002);
        }
    }

    @Test
    void aReplayedOlderChangeDoesNotOverwriteANewerOne() throws Exception {
        List<MemoryRecord> changes = changes("m1");
        try (StorageWriteSinkWriter<MemoryRecord> w = writer()) {
            for (MemoryRecord m : changes) {
                w.write(m, CONTEXT);
            }
            w.flush(false);
            w.prepareCommit();
        }
        // After a restore to a checkpoint before the recalls, the job sends the formation and
        // the first recall again: both older than the row BigQuery holds.
        try (StorageWriteSinkWriter<MemoryRecord> w = writer()) {
            w.write(changes.get(0), CONTEXT);
            w.write(changes.get(1), CONTEXT);
            w.flush(false);
            w.prepareCommit();
        }
        List<Map<String, Object>> rows = server.committedRows(ActivityRows.MEMORIES_TABLE);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("recall_count")).isEqualTo(2L);
        assertThat(rows.get(0).get("last_recalled")).isEqualTo((T0 + 120_000) * 1000L);
    }

    @Test
    void laterChangesHaveHigherSequenceNumbers() {
        List<MemoryRecord> changes = changes("m1");
        assertThat(ActivityRows.Memories.sequenceNumber(changes.get(0)))
                .isEqualTo("0000000000000000/0000000000000000");
        assertThat(ActivityRows.Memories.sequenceNumber(changes.get(2)))
                .isEqualTo("0000000000000002/" + String.format("%016X", T0 + 120_000));
        for (int i = 1; i < changes.size(); i++) {
            assertThat(ActivityRows.Memories.sequenceNumber(changes.get(i)))
                    .isGreaterThan(ActivityRows.Memories.sequenceNumber(changes.get(i - 1)));
        }
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
}
