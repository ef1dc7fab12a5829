package com.athena.jobs.market;

import com.athena.common.flink.LiveKeys;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.Timeframe;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConditionsFunction} in a harness: bars shape volatility and trend per symbol, the newest
 * snapshot (broadcast) shapes every symbol's sentiment, and an older snapshot changes nothing.
 */
class ConditionsFunctionHarnessTest {
    private static final long H = 3_600_000L;

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, MarketBar, MarketSnapshot, MarketConditions>
            harness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new ConditionsFunction(
                                new MarketSettings(
                                                new org.apache.flink.configuration.Configuration())
                                        .conditionsRules(),
                                Timeframe.H1,
                                java.time.Duration.ofDays(7)),
                        List.of(MarketState.SNAPSHOTS)),
                (MarketBar m) -> m.bar.symbol,
                (MarketSnapshot s) -> "",
                Types.STRING);
    }

    private static MarketBar bar(
            String symbol, long open, TrendDirection trend, VolatilityRegime vol) {
        IndicatorValues v = new IndicatorValues();
        v.ema9 = 101;
        v.ema50 = 100;
        v.atr14 = 2;
        v.trendDirection = trend;
        v.volatilityRegime = vol;
        return new MarketBar(new Bar(symbol, "1h", open, 100, 102, 99, 101, 5, 10), v);
    }

    private static MarketSnapshot snapshot(long ts, int fearGreed) {
        MarketSnapshot s = new MarketSnapshot();
        s.timestamp = ts;
        s.fearGreedIndex = fearGreed;
        s.btc24hChange = -3.0;
        return s;
    }

    @Test
    void barsAndSnapshotsShapeEachSymbolsView() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(
                    new StreamRecord<>(bar("BTC", 0, TrendDirection.UP, VolatilityRegime.HIGH)));
            h.processElement1(
                    new StreamRecord<>(bar("BTC", H, TrendDirection.UP, VolatilityRegime.HIGH)));
            h.processElement1(
                    new StreamRecord<>(bar("ETH", H, TrendDirection.DOWN, VolatilityRegime.LOW)));
            h.processElement2(new StreamRecord<>(snapshot(90 * 60_000L, 25)));
            // Older than the one above: ignored, no output.
            h.processElement2(new StreamRecord<>(snapshot(30 * 60_000L, 80)));

            List<MarketConditions> out = h.extractOutputValues();
            assertThat(out).hasSize(5);
            MarketConditions btc = out.get(1);
            assertThat(btc.trendDirection).isEqualTo("upward");
            assertThat(btc.trendDurationHours).isEqualTo(2.0);
            assertThat(btc.trendConfidence).isEqualTo(0.5 + 0.5 * 0.5);
            assertThat(btc.volatilityLevel).isEqualTo("high");
            assertThat(btc.timestamp).isEqualTo(2 * H);
            assertThat(btc.sentimentLevel).isNull();

            // The snapshot reached both symbols, sentiment 25 -> bearish with confidence 0.75.
            List<MarketConditions> afterSnapshot = out.subList(3, 5);
            assertThat(afterSnapshot)
                    .extracting(c -> c.symbol)
                    .containsExactlyInAnyOrder("BTC", "ETH");
            assertThat(afterSnapshot)
                    .allSatisfy(
                            c -> {
                                assertThat(c.sentimentLevel).isEqualTo("bearish");
                                assertThat(c.sentimentConfidence).isEqualTo(0.75);
                                assertThat(c.fearGreedIndex).isEqualTo(25);
                                assertThat(c.timestamp).isEqualTo(2 * H);
                            });

            // A new bar carries the newest snapshot along.
            h.processElement1(
                    new StreamRecord<>(
                            bar("ETH", 2 * H, TrendDirection.UP, VolatilityRegime.NORMAL)));
            MarketConditions eth = h.extractOutputValues().get(5);
            assertThat(eth.fearGreedIndex).isEqualTo(25);
            assertThat(eth.trendDirection).isEqualTo("upward");
            assertThat(eth.trendDurationHours).isEqualTo(1.0);
            // One idle clean-up per symbol.
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
        }
    }

    @Test
    void aSymbolWithoutBarsForTheRetentionIsForgotten() throws Exception {
        try (var h = harness()) {
            h.open();
            LiveKeys live =
                    ((ConditionsFunction)
                                    ((org.apache.flink.streaming.api.operators
                                                                    .AbstractUdfStreamOperator<
                                                            ?, ?>)
                                                    h.getOperator())
                                            .getUserFunction())
                            .liveKeys();
            h.processElement1(
                    new StreamRecord<>(bar("BTC", 0, TrendDirection.UP, VolatilityRegime.HIGH)));
            h.processElement1(
                    new StreamRecord<>(bar("JUNK", 0, TrendDirection.UP, VolatilityRegime.HIGH)));
            h.processElement1(
                    new StreamRecord<>(
                            bar("BTC", 6 * 24 * H, TrendDirection.UP, VolatilityRegime.HIGH)));
            assertThat(live.live()).isEqualTo(2);

            // JUNK's last bar was 7 days ago: cleared; BTC's timer re-arms at its last bar + 7 d.
            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(7 * 24 * H));
            assertThat(live.live()).isEqualTo(1);
            assertThat(live.idleClearedCount()).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            // A snapshot is no activity of a symbol.
            h.processElement2(new StreamRecord<>(snapshot(8 * 24 * H, 40)));
            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(13 * 24 * H));
            assertThat(live.live()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // Only the broadcast snapshot is left, no keyed state.
            int[] keys = {0};
            h.getOperator()
                    .getKeyedStateBackend()
                    .applyToAllKeys(
                            org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                            org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                            MarketState.CONDITIONS,
                            (k, st) -> keys[0]++);
            assertThat(keys[0]).isZero();

            // A bar after that starts a new view: a trend of one bar.
            h.processElement1(
                    new StreamRecord<>(
                            bar("BTC", 14 * 24 * H, TrendDirection.UP, VolatilityRegime.HIGH)));
            List<MarketConditions> out = h.extractOutputValues();
            assertThat(out.get(out.size() - 1).trendDurationHours).isEqualTo(1.0);
        }
    }
}
