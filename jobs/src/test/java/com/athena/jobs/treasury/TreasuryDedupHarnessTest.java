package com.athena.jobs.treasury;

import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.athena.jobs.treasury.TreasuryFunctionHarnessTest.D0;
import static com.athena.jobs.treasury.TreasuryFunctionHarnessTest.DAY;
import static com.athena.jobs.treasury.TreasuryFunctionHarnessTest.HOUR;
import static com.athena.jobs.treasury.TreasuryFunctionHarnessTest.TTL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the treasury function keeps an agent's event ids: an expired id is dropped at the
 * agent's next day close, ids still within the TTL stay, and nothing is dropped in the background
 * while other agents are stepped; on the heap backend and on RocksDB (whose compaction filter,
 * which also drops expired ids, does not run in so small a test).
 */
class TreasuryDedupHarnessTest {
    private KeyedBroadcastOperatorTestHarness<
                    String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
            harness;

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void expiredIdsAreDroppedAtTheAgentsDayClose(String backend) throws Exception {
        harness = TreasuryFunctionHarnessTest.harness();
        harness.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.open();
        harness.setStateTtlProcessingTime(0);
        TreasuryEvent old = TreasuryEvent.cost("c-old", "a", D0 + HOUR, 1.0, "llm_cost");
        TreasuryEvent other = TreasuryEvent.cost("c-other", "b", D0 + DAY + HOUR, 1.0, "llm_cost");
        harness.processElement(old, old.timestamp);
        harness.processElement(other, other.timestamp);
        // Both ids above are expired from here on; this one is not.
        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        TreasuryEvent fresh = TreasuryEvent.cost("c-fresh", "a", D0 + 2 * HOUR, 1.0, "llm_cost");
        harness.processElement(fresh, fresh.timestamp);

        // Agent a's first day closes; agent b's event applies, its day stays open.
        harness.watermark(D0 + DAY + 2 * HOUR);
        assertThat(harness.extractOutputValues())
                .filteredOn(s -> TreasurySnapshot.DAY_CLOSE.equals(s.snapshotType))
                .extracting(s -> s.agentId)
                .containsExactly("a");

        // Back at the start of the TTL, an id still stored reads as live again.
        harness.setStateTtlProcessingTime(0);
        assertThat(seen("a").contains(old.eventId))
                .as("expired, dropped at a's day close")
                .isFalse();
        assertThat(seen("a").contains(fresh.eventId)).as("within its TTL: kept").isTrue();
        assertThat(seen("b").contains(other.eventId))
                .as("b closed no day: kept, not cleaned while a was stepped")
                .isTrue();
    }

    private MapState<String, Long> seen(String agent) throws Exception {
        return KeyedStates.of(harness.getOperator(), agent, TreasuryJobState.seenEvents(TTL));
    }
}
