package com.athena.jobs.market;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.market.Bar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.testing.ExpectedBars;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open bars the trade step holds between checkpoints ({@link TradeBarsOperator}), on the heap
 * and on RocksDB: a restore from any checkpoint continues with exactly the bars and de-duplication
 * of an uninterrupted run, and the held symbols stay bounded without a checkpoint.
 */
class TradeBarsCheckpointTest {
    private static final List<Timeframe> ALL = List.of(Timeframe.values());
    private static final Duration HORIZON = Duration.ofMinutes(1);

    private static KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness(
            List<Timeframe> timeframes, String backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new TradeBarsOperator(new TradeBarsFunction(timeframes, HORIZON)),
                        t -> t.symbol,
                        Types.STRING);
        harness.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        return harness;
    }

    private static List<DeadLetter> deadLetters(
            KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness) {
        return harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS) == null
                ? List.of()
                : harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
    }

    /** The keys with a value in the named state (RocksDB has no entry count in the harness). */
    private static long keys(
            KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness, String state) {
        try (Stream<Object> keys =
                harness.getOperator()
                        .getKeyedStateBackend()
                        .getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /**
     * Real trades of two symbols, restored from a checkpoint three times while bars of every
     * timeframe are open. After each restore, the last trade before the checkpoint arrives again
     * and is a duplicate.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aRestoreFromEveryCheckpointGivesTheUninterruptedBars(String backend) throws Exception {
        List<Trade> btc = ExpectedBars.bitstamp("BTC-USD", 4_000);
        List<Trade> trades = new ArrayList<>();
        for (Trade t : btc) {
            trades.add(t);
            trades.add(new Trade("XBT", t.ts, t.price * 2, t.size, "x" + t.tradeId, t.source));
        }
        List<Bar> bars = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness = harness(ALL, backend);
        harness.open();
        long maxTs = Long.MIN_VALUE;
        long checkpoint = 0;
        for (int i = 0; i < trades.size(); i++) {
            Trade t = trades.get(i);
            harness.processElement(new StreamRecord<>(t, t.ts));
            maxTs = Math.max(maxTs, t.ts);
            if ((i + 1) % 50 == 0) {
                // As the job's watermarks: 5 s of disorder allowed.
                harness.processWatermark(new Watermark(maxTs - 5_001));
            }
            if ((i + 1) % 2_000 == 0 && i + 1 < trades.size()) {
                checkpoint++;
                harness.prepareSnapshotPreBarrier(checkpoint);
                OperatorSubtaskState snapshot = harness.snapshot(checkpoint, checkpoint);
                bars.addAll(harness.extractOutputValues());
                deadLetters.addAll(deadLetters(harness));
                harness.close();
                harness = harness(ALL, backend);
                harness.initializeState(snapshot);
                harness.open();
                harness.processElement(new StreamRecord<>(t, t.ts));
            }
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        bars.addAll(harness.extractOutputValues());
        deadLetters.addAll(deadLetters(harness));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(keys(harness, MarketState.OPEN_BARS.getName())).isZero();
        assertThat(keys(harness, MarketState.TRADE_IDS.getName())).isZero();
        harness.close();

        assertThat(checkpoint).isEqualTo(3);
        assertThat(deadLetters)
                .extracting(d -> d.source)
                .containsExactly(
                        MarketNames.DLQ_DUPLICATE_TRADES,
                        MarketNames.DLQ_DUPLICATE_TRADES,
                        MarketNames.DLQ_DUPLICATE_TRADES);
        for (Timeframe tf : ALL) {
            List<Bar> expected = new ArrayList<>();
            for (String symbol : List.of("BTC-USD", "XBT")) {
                List<Trade> ofSymbol =
                        trades.stream().filter(t -> t.symbol.equals(symbol)).toList();
                ExpectedBars.of(ofSymbol, tf).forEach(r -> expected.add(r.bar));
            }
            assertThat(bars.stream().filter(b -> b.timeframe.equals(tf.label())))
                    .as(tf.label())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * One trade each for one symbol more than the most held: the held bars reach state when the
     * maximum is reached, the last symbol's at the next barrier, and every bar closes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theHeldSymbolsStayBoundedBetweenCheckpoints(String backend) throws Exception {
        int symbols = TradeBarsFunction.MAX_HELD_SYMBOLS + 1;
        try (KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness =
                harness(List.of(Timeframe.M1), backend)) {
            harness.open();
            for (int i = 0; i < symbols; i++) {
                harness.processElement(
                        new StreamRecord<>(new Trade("S" + i, 1_000, i, 1, null, "test"), 1_000));
            }
            assertThat(keys(harness, MarketState.OPEN_BARS.getName()))
                    .as("written when the maximum was reached")
                    .isEqualTo(TradeBarsFunction.MAX_HELD_SYMBOLS);
            harness.prepareSnapshotPreBarrier(1);
            assertThat(keys(harness, MarketState.OPEN_BARS.getName())).isEqualTo(symbols);

            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<Bar> bars = harness.extractOutputValues();
            assertThat(bars).hasSize(symbols);
            assertThat(bars).allSatisfy(b -> assertThat(b.symbol).isEqualTo("S" + (int) b.open));
            assertThat(harness.numEventTimeTimers()).isZero();
            assertThat(keys(harness, MarketState.OPEN_BARS.getName())).isZero();
        }
    }
}
