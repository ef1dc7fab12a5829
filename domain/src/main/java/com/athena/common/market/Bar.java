package com.athena.common.market;

import java.util.Objects;

/**
 * One closed OHLCV bar of a symbol for one timeframe.
 *
 * <p>A Flink POJO (public no-argument constructor, public mutable fields) so that it is serialized
 * by Flink's POJO serializer rather than Kryo and can evolve across savepoints.
 */
public class Bar {
    public String symbol;

    /** The {@link Timeframe#label() label} of the timeframe, e.g. {@code "1m"}. */
    public String timeframe;

    /**
     * Epoch milliseconds (UTC) at which the bar opens; the bar covers [openTime, openTime +
     * length).
     */
    public long openTime;

    public double open;
    public double high;
    public double low;
    public double close;
    public double volume;
    public long tradeCount;

    /** For serializers; prefer the all-arguments constructor. */
    public Bar() {}

    public Bar(
            String symbol,
            String timeframe,
            long openTime,
            double open,
            double high,
            double low,
            double close,
            double volume,
            long tradeCount) {
        this.symbol = symbol;
        this.timeframe = timeframe;
        this.openTime = openTime;
        this.open = open;
        this.high = high;
        this.low = low;
        this.close = close;
        this.volume = volume;
        this.tradeCount = tradeCount;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Bar)) {
            return false;
        }
        Bar b = (Bar) o;
        return openTime == b.openTime
                && tradeCount == b.tradeCount
                && Double.compare(open, b.open) == 0
                && Double.compare(high, b.high) == 0
                && Double.compare(low, b.low) == 0
                && Double.compare(close, b.close) == 0
                && Double.compare(volume, b.volume) == 0
                && Objects.equals(symbol, b.symbol)
                && Objects.equals(timeframe, b.timeframe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                symbol, timeframe, openTime, open, high, low, close, volume, tradeCount);
    }

    @Override
    public String toString() {
        return "Bar{"
                + symbol
                + ' '
                + timeframe
                + " openTime="
                + openTime
                + " o="
                + open
                + " h="
                + high
                + " l="
                + low
                + " c="
                + close
                + " v="
                + volume
                + " n="
                + tradeCount
                + '}';
    }
}
