package com.athena.common.indicators;

/**
 * An incremental MACD (line, signal, histogram) that reproduces TA-Lib's {@code TA_MACD} bit for
 * bit from its first value.
 *
 * <p>MACD line = fast EMA − slow EMA, signal = EMA of the line over {@code signalPeriod}, histogram
 * = line − signal, all with {@code k = 2 / (n + 1)}. TA-Lib does not run the fast EMA from bar 0:
 * it starts both EMAs at the slow EMA's first bar ({@code slowPeriod - 1}), seeding the slow one
 * with the average of closes {@code 0..slowPeriod-1} and the fast one with the average of the
 * {@code fastPeriod} closes ending at that same bar. The signal EMA is then seeded with the average
 * of the first {@code signalPeriod} line values. Because the fast seed window is known in advance,
 * this needs no ring: the fast seed is summed as those closes arrive.
 *
 * <p>All three outputs appear together at bar {@code slowPeriod + signalPeriod - 2} (33 for
 * 12/26/9), TA-Lib's {@code outBegIdx}; before that they are NaN. The line alone is known from bar
 * {@code slowPeriod - 1}, but it is withheld until the signal exists, as TA-Lib reports it, so that
 * the three columns of a row are either all present or all absent.
 *
 * <p>Fields are public only so that Flink's POJO serializer can see them; treat them as private.
 */
public class Macd {
    public int fastPeriod;
    public int slowPeriod;
    public int signalPeriod;

    /** Closes seen so far. */
    public long count;

    /** Seed sums until the respective EMA's first value. */
    public double fastSum;

    public double slowSum;
    public double signalSum;

    /** The EMAs; NaN until seeded. */
    public double fastEma = Double.NaN;

    public double slowEma = Double.NaN;
    public double signalEma = Double.NaN;

    /** Outputs, NaN until all three are defined. */
    public double macd = Double.NaN;

    public double signal = Double.NaN;
    public double histogram = Double.NaN;

    /** MACD (12, 26, 9), the conventional setting. */
    public Macd() {
        this(12, 26, 9);
    }

    /**
     * @param fastPeriod fast EMA period, at least 2 and not above {@code slowPeriod}
     * @param slowPeriod slow EMA period
     * @param signalPeriod signal EMA period, at least 1
     */
    public Macd(int fastPeriod, int slowPeriod, int signalPeriod) {
        Indicators.checkPeriod("MACD fast period", fastPeriod, 2);
        Indicators.checkPeriod("MACD slow period", slowPeriod, 2);
        Indicators.checkPeriod("MACD signal period", signalPeriod, 1);
        if (fastPeriod > slowPeriod) {
            throw new IllegalArgumentException(
                    "MACD fast period " + fastPeriod + " exceeds slow period " + slowPeriod);
        }
        this.fastPeriod = fastPeriod;
        this.slowPeriod = slowPeriod;
        this.signalPeriod = signalPeriod;
    }

    /**
     * Advances by one close; read the outputs with {@link #macd()}, {@link #signal()}, {@link
     * #histogram()}.
     */
    public void update(double close) {
        long bar = count++;
        if (bar < slowPeriod) {
            slowSum += close;
            if (bar >= slowPeriod - fastPeriod) {
                fastSum += close;
            }
            if (bar < slowPeriod - 1) {
                return;
            }
            slowEma = slowSum / slowPeriod;
            fastEma = fastSum / fastPeriod;
        } else {
            slowEma = (close - slowEma) * Ema.k(slowPeriod) + slowEma;
            fastEma = (close - fastEma) * Ema.k(fastPeriod) + fastEma;
        }
        double line = fastEma - slowEma;
        long lineIndex = bar - (slowPeriod - 1);
        if (lineIndex < signalPeriod) {
            signalSum += line;
            if (lineIndex < signalPeriod - 1) {
                return;
            }
            signalEma = signalSum / signalPeriod;
        } else {
            signalEma = (line - signalEma) * Ema.k(signalPeriod) + signalEma;
        }
        macd = line;
        signal = signalEma;
        histogram = line - signalEma;
    }

    public double macd() {
        return macd;
    }

    public double signal() {
        return signal;
    }

    public double histogram() {
        return histogram;
    }

    /** Whether the outputs are defined. */
    public boolean isReady() {
        return slowPeriod > 0 && count >= slowPeriod + signalPeriod - 1;
    }
}
