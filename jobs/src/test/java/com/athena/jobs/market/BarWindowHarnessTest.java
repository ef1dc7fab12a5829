package com.athena.jobs.market;

import com.athena.common.market.Bar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production bar window of {@link MarketJob#bars} in an operator test harness: boundaries,
 * first/last by event time with ties in arrival order, out-of-order and late trades, quiet symbols,
 * and that no state or timer outlives a closed window.
 */
class BarWindowHarnessTest {
    private static final long T0 = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = harness(Timeframe.M1);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @SuppressWarnings("unchecked")
    static KeyedOneInputStreamOperatorTestHarness<String, Trade, Bar> harness(Timeframe tf)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<Bar> bars =
                MarketJob.bars(
                        env.fromData(TypeInformation.of(Trade.class), trade("X", 0, 1, 1))
                                .keyBy(t -> t.symbol),
                        tf);
        OneInputTransformation<Trade, Bar> transform =
                (OneInputTransformation<Trade, Bar>) bars.getTransformation();
        return new KeyedOneInputStreamOperatorTestHarness<>(
                transform.getOperatorFactory(),
                (org.apache.flink.api.java.functions.KeySelector<Trade, String>)
                        transform.getStateKeySelector(),
                (TypeInformation<String>) transform.getStateKeyType());
    }

    static Trade trade(String symbol, long ts, double price, double size) {
        return new Trade(symbol, ts, price, size, null, "test");
    }

    private void send(Trade t) throws Exception {
        harness.processElement(new StreamRecord<>(t, t.ts));
    }

    private List<Bar> bars() {
        return harness.extractOutputValues();
    }

    @Test
    void barsFollowMinuteBoundariesAndSkipEmptyIntervals() throws Exception {
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
    }

    @Test
    void openAndCloseFollowEventTimeAndTiesKeepArrivalOrder() throws Exception {
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
    void lateTradesGoToTheSideOutputAndLeaveTheBarAlone() throws Exception {
        send(trade("BTC", T0 + 5_000, 100, 1));
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        // The minute has closed: this trade is late.
        send(trade("BTC", T0 + 20_000, 500, 1));
        harness.processWatermark(new Watermark(T0 + 2 * MINUTE - 1));

        assertThat(bars()).containsExactly(new Bar("BTC", "1m", T0, 100, 100, 100, 100, 1, 1));
        ConcurrentLinkedQueue<StreamRecord<Trade>> late =
                harness.getSideOutput(MarketState.LATE_TRADES);
        assertThat(late)
                .extracting(StreamRecord::getValue)
                .containsExactly(trade("BTC", T0 + 20_000, 500, 1));
    }

    @Test
    void aQuietSymbolsBarClosesWhenTheWatermarkMovesOn() throws Exception {
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
    void closedWindowsLeaveNoStateAndNoTimers() throws Exception {
        for (int i = 0; i < 100; i++) {
            send(trade(i % 2 == 0 ? "A" : "B", T0 + i * 7_000L, 100 + i, 1));
        }
        assertThat(harness.numEventTimeTimers()).isPositive();
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(new Watermark(Long.MAX_VALUE));

        assertThat(bars()).hasSize(2 * 12);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
