package com.athena.jobs.market;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.LiveKeys;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.market.Bar;
import com.athena.common.market.OpenBars;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.testing.ExpectedBars;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market job's one keyed step per trade ({@link TradeBarsFunction}) in an operator test
 * harness. The cases of the former window and de-duplication operators' harness tests, with the
 * same expected values: bar boundaries, first/last by event time with ties in arrival order, late
 * trades, quiet symbols, repeated ids, the horizon's clean-up; and what is new: every timeframe in
 * one step, a trade late for its 1m bar counting in the longer bars, one timer per symbol, ids
 * scoped by source, and no state or timer once nothing is open.
 */
class TradeBarsHarnessTest {
    private static final long T0 = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;
    private static final Duration HORIZON = Duration.ofMinutes(1);
    private static final List<Timeframe> ALL = List.of(Timeframe.values());

    private KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness;

    private void open(List<Timeframe> timeframes) throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new TradeBarsOperator(new TradeBarsFunction(timeframes, HORIZON)),
                        t -> t.symbol,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static Trade trade(String symbol, long ts, double price, double size) {
        return new Trade(symbol, ts, price, size, null, "test");
    }

    private static Trade trade(String symbol, String id, long ts, double size) {
        return new Trade(symbol, ts, 100.0, size, id, "test");
    }

    private void send(Trade t) throws Exception {
        harness.processElement(new StreamRecord<>(t, t.ts));
    }

    private List<Bar> bars() {
        return harness.extractOutputValues();
    }

