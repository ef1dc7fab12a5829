package com.athena.common.indicators;

/**
 * An incremental relative strength index that reproduces TA-Lib's {@code TA_RSI} bit for bit
 * (default compatibility, unstable period 0).
 *
 * <p>Gains and losses are the positive and negative close-to-close changes from bar 1 on. The first
 * value appears at bar {@code period} (0-based), from the simple averages of the first {@code
 * period} gains and losses; after that each average is smoothed the Wilder way, {@code avg = (avg *
 * (period - 1) + change) / period}. The output is {@code 100 * (avgGain / (avgGain + avgLoss))},
 * and 0 when {@code avgGain + avgLoss} is within TA-Lib's zero tolerance (1e-8), as on a flat
 * series.
 *
 * <p>Fields are public only so that Flink's POJO serializer can see them; treat them as private.
 */
public class Rsi {
    public int period;

    /** Inputs seen so far. */
    public long count;

    public double prevClose;

    /** Sum of gains until the first value, then the Wilder-smoothed average gain. */
    public double avgGain;

    /** Sum of losses (positive) until the first value, then the Wilder-smoothed average loss. */
    public double avgLoss;

    /** The current RSI in [0, 100], NaN until warmed up. */
    public double value = Double.NaN;

    /** For serializers only. */
    public Rsi() {}

    /**
     * @param period number of changes averaged, at least 2 (TA-Lib's RSI with period 1 just copies
     *     its input, which is not an RSI)
     */
    public Rsi(int period) {
        Indicators.checkPeriod("RSI period", period, 2);
        this.period = period;
    }

    /** Advances by one close and returns the RSI, or NaN while warming up. */
    public double update(double close) {
        if (count == 0) {
            prevClose = close;
            count = 1;
            return value;
        }
        double change = close - prevClose;
        prevClose = close;
        if (count <= period) {
            accumulate(change);
            count++;
            if (count > period) {
                avgLoss /= period;
                avgGain /= period;
                value = output();
            }
            return value;
        }
        count++;
        // Same statement order as TA-Lib: scale, add the change, divide.
        avgLoss *= (period - 1);
        avgGain *= (period - 1);
        accumulate(change);
        avgLoss /= period;
        avgGain /= period;
        value = output();
        return value;
    }

    private void accumulate(double change) {
        if (change < 0) {
            avgLoss -= change;
        } else {
            avgGain += change;
        }
    }

    private double output() {
        double total = avgGain + avgLoss;
        return Indicators.isZero(total) ? 0.0 : 100.0 * (avgGain / total);
    }

    /** The current RSI, NaN while warming up. */
    public double value() {
        return value;
    }

    /** Whether {@link #value()} is defined. */
    public boolean isReady() {
        return period > 0 && count > period;
    }
}
