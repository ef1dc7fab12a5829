package com.athena.jobs.market;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production trade de-duplication in an operator test harness: a repeated trade id of the same
 * symbol is dead-lettered, not counted; other symbols and trades without an id pass; ids are
 * forgotten once the watermark passes the horizon, on coalesced timers, leaving no state or timer.
 */
class DeduplicateTradesHarnessTest {
    private static final Duration HORIZON = Duration.ofMinutes(1);

    private KeyedOneInputStreamOperatorTestHarness<String, Trade, Trade> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DeduplicateTrades(HORIZON)),
                        t -> t.symbol,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void send(Trade t) throws Exception {
        harness.processElement(new StreamRecord<>(t, t.ts));
    }

    private static Trade trade(String symbol, String id, long ts, double size) {
        return new Trade(symbol, ts, 100.0, size, id, "test");
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private MapState<String, Long> seen(String symbol) throws Exception {
        KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(symbol);
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, MarketState.SEEN_TRADES);
    }

    @Test
    void aRepeatedTradeIdIsDeadLetteredAndNotCounted() throws Exception {
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 2000, 2.0));
        send(trade("BTC", "1", 1000, 1.0)); // a replay after a reconnect
        send(trade("BTC", "1", 3000, 5.0)); // a conflicting repeat: the first one stands
        send(trade("ETH", "1", 1000, 1.0)); // the same id on another symbol is another trade
        send(trade("BTC", null, 4000, 1.0)); // no id: nothing to compare
        send(trade("BTC", null, 4000, 1.0));

        assertThat(harness.extractOutputValues())
                .extracting(t -> t.symbol + "/" + t.tradeId + "/" + t.size)
                .containsExactly(
                        "BTC/1/1.0", "BTC/2/2.0", "ETH/1/1.0", "BTC/null/1.0", "BTC/null/1.0");
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).hasSize(2);
        assertThat(dead)
                .allSatisfy(
                        d -> {
                            assertThat(d.source).isEqualTo(MarketNames.DLQ_DUPLICATE_TRADES);
                            assertThat(d.origin).isEqualTo("BTC:1");
                            assertThat(d.reason)
                                    .isEqualTo("duplicate trade_id 1: already counted, not again");
                        });
        assertThat(dead.get(1).payload)
                .isEqualTo(
                        "{\"symbol\":\"BTC\",\"ts\":3000,\"price\":100.0,\"size\":5.0,\"trade_id\":\"1\"}");
        // One cleanup timer per symbol and 10-s boundary, none per trade.
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void idsAreForgottenOnceTheWatermarkPassesTheHorizonAndLeaveNoState() throws Exception {
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 9000, 1.0));
        // 1,000 + 60,000 and 9,000 + 60,000 share the cleanup at 70,000.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(69_999);
        send(trade("BTC", "1", 1000, 1.0)); // within the horizon: a duplicate
        assertThat(deadLetters()).hasSize(1);

        harness.processWatermark(70_000);
        MapState<String, Long> seen = seen("BTC");
        assertThat(seen.isEmpty()).isTrue();
        assertThat(harness.numEventTimeTimers()).isZero();
        send(trade("BTC", "1", 1000, 1.0)); // past the horizon: a new trade again
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void aWatermarkThatJumpsCleansUpOnceAndLeavesNoState() throws Exception {
        // Three cleanup boundaries, all passed by one watermark (end of input, a stalled split).
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 21_000, 1.0));
        send(trade("BTC", "3", 41_000, 1.0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(seen("BTC").isEmpty()).isTrue();
        assertThat(harness.numEventTimeTimers()).isZero();
        KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey("BTC");
        assertThat(
                        backend.getPartitionedState(
                                        VoidNamespace.INSTANCE,
                                        VoidNamespaceSerializer.INSTANCE,
                                        MarketState.SEEN_TRADES_CLEANED)
                                .value())
                .as("no cleanup mark left")
                .isNull();
    }
}
