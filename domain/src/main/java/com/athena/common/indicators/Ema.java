package com.athena.common.indicators;

/**
 * An incremental exponential moving average that reproduces TA-Lib's {@code TA_EMA} bit for bit.
 *
 * <p>The first value appears at bar {@code period - 1} (0-based) and is the simple average of the
 * first {@code period} inputs, summed from 0.0 in input order; after that {@code value = (x -
 * value) * k + value} with {@code k = 2.0 / (period + 1)}, the operation order of TA-Lib's {@code
 * INT_EMA}. Before the first value {@link #update} returns {@link Double#NaN}.
 *
 * <p>Fields are public only so that Flink's POJO serializer can see them; treat them as private.
 */
public class Ema {
    public int period;

    /** Inputs seen so far. */
    public long count;

    /** Sum of the first {@code period} inputs; only used until the first value. */
    public double seedSum;

    /** The current EMA, NaN until warmed up. */
    public double value = Double.NaN;

    /** For serializers only. */
    public Ema() {}

    /**
     * @param period number of bars, at least 2 (TA-Lib's range is 2..100000)
     */
    public Ema(int period) {
        Indicators.checkPeriod("EMA period", period, 2);
        this.period = period;
    }

    /** Advances by one input and returns the EMA, or NaN while warming up. */
    public double update(double x) {
        if (count < period) {
            seedSum += x;
            count++;
            if (count == period) {
                value = seedSum / period;
            }
            return value;
        }
        count++;
        value = (x - value) * k(period) + value;
        return value;
    }

    /** The current EMA, NaN while warming up. */
    public double value() {
        return value;
    }

    /** Whether {@link #value()} is defined. */
    public boolean isReady() {
        return count >= period && period > 0;
    }

    /** TA-Lib's {@code PER_TO_K}: the smoothing factor for a period. */
    static double k(int period) {
        return 2.0 / (period + 1);
    }
}
