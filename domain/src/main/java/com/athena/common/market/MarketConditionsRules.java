package com.athena.common.market;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;

import java.io.Serializable;

/**
 * Derives the agent's market view (volatility, sentiment, trend, each with a confidence in [0.5,
 * 1]) from the latest closed bar of one symbol and the latest market snapshot.
 *
 * <ul>
 *   <li>Volatility: the bar's volatility regime; confidence grows from 0.5 at a threshold to 1 at
 *       twice the distance of the threshold (for {@code normal}: at the middle of the band).
 *   <li>Sentiment from fear &amp; greed: 0-20 {@code extreme_fear}, 21-40 {@code bearish}, 41-60
 *       {@code neutral}, 61-80 {@code bullish}, 81-100 {@code extreme_greed}; confidence {@code 0.5
 *       + |index - 50| / 100} (index 25 gives 0.75, as in the seed document).
 *   <li>Trend: {@code up}/{@code down}/{@code sideways} become {@code upward}/{@code
 *       downward}/{@code sideways}; confidence {@code 0.5 + 0.5 * min(1, |ema9 - ema50| / atr14)}
 *       for a directed trend and its complement for sideways; the duration counts from the close of
 *       the first bar of the current direction.
 * </ul>
 */
public final class MarketConditionsRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double lowDailyNatr;
    private final double highDailyNatr;

    public MarketConditionsRules(double lowDailyNatr, double highDailyNatr) {
        this.lowDailyNatr = lowDailyNatr;
        this.highDailyNatr = highDailyNatr;
    }

    /**
     * The view after a closed bar. {@code previous} (may be null) carries the trend start and the
     * sentiment; {@code snapshot} (may be null) the market-wide fields.
     */
    public MarketConditions onBar(
            MarketBar bar,
            Timeframe timeframe,
            MarketConditions previous,
            MarketSnapshot snapshot) {
        MarketConditions c = new MarketConditions();
        c.symbol = bar.bar.symbol;
        c.timeframe = timeframe.label();
        c.barOpenTime = bar.bar.openTime;
        long barClose = bar.bar.openTime + timeframe.millis();
        c.timestamp = Math.max(barClose, previous == null ? Long.MIN_VALUE : previous.timestamp);

        IndicatorValues v = bar.indicators;
        if (v.volatilityRegime != null) {
            double natr = VolatilityRegime.dailyNatr(v.atr14, bar.bar.close, timeframe.minutes());
            c.volatilityLevel = v.volatilityRegime.label();
            c.dailyNatr = natr;
            c.volatilityConfidence = volatilityConfidence(v.volatilityRegime, natr);
        }
        if (v.trendDirection != null) {
            c.trendDirection = trendLabel(v.trendDirection);
            double strength =
                    v.atr14 > 0 ? Math.min(1.0, Math.abs(v.ema9 - v.ema50) / v.atr14) : 0.0;
            c.trendConfidence =
                    v.trendDirection == TrendDirection.SIDEWAYS
                            ? 0.5 + 0.5 * (1.0 - strength)
                            : 0.5 + 0.5 * strength;
            boolean continues =
                    previous != null && c.trendDirection.equals(previous.trendDirection);
            c.trendSince = continues ? previous.trendSince : bar.bar.openTime;
            c.trendDurationHours = (barClose - c.trendSince) / 3_600_000.0;
        }
        applySnapshot(c, snapshot);
        if (snapshot != null) {
            c.timestamp = Math.max(c.timestamp, snapshot.timestamp);
        }
        return c;
    }

    /** The same view with a newer snapshot's market-wide fields. */
    public MarketConditions onSnapshot(MarketConditions current, MarketSnapshot snapshot) {
        MarketConditions c = copy(current);
        c.timestamp = Math.max(current.timestamp, snapshot.timestamp);
        applySnapshot(c, snapshot);
        return c;
    }

    private static void applySnapshot(MarketConditions c, MarketSnapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        c.btc24hChange = snapshot.btc24hChange;
        c.eth24hChange = snapshot.eth24hChange;
        if (snapshot.fearGreedIndex != null) {
            int index = snapshot.fearGreedIndex;
            c.fearGreedIndex = index;
            c.sentimentLevel = sentimentLabel(index);
            c.sentimentConfidence = 0.5 + Math.abs(index - 50) / 100.0;
        }
    }

    /** The fear &amp; greed band's name. */
    public static String sentimentLabel(int fearGreedIndex) {
        return Sentiment.of(fearGreedIndex).label();
    }

    static String trendLabel(TrendDirection direction) {
        switch (direction) {
            case UP:
                return "upward";
            case DOWN:
                return "downward";
            default:
                return "sideways";
        }
    }

    double volatilityConfidence(VolatilityRegime regime, double natr) {
        double distance;
        switch (regime) {
            case LOW:
                distance = (lowDailyNatr - natr) / lowDailyNatr;
                break;
            case HIGH:
                distance = (natr - highDailyNatr) / highDailyNatr;
                break;
            default:
                double halfBand = (highDailyNatr - lowDailyNatr) / 2;
                distance = Math.min(natr - lowDailyNatr, highDailyNatr - natr) / halfBand;
                break;
        }
        return 0.5 + 0.5 * Math.max(0.0, Math.min(1.0, distance));
    }

    private static MarketConditions copy(MarketConditions o) {
        MarketConditions c = new MarketConditions();
        c.symbol = o.symbol;
        c.timestamp = o.timestamp;
        c.timeframe = o.timeframe;
        c.volatilityLevel = o.volatilityLevel;
        c.volatilityConfidence = o.volatilityConfidence;
        c.dailyNatr = o.dailyNatr;
        c.btc24hChange = o.btc24hChange;
        c.eth24hChange = o.eth24hChange;
        c.sentimentLevel = o.sentimentLevel;
        c.sentimentConfidence = o.sentimentConfidence;
        c.fearGreedIndex = o.fearGreedIndex;
        c.trendDirection = o.trendDirection;
        c.trendConfidence = o.trendConfidence;
        c.trendDurationHours = o.trendDurationHours;
        c.trendSince = o.trendSince;
        c.barOpenTime = o.barOpenTime;
        return c;
    }
}
