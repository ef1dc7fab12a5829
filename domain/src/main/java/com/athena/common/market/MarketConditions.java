package com.athena.common.market;

import java.util.Objects;

/**
 * The live market view of one symbol, as the agent reads it from Firestore {@code
 * agent_data_market_conditions/{symbol}}: volatility, sentiment and trend with their confidences,
 * as of {@link #timestamp} (event time).
 */
public class MarketConditions {
    public String symbol;

    /** Event time of the newest input that shaped this view, epoch millis. */
    public long timestamp;

    /** The timeframe whose bars gave volatility and trend, e.g. {@code 1h}. */
    public String timeframe;

    /** {@code low}, {@code normal} or {@code high}; null while unknown. */
    public String volatilityLevel;

    public double volatilityConfidence;

    /** The daily-equivalent ATR as a fraction of price, the number behind the level. */
    public Double dailyNatr;

    public Double btc24hChange;
    public Double eth24hChange;

    /**
     * {@code extreme_fear}, {@code bearish}, {@code neutral}, {@code bullish}, {@code
     * extreme_greed}.
     */
    public String sentimentLevel;

    public double sentimentConfidence;
    public Integer fearGreedIndex;

    /** {@code upward}, {@code downward} or {@code sideways}; null while unknown. */
    public String trendDirection;

    public double trendConfidence;

    /** How long the trend has held, in hours of event time. */
    public double trendDurationHours;

    /** Open time of the first bar of the current trend direction, epoch millis. */
    public long trendSince;

    /**
     * Open time of the bar of {@link #timeframe} this view was last derived from, epoch millis, so
     * a reader can tell which bar the levels describe. Added after release v1: views restored from
     * a v1 savepoint hold null here until their next bar (POJO schema evolution).
     */
    public Long barOpenTime;

    public MarketConditions() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MarketConditions)) {
            return false;
        }
        MarketConditions m = (MarketConditions) o;
        return timestamp == m.timestamp
                && Double.compare(volatilityConfidence, m.volatilityConfidence) == 0
                && Double.compare(sentimentConfidence, m.sentimentConfidence) == 0
                && Double.compare(trendConfidence, m.trendConfidence) == 0
                && Double.compare(trendDurationHours, m.trendDurationHours) == 0
                && trendSince == m.trendSince
                && Objects.equals(barOpenTime, m.barOpenTime)
                && Objects.equals(symbol, m.symbol)
                && Objects.equals(timeframe, m.timeframe)
                && Objects.equals(volatilityLevel, m.volatilityLevel)
                && Objects.equals(dailyNatr, m.dailyNatr)
                && Objects.equals(btc24hChange, m.btc24hChange)
                && Objects.equals(eth24hChange, m.eth24hChange)
                && Objects.equals(sentimentLevel, m.sentimentLevel)
                && Objects.equals(fearGreedIndex, m.fearGreedIndex)
                && Objects.equals(trendDirection, m.trendDirection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(symbol, timestamp, volatilityLevel, sentimentLevel, trendDirection);
    }

    @Override
    public String toString() {
        return "MarketConditions{"
                + symbol
                + " @"
                + timestamp
                + " vol="
                + volatilityLevel
                + " sent="
                + sentimentLevel
                + " trend="
                + trendDirection
                + "}";
    }
}
