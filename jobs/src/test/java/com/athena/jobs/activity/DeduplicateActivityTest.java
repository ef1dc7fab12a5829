package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.SeenIds;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity job's de-duplication in a harness, on the heap backend and on RocksDB: a repeated id
 * is a dead letter, and an agent's expired ids are dropped by its sweep timer, which stays set
 * while ids remain and leaves neither state nor timer once they are all gone.
 */
class DeduplicateActivityTest {
    // Not the shipped 7 d: the sweep runs at quarters of any TTL, and 40 min keeps them readable;
    // ActivityJobITCase and ActivityRedeliveryITCase run the job with the shipped TTL.
    static final Duration TTL = Duration.ofMinutes(40);
    static final long QUARTER = TTL.toMillis() / 4;

    private KeyedOneInputStreamOperatorTestHarness<String, ActivityEvent, ActivityEvent> harness;

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void open(String backend) throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DeduplicateActivity(TTL)),
                        e -> e.agentId,
                        Types.STRING);
        harness.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.open();
    }

    /** Processing time for the timers and for the TTL alike, as on a cluster. */
    private void now(long millis) throws Exception {
        harness.setStateTtlProcessingTime(millis);
        harness.setProcessingTime(millis);
    }

    private void send(String id, String agent) throws Exception {
        ActivityEvent e = new ActivityEvent();
        e.eventId = id;
        e.type = "decision";
        e.agentId = agent;
        e.timestamp = 1_700_000_000_000L;
        harness.processElement(e, e.timestamp);
    }

    private MapState<String, Long> seen(String agent) throws Exception {
        return KeyedStates.of(
                harness.getOperator(),
                agent,
                SeenIds.descriptor(DeduplicateActivity.SEEN_IDS, TTL));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void expiredIdsAreSweptAndNothingOutlivesThem(String backend) throws Exception {
        open(backend);
        now(0);
        send("d1", "a");
        send("d1", "a");
        assertThat(harness.extractOutputValues()).extracting(e -> e.eventId).containsExactly("d1");
        List<DeadLetter> duplicates =
                harness.getSideOutput(DeduplicateActivity.DUPLICATES).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(duplicates).extracting(d -> d.origin).containsExactly("a/d1");
        // One sweep timer for the agent, at the next quarter of the TTL.
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        // The sweep due at 1/4 of the TTL finds d1 live and sets the next, at 4/4.
        now(3 * QUARTER);
        send("d2", "a");
        now(4 * QUARTER + 1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        // Back at the start of the TTL, an id still stored reads as live again: d1 (seen at 0)
        // expired and was swept at 4/4, d2 (seen at 3/4) was kept.
        harness.setStateTtlProcessingTime(0);
        assertThat(seen("a").contains("d1")).as("expired, swept").isFalse();
        assertThat(seen("a").contains("d2")).as("within its TTL: kept").isTrue();

        now(8 * QUARTER);
        assertThat(harness.numProcessingTimeTimers()).as("no id left, no timer").isZero();
        harness.setStateTtlProcessingTime(0);
        assertThat(seen("a").contains("d2")).as("expired, swept").isFalse();
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }
}
