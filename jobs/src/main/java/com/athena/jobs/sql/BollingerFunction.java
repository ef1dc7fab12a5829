package com.athena.jobs.sql;

import com.athena.common.indicators.Bollinger;

import org.apache.flink.table.functions.AggregateFunction;

/**
 * The shared part of {@code BB_UPPER}, {@code BB_MIDDLE} and {@code BB_LOWER(close, n, k)}:
 * TA-Lib's Bollinger Bands (SMA ± k population standard deviations, TA-Lib's running sums) as SQL
 * aggregates for OVER windows, computed by the market job's own {@link Bollinger}.
 *
 * <p>One class per band because {@code CREATE FUNCTION} needs a class with a no-argument
 * constructor per name; each keeps its own state (a ring of {@code n} closes). NULL until row
 * {@code n - 1} of a partition. TA-Lib's sums carry rounding from the whole history, so the bands
 * are TA-Lib's only from UNBOUNDED PRECEDING, and there is no {@code retract}.
 */
public abstract class BollingerFunction
        extends AggregateFunction<Double, BollingerFunction.Accumulator> {

    /** The state of one partition: the job's indicator POJO, created on the first row. */
    public static class Accumulator {
        /** Null until the first non-NULL close. */
        public Bollinger bollinger;

        public Accumulator() {}
    }

    @Override
    public Accumulator createAccumulator() {
        return new Accumulator();
    }

    /**
     * Advances by one close; {@code period} and {@code nbDev} must be the same on every row of a
     * partition.
     */
    public void accumulate(Accumulator acc, Double close, Integer period, Double nbDev) {
        if (close == null) {
            return;
        }
        String name = name();
        if (acc.bollinger == null) {
            if (nbDev == null) {
                throw new IllegalArgumentException(name + ": the deviation multiplier is NULL");
            }
            acc.bollinger = new Bollinger(SqlArguments.period(name, period), nbDev);
        } else {
            SqlArguments.samePeriod(name, acc.bollinger.period, period);
            if (nbDev == null || Double.compare(nbDev, acc.bollinger.nbDev) != 0) {
                throw new IllegalArgumentException(
                        name
                                + ": the deviation multiplier must be the same on every row, got "
                                + nbDev
                                + " after "
                                + acc.bollinger.nbDev);
            }
        }
        acc.bollinger.update(close);
    }

    @Override
    public Double getValue(Accumulator acc) {
        return acc.bollinger == null ? null : SqlArguments.orNull(band(acc.bollinger));
    }

    /** The SQL name, for error messages. */
    abstract String name();

    /** This function's band of the current state (NaN while warming up). */
    abstract double band(Bollinger bollinger);
}
