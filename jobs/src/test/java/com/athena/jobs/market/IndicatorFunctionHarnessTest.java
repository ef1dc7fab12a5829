package com.athena.jobs.market;

import com.athena.common.flink.LiveKeys;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IndicatorFunction} in a harness: indicators advance once per bar per (symbol, timeframe),
 * a stale bar is refused, and a snapshot/restore continues with identical values.
 */
class IndicatorFunctionHarnessTest {
    private static final Duration RETENTION = Duration.ofDays(7);

    private static KeyedOneInputStreamOperatorTestHarness<String, Bar, MarketBar> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new IndicatorFunction(RegimeThresholds.DEFAULT, RETENTION)),
                IndicatorFunction::key,
                Types.STRING);
    }

    static Bar bar(String symbol, Timeframe tf, int i) {
        double close = 100 + 10 * Math.sin(i / 7.0) + i * 0.05;
        return new Bar(
                symbol,
                tf.label(),
                i * tf.millis(),
                close - 0.5,
                close + 1,
                close - 1.5,
                close,
                10 + i,
                3);
    }

    /** The values a plain IndicatorState gives for the same bars. */
    private static List<IndicatorValues> expected(String symbol, Timeframe tf, int n) {
        IndicatorState state = new IndicatorState(tf, RegimeThresholds.DEFAULT);
        List<IndicatorValues> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            IndicatorValues v = new IndicatorValues();
            state.update(bar(symbol, tf, i), v);
            values.add(v);
        }
        return values;
    }

    @Test
    void eachKeyAdvancesOncePerBarAndStaleBarsAreRefused() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 60; i++) {
                h.processElement(new StreamRecord<>(bar("BTC", Timeframe.M1, i)));
                h.processElement(new StreamRecord<>(bar("BTC", Timeframe.M5, i)));
                h.processElement(new StreamRecord<>(bar("ETH", Timeframe.M1, i)));
                if (i == 40) {
                    // A repeat of bar 40 and an older bar: neither may advance the indicators.
                    h.processElement(new StreamRecord<>(bar("BTC", Timeframe.M1, 40)));
                    h.processElement(new StreamRecord<>(bar("BTC", Timeframe.M1, 12)));
                }
            }
            List<MarketBar> out = h.extractOutputValues();
            assertThat(out).hasSize(180);
            List<IndicatorValues> btc1m =
                    out.stream()
                            .filter(m -> m.bar.symbol.equals("BTC") && m.bar.timeframe.equals("1m"))
                            .map(m -> m.indicators)
                            .toList();
            assertThat(btc1m).isEqualTo(expected("BTC", Timeframe.M1, 60));
            List<IndicatorValues> btc5m =
                    out.stream()
                            .filter(m -> m.bar.timeframe.equals("5m"))
                            .map(m -> m.indicators)
                            .toList();
            assertThat(btc5m).isEqualTo(expected("BTC", Timeframe.M5, 60));
            assertThat(btc1m.get(59).ema50).isNotNaN();
            assertThat(btc1m.get(59).trendDirection).isNotNull();
            // Three series: indicators and activity each, one idle clean-up timer per series.
            assertThat(h.numKeyedStateEntries()).isEqualTo(6);
            assertThat(h.numEventTimeTimers()).isEqualTo(3);
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void restoredStateContinuesWithIdenticalValues() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 30; i++) {
                h.processElement(new StreamRecord<>(bar("BTC", Timeframe.H1, i)));
            }
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 30; i < 80; i++) {
                restored.processElement(new StreamRecord<>(bar("BTC", Timeframe.H1, i)));
            }
            List<IndicatorValues> after =
                    restored.extractOutputValues().stream().map(m -> m.indicators).toList();
            assertThat(after).isEqualTo(expected("BTC", Timeframe.H1, 80).subList(30, 80));
        }
    }

    @Test
    void idleSeriesAreClearedWithTheirTimerAndActiveOnesKeepOneTimer() throws Exception {
        try (var h = harness()) {
            h.open();
            LiveKeys live =
                    ((IndicatorFunction)
                                    ((org.apache.flink.streaming.api.operators
                                                                    .AbstractUdfStreamOperator<
                                                            ?, ?>)
                                                    h.getOperator())
                                            .getUserFunction())
                            .liveKeys();
            long day = Timeframe.D1.millis();
            // A flood of series with one bar each, and a daily series that keeps trading.
            for (int i = 0; i < 100; i++) {
                h.processElement(new StreamRecord<>(bar("FLOOD" + i, Timeframe.M1, i)));
            }
            h.processElement(new StreamRecord<>(bar("BTC", Timeframe.D1, 0)));
            assertThat(live.live()).isEqualTo(101);
            assertThat(h.numEventTimeTimers()).isEqualTo(101);

            // 20 days, with a 5-day gap (shorter than the retention) after day 9.
            for (int i = 1; i < 20; i++) {
                if (i > 9 && i < 15) {
                    continue;
                }
                h.processWatermark(i * day);
                h.processElement(new StreamRecord<>(bar("BTC", Timeframe.D1, i)));
                // Activity never adds a timer: the one timer is re-armed when it fires.
                if (i != 7) {
                    // Day 7 clears the flood's series one minute after another.
                    assertThat(h.numEventTimeTimers()).isEqualTo(i < 7 ? 101 : 1);
                }
            }
            assertThat(live.live()).isEqualTo(1);
            assertThat(live.idleClearedCount()).isEqualTo(100);
            assertThat(h.numKeyedStateEntries()).as("BTC's indicators and activity").isEqualTo(2);

            // The daily series continued across the gap exactly as an uninterrupted state would.
            IndicatorState plain = new IndicatorState(Timeframe.D1, RegimeThresholds.DEFAULT);
            IndicatorValues last = new IndicatorValues();
            for (int i = 0; i < 20; i++) {
                if (i <= 9 || i >= 15) {
                    plain.update(bar("BTC", Timeframe.D1, i), last);
                }
            }
            List<MarketBar> out = h.extractOutputValues();
            assertThat(out.get(out.size() - 1).indicators).isEqualTo(last);

            // Seven days after its last bar (day 19) the daily series goes too: nothing is left.
            h.processWatermark(19 * day + RETENTION.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processWatermark(19 * day + RETENTION.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(live.live()).isZero();
            assertThat(live.idleClearedCount()).isEqualTo(101);
        }
    }

    @Test
    void restoredSeriesAreCountedWhenTouchedAndClearedWithoutGoingNegative() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(bar("A", Timeframe.H1, 0)));
            h.processElement(new StreamRecord<>(bar("B", Timeframe.H1, 0)));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            LiveKeys live =
                    ((IndicatorFunction)
                                    ((org.apache.flink.streaming.api.operators
                                                                    .AbstractUdfStreamOperator<
                                                            ?, ?>)
                                                    restored.getOperator())
                                            .getUserFunction())
                            .liveKeys();
            assertThat(live.live()).as("not yet touched").isZero();
            restored.processElement(new StreamRecord<>(bar("A", Timeframe.H1, 1)));
            assertThat(live.live()).isEqualTo(1);
            // B's timer clears it (never counted here); A's timer re-arms it and it stays counted.
            restored.processWatermark(RETENTION.toMillis());
            assertThat(live.live()).isEqualTo(1);
            assertThat(restored.numEventTimeTimers()).isEqualTo(1);
            restored.processWatermark(Timeframe.H1.millis() + RETENTION.toMillis());
            assertThat(live.live()).isZero();
            assertThat(restored.numKeyedStateEntries()).isZero();
            assertThat(restored.numEventTimeTimers()).isZero();
        }
    }
}
