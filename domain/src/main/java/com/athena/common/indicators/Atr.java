package com.athena.common.indicators;

/**
 * An incremental average true range that reproduces TA-Lib's {@code TA_ATR} bit for bit (unstable
 * period 0).
 *
 * <p>The true range of a bar is {@code max(high - low, |prevClose - high|, |prevClose - low|)}; bar
 * 0 has no previous close and, as in TA-Lib, contributes no true range. The first value appears at
 * bar {@code period} (0-based) and is the simple average of the true ranges of bars 1..period;
 * after that {@code atr = (atr * (period - 1) + tr) / period} (Wilder), in TA-Lib's operation
 * order.
 *
 * <p>Fields are public only so that Flink's POJO serializer can see them; treat them as private.
 */
public class Atr {
    public int period;

    /** Bars seen so far. */
    public long count;

    public double prevClose;

    /** Sum of the first {@code period} true ranges; only used until the first value. */
    public double seedSum;

    /** The current ATR, NaN until warmed up. */
    public double value = Double.NaN;

    /** For serializers only. */
    public Atr() {}

    /**
     * @param period number of true ranges averaged, at least 1
     */
    public Atr(int period) {
        Indicators.checkPeriod("ATR period", period, 1);
        this.period = period;
    }

    /** Advances by one bar and returns the ATR, or NaN while warming up. */
    public double update(double high, double low, double close) {
        if (count == 0) {
            prevClose = close;
            count = 1;
            return value;
        }
        double tr = trueRange(high, low, prevClose);
        prevClose = close;
        if (count <= period) {
            seedSum += tr;
            count++;
            if (count > period) {
                value = seedSum / period;
            }
            return value;
        }
        count++;
        value = (value * (period - 1) + tr) / period;
        return value;
    }

    /** TA-Lib's {@code TA_TRANGE} for one bar, with its comparison order. */
    static double trueRange(double high, double low, double prevClose) {
        double greatest = high - low;
        double toHigh = Math.abs(prevClose - high);
        if (toHigh > greatest) {
            greatest = toHigh;
        }
        double toLow = Math.abs(prevClose - low);
        if (toLow > greatest) {
            greatest = toLow;
        }
        return greatest;
    }

    /** The current ATR, NaN while warming up. */
    public double value() {
        return value;
    }

    /** Whether {@link #value()} is defined. */
    public boolean isReady() {
        return period > 0 && count > period;
    }
}