    private List<Bar> bars(Timeframe tf) {
        return bars().stream()
                .filter(b -> b.timeframe.equals(tf.label()))
                .collect(Collectors.toList());
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS) == null
                ? List.of()
                : harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
    }

    private MapState<String, Long> ids(String symbol) throws Exception {
        return KeyedStates.of(harness.getOperator(), symbol, MarketState.TRADE_IDS);
    }

    /** The symbol's open bars in state, as the next checkpoint barrier writes them. */
    private OpenBars openBars(String symbol) throws Exception {
        harness.prepareSnapshotPreBarrier(0);
        ValueState<OpenBars> state =
                KeyedStates.of(harness.getOperator(), symbol, MarketState.OPEN_BARS);
        return state.value();
    }

    private void assertNothingLeft() {
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    // The former bar window's cases (1m only, trades without id).

    @Test
    void barsFollowMinuteBoundariesAndSkipEmptyIntervals() throws Exception {
        open(List.of(Timeframe.M1));
        send(trade("BTC", T0, 100, 1));
        send(trade("BTC", T0 + MINUTE - 1, 105, 2));
        send(trade("BTC", T0 + MINUTE, 103, 3));
        // Nothing in the third minute; a trade in the fourth.
        send(trade("BTC", T0 + 3 * MINUTE + 10, 99, 4));
        harness.processWatermark(new Watermark(T0 + 4 * MINUTE - 1));

        assertThat(bars())
                .containsExactly(
                        new Bar("BTC", "1m", T0, 100, 105, 100, 105, 3, 2),
                        new Bar("BTC", "1m", T0 + MINUTE, 103, 103, 103, 103, 3, 1),
                        new Bar("BTC", "1m", T0 + 3 * MINUTE, 99, 99, 99, 99, 4, 1));
        // Each bar carries its window's last millisecond as timestamp, as a window's result does.
        assertThat(harness.extractOutputStreamRecords())
                .extracting(r -> ((StreamRecord<?>) r).getTimestamp())
                .containsExactly(T0 + MINUTE - 1, T0 + 2 * MINUTE - 1, T0 + 4 * MINUTE - 1);
        assertNothingLeft();
    }

    @Test
    void openAndCloseFollowEventTimeAndTiesKeepArrivalOrder() throws Exception {
        open(List.of(Timeframe.M1));
        // Arrives first but happened last.
        send(trade("BTC", T0 + 30_000, 110, 1));
        send(trade("BTC", T0 + 10_000, 101, 1));
        send(trade("BTC", T0 + 10_000, 102, 1));
        send(trade("BTC", T0 + 50_000, 120, 1));
        send(trade("BTC", T0 + 50_000, 119, 1));
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));

        Bar bar = bars().get(0);
        assertThat(bar.open).isEqualTo(101); // the first of the two earliest, by arrival
        assertThat(bar.close).isEqualTo(119); // the last of the two latest, by arrival
        assertThat(bar.high).isEqualTo(120);
        assertThat(bar.low).isEqualTo(101);
        assertThat(bar.tradeCount).isEqualTo(5);
    }

    @Test
    void lateTradesBecomeDeadLettersAndLeaveTheBarAlone() throws Exception {
        open(List.of(Timeframe.M1));
        send(trade("BTC", T0 + 5_000, 100, 1));
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        // The minute has closed: this trade is late.
        send(trade("BTC", T0 + 20_000, 500, 1));
        harness.processWatermark(new Watermark(T0 + 2 * MINUTE - 1));

        assertThat(bars()).containsExactly(new Bar("BTC", "1m", T0, 100, 100, 100, 100, 1, 1));
        List<DeadLetter> late = deadLetters();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).source).isEqualTo(MarketNames.DLQ_LATE);
        assertThat(late.get(0).origin).isEqualTo("1m:BTC:" + (T0 + 20_000) + "@500.0x1.0");
        assertThat(late.get(0).reason).isEqualTo("late for its 1m bar (already closed)");
        assertThat(late.get(0).payload)
                .isEqualTo(DeduplicateTrades.json(trade("BTC", T0 + 20_000, 500, 1)));
        assertThat(harness.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS).peek().getTimestamp())
                .as("a dead letter keeps its trade's timestamp")
                .isEqualTo(T0 + 20_000);
        // A trade late for every timeframe opens nothing.
        assertNothingLeft();
    }

    @Test
    void aTradeAtTheWatermarkIsStillOnTimeUntilTheBarsLastMillisecond() throws Exception {
        open(List.of(Timeframe.M1));
        harness.processWatermark(new Watermark(T0 + MINUTE - 2));
        send(trade("BTC", T0 + 1_000, 100, 1)); // the window's last millisecond is still ahead
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        send(trade("BTC", T0 + 2_000, 101, 1)); // now it has passed: late
        assertThat(bars()).containsExactly(new Bar("BTC", "1m", T0, 100, 100, 100, 100, 1, 1));
        assertThat(deadLetters()).hasSize(1);
    }

    @Test
    void aQuietSymbolsBarClosesWhenTheWatermarkMovesOn() throws Exception {
        open(List.of(Timeframe.M1));
        send(trade("QUIET", T0 + 1_000, 10, 1));
        for (int m = 0; m < 5; m++) {
            send(trade("BUSY", T0 + m * MINUTE + 500, 20 + m, 1));
        }
        // The watermark is driven by the busy symbol alone.
        harness.processWatermark(new Watermark(T0 + 4 * MINUTE));

        assertThat(
                        bars().stream()
                                .filter(b -> b.symbol.equals("QUIET"))
                                .collect(Collectors.toList()))
                .containsExactly(new Bar("QUIET", "1m", T0, 10, 10, 10, 10, 1, 1));
    }

    @Test
    void closedBarsLeaveNoStateAndOneTimerPerSymbol() throws Exception {
        open(List.of(Timeframe.M1));
        for (int i = 0; i < 100; i++) {
            send(trade(i % 2 == 0 ? "A" : "B", T0 + i * 7_000L, 100 + i, 1));
        }
        assertThat(harness.numEventTimeTimers()).as("one timer per symbol").isEqualTo(2);
        harness.prepareSnapshotPreBarrier(0);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(bars()).hasSize(2 * 12);
        assertNothingLeft();
    }

    // The former de-duplication's cases (1m only; counted trades show in the bars).

    @Test
    void aRepeatedTradeIdIsDeadLetteredAndNotCounted() throws Exception {
        open(List.of(Timeframe.M1));
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 2000, 2.0));
        send(trade("BTC", "1", 1000, 1.0)); // a replay after a reconnect
        send(trade("BTC", "1", 3000, 5.0)); // a conflicting repeat: the first one stands
        send(trade("ETH", "1", 1000, 1.0)); // the same id on another symbol is another trade
        send(trade("BTC", null, 4000, 1.0)); // no id: nothing to compare
        send(trade("BTC", null, 4000, 1.0));

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
        // One timer per symbol, none per trade.
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.processWatermark(new Watermark(MINUTE - 1));
        assertThat(bars())
                .extracting(b -> b.symbol + "/" + b.volume + "/" + b.tradeCount)
                .containsExactlyInAnyOrder("BTC/5.0/4", "ETH/1.0/1");
    }

    @Test
    void theSameIdFromAnotherSourceIsAnotherTrade() throws Exception {
        open(List.of(Timeframe.M1));
        send(new Trade("BTC", 1000, 100, 1, "7", "bitstamp"));
        send(new Trade("BTC", 1000, 100, 2, "7", "kraken"));
        send(new Trade("BTC", 1000, 100, 4, "7", null));
        send(new Trade("BTC", 1000, 100, 8, "7", "kraken")); // the only repeat
        harness.processWatermark(new Watermark(MINUTE - 1));
        assertThat(deadLetters())
                .extracting(d -> d.payload)
                .hasSize(1)
                .first()
                .asString()
                .contains("\"size\":8.0");
        assertThat(bars()).extracting(b -> b.volume).containsExactly(7.0);
    }

    @Test
    void idsAreForgottenOnceTheWatermarkPassesTheHorizonAndLeaveNoState() throws Exception {
        open(List.of(Timeframe.M1));
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 9000, 1.0));
        // 1,000 + 60,000 and 9,000 + 60,000 share the clean-up at 70,000; the 1m bar closes first.
        assertThat(openBars("BTC").cleanups).containsExactly(70_000L);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(69_999);
        assertThat(bars()).hasSize(1);
        assertThat(harness.numEventTimeTimers()).as("now the clean-up's").isEqualTo(1);
        send(trade("BTC", "1", 1000, 1.0)); // within the horizon: a duplicate
        assertThat(deadLetters()).hasSize(1);
        assertThat(deadLetters().get(0).source).isEqualTo(MarketNames.DLQ_DUPLICATE_TRADES);

        harness.processWatermark(70_000);
        assertThat(ids("BTC").isEmpty()).isTrue();
        assertNothingLeft();
        send(trade("BTC", "1", 1000, 1.0)); // past the horizon: a new trade again (late for 1m)
        assertThat(deadLetters()).hasSize(2);
        assertThat(deadLetters().get(1).source).isEqualTo(MarketNames.DLQ_LATE);
    }

    @Test
    void aWatermarkThatJumpsCleansUpOnceAndLeavesNoState() throws Exception {
        open(List.of(Timeframe.M1));
        // Three clean-up points, all passed by one watermark (end of input, a stalled split).
        send(trade("BTC", "1", 1000, 1.0));
        send(trade("BTC", "2", 21_000, 1.0));
        send(trade("BTC", "3", 41_000, 1.0));
        assertThat(openBars("BTC").cleanups).containsExactly(70_000L, 90_000L, 110_000L);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(ids("BTC").isEmpty()).isTrue();
        assertThat(openBars("BTC")).isNull();
        assertNothingLeft();
    }

    // Every timeframe in one step.

    @Test
    void aTradeLateForItsMinuteStillCountsInTheLongerBars() throws Exception {
        open(ALL);
        send(trade("BTC", T0 + 5_000, 100, 1));
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        send(trade("BTC", T0 + 20_000, 90, 2)); // late for 1m only
        harness.processWatermark(new Watermark(T0 + Timeframe.D1.millis() - 1));

        assertThat(bars(Timeframe.M1))
                .containsExactly(new Bar("BTC", "1m", T0, 100, 100, 100, 100, 1, 1));
        for (Timeframe tf : List.of(Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.D1)) {
            assertThat(bars(tf))
                    .containsExactly(new Bar("BTC", tf.label(), T0, 100, 100, 90, 90, 3, 2));
        }
        assertThat(deadLetters())
                .extracting(d -> d.origin)
                .containsExactly("1m:BTC:" + (T0 + 20_000) + "@90.0x2.0");
        assertNothingLeft();
    }

    @Test
    void aTradeLateForSeveralTimeframesIsADeadLetterForEach() throws Exception {
        open(ALL);
        send(trade("BTC", "a", T0 + 5_000, 1.0));
        harness.processWatermark(new Watermark(T0 + 15 * MINUTE - 1));
        send(trade("BTC", "b", T0 + 20_000, 1.0));
        assertThat(deadLetters())
                .extracting(d -> d.origin)
                .containsExactly("1m:BTC:b", "5m:BTC:b", "15m:BTC:b");
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(bars(Timeframe.H1)).extracting(b -> b.tradeCount).containsExactly(2L);
        assertNothingLeft();
    }

    @Test
    void barsClosingAtOneWatermarkComeInTimeOrderWithTheirOwnTimestamps() throws Exception {
        open(ALL);
        // Two hours of trades, one every 40 s, then a watermark far ahead (end of input).
        List<Trade> trades = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            trades.add(new Trade("BTC", T0 + i * 40_000L, 100 + i % 13, 1 + i % 3, "" + i, "x"));
        }
        for (Trade t : trades) {
            send(t);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        for (Timeframe tf : ALL) {
            assertThat(bars(tf))
                    .as(tf.label())
                    .containsExactlyElementsOf(
                            ExpectedBars.of(trades, tf).stream().map(r -> r.bar).toList());
        }
        List<StreamRecord<Bar>> records = new ArrayList<>();
        harness.getOutput().stream()
                .filter(o -> o instanceof StreamRecord)
                .forEach(o -> records.add(castRecord(o)));
        long previous = Long.MIN_VALUE;
        for (StreamRecord<Bar> r : records) {
            Bar b = r.getValue();
            long close = b.openTime + Timeframe.parse(b.timeframe).millis() - 1;
            assertThat(r.getTimestamp()).isEqualTo(close);
            assertThat(close).as("emitted in close order").isGreaterThanOrEqualTo(previous);
            previous = close;
        }
        assertNothingLeft();
    }

    @Test
    void realTradesGiveTheDirectComputationsBarsForEveryTimeframe() throws Exception {
        open(ALL);
        List<Trade> trades = ExpectedBars.bitstamp("BTC-USD", 5_000);
        long maxTs = Long.MIN_VALUE;
        int i = 0;
        for (Trade t : trades) {
            send(t);
            maxTs = Math.max(maxTs, t.ts);
            if (++i % 50 == 0) {
                // As the job's watermarks: 5 s of disorder allowed.
                harness.processWatermark(new Watermark(maxTs - 5_001));
            }
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(deadLetters()).isEmpty();
        for (Timeframe tf : ALL) {
            List<Bar> expected = ExpectedBars.of(trades, tf).stream().map(r -> r.bar).toList();
            assertThat(bars(tf)).as(tf.label()).containsExactlyElementsOf(expected);
        }
        assertNothingLeft();
    }

    @Test
    void stateIsOneValuePerSymbolWithEveryOpenBar() throws Exception {
        open(ALL);
        send(trade("BTC", "1", T0 + 59_000, 1.0));
        send(trade("BTC", "2", T0 + 61_000, 1.0)); // the next minute, before the first closed
        OpenBars state = openBars("BTC");
        assertThat(Arrays.stream(state.bars).map(b -> b.timeframe.label() + "@" + (b.start - T0)))
                .containsExactly("1m@0", "1m@60000", "5m@0", "15m@0", "1h@0", "1d@0");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        assertThat(bars()).hasSize(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private static StreamRecord<Bar> castRecord(Object o) {
        return (StreamRecord<Bar>) o;
    }

    @Test
    void liveSymbolsFollowTheStateUpAndBackToZero() throws Exception {
        open(ALL);
        LiveKeys live =
                ((TradeBarsFunction)
                                ((org.apache.flink.streaming.api.operators
                                                                .AbstractUdfStreamOperator<
                                                        ?, ?>)
                                                harness.getOperator())
                                        .getUserFunction())
                        .liveKeys();
        for (int i = 0; i < 50; i++) {
            send(trade("FLOOD" + i, "f" + i, T0 + i * 1000, 1));
        }
        send(trade("BTC", "b0", T0, 1));
        assertThat(live.live()).isEqualTo(51);
        assertThat(harness.numEventTimeTimers()).as("one timer per symbol").isEqualTo(51);

        // Every bar (the 1d one last) closes and every id expires: nothing is left, no key live.
        harness.processWatermark(T0 + 2 * Timeframe.D1.millis());
        assertThat(live.live()).isZero();
        assertNothingLeft();
    }
}
