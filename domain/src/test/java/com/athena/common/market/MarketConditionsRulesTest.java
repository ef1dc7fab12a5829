package com.athena.common.market;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MarketConditionsRulesTest {

    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private final MarketConditionsRules rules = new MarketConditionsRules(0.02, 0.05);

    /** A closed bar with close 100 and only the given indicators set. */
    private static MarketBar bar(
            long openTime,
            double atr14,
            VolatilityRegime regime,
            TrendDirection trend,
            double ema9,
            double ema50) {
        IndicatorValues v = new IndicatorValues();
        v.atr14 = atr14;
        v.volatilityRegime = regime;
        v.trendDirection = trend;
        v.ema9 = ema9;
        v.ema50 = ema50;
        return new MarketBar(new Bar("BTC/USD", "1h", openTime, 99, 101, 98, 100, 1, 1), v);
    }

    private static MarketBar trendBar(long openTime, TrendDirection trend) {
        return bar(openTime, 1, null, trend, 101, 100);
    }

    private static MarketSnapshot snapshot(long timestamp, Integer fearGreed) {
        MarketSnapshot s = new MarketSnapshot();
        s.timestamp = timestamp;
        s.fearGreedIndex = fearGreed;
        s.btcPrice = 42_000.0;
        s.btc24hChange = -1.5;
        s.eth24hChange = 2.5;
        return s;
    }

    @ParameterizedTest
    @CsvSource({
        "0, extreme_fear",
        "20, extreme_fear",
        "21, bearish",
        "40, bearish",
        "41, neutral",
        "60, neutral",
        "61, bullish",
        "80, bullish",
        "81, extreme_greed",
        "100, extreme_greed",
    })
    void sentimentBands(int index, String label) {
        assertThat(MarketConditionsRules.sentimentLabel(index)).isEqualTo(label);
    }

    @ParameterizedTest
    @CsvSource({
        "25, bearish, 0.75",
        "50, neutral, 0.5",
        "0, extreme_fear, 1.0",
        "100, extreme_greed, 1.0",
        "20, extreme_fear, 0.8",
        "81, extreme_greed, 0.81",
        "41, neutral, 0.59",
    })
    void snapshotSetsSentimentWithConfidenceFromTheDistanceTo50(
            int index, String label, double confidence) {
        MarketConditions c =
                rules.onBar(trendBar(T0, null), Timeframe.H1, null, snapshot(T0, index));
        assertThat(c.fearGreedIndex).isEqualTo(index);
        assertThat(c.sentimentLevel).isEqualTo(label);
        assertThat(c.sentimentConfidence).isCloseTo(confidence, within(1e-12));
        assertThat(c.btc24hChange).isEqualTo(-1.5);
        assertThat(c.eth24hChange).isEqualTo(2.5);
    }

    /** On daily bars the daily NATR is atr14 / close, and close is 100. */
    @ParameterizedTest
    @CsvSource({
        // at a threshold: 0.5
        "LOW, 2.0, low, 0.5",
        "HIGH, 5.0, high, 0.5",
        "NORMAL, 2.0, normal, 0.5",
        "NORMAL, 5.0, normal, 0.5",
        // half-way
        "LOW, 1.0, low, 0.75",
        "HIGH, 7.5, high, 0.75",
        "NORMAL, 2.75, normal, 0.75",
        // far away: 1.0, and never more
        "LOW, 0.0, low, 1.0",
        "HIGH, 10.0, high, 1.0",
        "HIGH, 50.0, high, 1.0",
        "NORMAL, 3.5, normal, 1.0",
    })
    void volatilityConfidenceGrowsFromTheThreshold(
            VolatilityRegime regime, double atr, String label, double confidence) {
        MarketConditions c =
                rules.onBar(bar(T0, atr, regime, null, 0, 0), Timeframe.D1, null, null);
        assertThat(c.volatilityLevel).isEqualTo(label);
        assertThat(c.dailyNatr).isCloseTo(atr / 100, within(1e-15));
        assertThat(c.volatilityConfidence).isCloseTo(confidence, within(1e-12));
    }

    @Test
    void volatilityOfHourlyBarsIsScaledToADay() {
        // 1 % an hour is 1 % * sqrt(24) = 4.9 % a day: normal, 0.1 % from the high threshold.
        MarketConditions c =
                rules.onBar(
                        bar(T0, 1.0, VolatilityRegime.NORMAL, null, 0, 0),
                        Timeframe.H1,
                        null,
                        null);
        assertThat(c.dailyNatr).isCloseTo(0.01 * Math.sqrt(24), within(1e-15));
        double expected = 0.5 + 0.5 * (0.05 - 0.01 * Math.sqrt(24)) / 0.015;
        assertThat(c.volatilityConfidence).isCloseTo(expected, within(1e-12));
    }

    @ParameterizedTest
    @CsvSource({
        // |ema9 - ema50| / atr14 is the strength; sideways takes its complement
        "UP, upward, 102, 100, 10, 0.6",
        "DOWN, downward, 98, 100, 10, 0.6",
        "SIDEWAYS, sideways, 102, 100, 10, 0.9",
        "UP, upward, 130, 100, 10, 1.0",
        "SIDEWAYS, sideways, 130, 100, 10, 0.5",
        "UP, upward, 102, 100, 0, 0.5",
        "SIDEWAYS, sideways, 102, 100, 0, 1.0",
    })
    void trendLabelAndConfidence(
            TrendDirection trend,
            String label,
            double ema9,
            double ema50,
            double atr,
            double confidence) {
        MarketConditions c =
                rules.onBar(bar(T0, atr, null, trend, ema9, ema50), Timeframe.H1, null, null);
        assertThat(c.trendDirection).isEqualTo(label);
        assertThat(c.trendConfidence).isCloseTo(confidence, within(1e-12));
    }

    @Test
    void trendDurationAccumulatesWhileTheDirectionHoldsAndResetsOnAChange() {
        TrendDirection[] directions = {
            TrendDirection.UP,
            TrendDirection.UP,
            TrendDirection.UP,
            TrendDirection.DOWN,
            TrendDirection.DOWN,
            TrendDirection.UP
        };
        long[] expectedSince = {T0, T0, T0, T0 + 3 * HOUR, T0 + 3 * HOUR, T0 + 5 * HOUR};
        double[] expectedHours = {1, 2, 3, 1, 2, 1};
        MarketConditions previous = null;
        for (int i = 0; i < directions.length; i++) {
            MarketConditions c =
                    rules.onBar(
                            trendBar(T0 + i * HOUR, directions[i]), Timeframe.H1, previous, null);
            assertThat(c.trendSince).as("bar %d", i).isEqualTo(expectedSince[i]);
            assertThat(c.trendDurationHours).as("bar %d", i).isEqualTo(expectedHours[i]);
            assertThat(c.timestamp).as("bar %d", i).isEqualTo(T0 + (i + 1) * HOUR);
            previous = c;
        }
    }

    @Test
    void barWithoutWarmedUpIndicatorsLeavesVolatilityAndTrendUnknown() {
        MarketConditions c = rules.onBar(trendBar(T0, null), Timeframe.H1, null, null);
        assertThat(c.symbol).isEqualTo("BTC/USD");
        assertThat(c.timeframe).isEqualTo("1h");
        assertThat(c.timestamp).isEqualTo(T0 + HOUR);
        assertThat(c.volatilityLevel).isNull();
        assertThat(c.dailyNatr).isNull();
        assertThat(c.trendDirection).isNull();
        assertThat(c.sentimentLevel).isNull();
    }

    @Test
    void barKeepsANewerTimestampOfThePreviousView() {
        MarketConditions previous = new MarketConditions();
        previous.timestamp = T0 + 5 * HOUR;
        MarketConditions c = rules.onBar(trendBar(T0, null), Timeframe.H1, previous, null);
        assertThat(c.timestamp).isEqualTo(T0 + 5 * HOUR);
    }

    @Test
    void onSnapshotKeepsTheNewerTimestampAndTheRestOfTheView() {
        MarketConditions current =
                rules.onBar(
                        bar(T0, 3.5, VolatilityRegime.NORMAL, TrendDirection.UP, 101, 100),
                        Timeframe.D1,
                        null,
                        snapshot(T0, 10));
        long dayClose = T0 + 24 * HOUR;

        MarketConditions newer = rules.onSnapshot(current, snapshot(dayClose + 1, 90));
        MarketConditions older = rules.onSnapshot(current, snapshot(T0, 70));

        assertThat(newer.timestamp).isEqualTo(dayClose + 1);
        assertThat(older.timestamp).isEqualTo(dayClose);
        assertThat(newer.sentimentLevel).isEqualTo("extreme_greed");
        assertThat(newer.fearGreedIndex).isEqualTo(90);
        assertThat(newer.sentimentConfidence).isCloseTo(0.9, within(1e-12));
        // Everything the bar gave is carried over unchanged.
        assertThat(newer.volatilityLevel).isEqualTo("normal");
        assertThat(newer.volatilityConfidence).isEqualTo(current.volatilityConfidence);
        assertThat(newer.dailyNatr).isEqualTo(current.dailyNatr);
        assertThat(newer.trendDirection).isEqualTo("upward");
        assertThat(newer.trendSince).isEqualTo(T0);
        assertThat(newer.trendDurationHours).isEqualTo(24.0);
        assertThat(newer.symbol).isEqualTo("BTC/USD");
        assertThat(newer.timeframe).isEqualTo("1d");
        // The input view is not modified.
        assertThat(current.fearGreedIndex).isEqualTo(10);
        assertThat(current.timestamp).isEqualTo(dayClose);
    }

    @Test
    void snapshotWithoutFearGreedKeepsTheSentiment() {
        MarketConditions current =
                rules.onBar(trendBar(T0, null), Timeframe.H1, null, snapshot(T0, 30));
        MarketConditions next = rules.onSnapshot(current, snapshot(T0 + 2 * HOUR, null));
        assertThat(next.sentimentLevel).isEqualTo("bearish");
        assertThat(next.fearGreedIndex).isEqualTo(30);
        assertThat(next.sentimentConfidence).isCloseTo(0.7, within(1e-12));
        assertThat(next.timestamp).isEqualTo(T0 + 2 * HOUR);
    }

    @Test
    void firstBarAfterANewerSnapshotTakesTheSnapshotTime() {
        long snapshotTime = T0 + HOUR + 5 * 60_000L;
        MarketConditions c =
                rules.onBar(trendBar(T0, null), Timeframe.H1, null, snapshot(snapshotTime, 30));
        assertThat(c.sentimentLevel).isEqualTo("bearish");
        assertThat(c.timestamp).isEqualTo(snapshotTime);
    }
}
