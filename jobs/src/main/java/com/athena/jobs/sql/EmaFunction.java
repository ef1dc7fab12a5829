package com.athena.jobs.sql;

import com.athena.common.indicators.Ema;

import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code EMA(close, n)}: TA-Lib's exponential moving average as a SQL aggregate for OVER windows,
 * computed by the market job's own {@link Ema}, so SQL and the job agree bit for bit.
 *
 * <pre>
 * EMA(close, 9) OVER (PARTITION BY symbol, timeframe ORDER BY bar_time
 *                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
 * </pre>
 *
 * <p>NULL until the first value (row {@code n - 1} of a partition). The EMA depends on the whole
 * history from its seed, so it cannot be retracted: windows must start at UNBOUNDED PRECEDING, and
 * the planner refuses bounded ones (there is no {@code retract}). NULL closes are skipped.
 */
public class EmaFunction extends AggregateFunction<Double, EmaFunction.Accumulator> {

    /** The state of one partition: the job's indicator POJO, created on the first row. */
    public static class Accumulator {
        /** Null until the first non-NULL close (the period is an argument, not known before). */
        public Ema ema;

        public Accumulator() {}
    }

    @Override
    public Accumulator createAccumulator() {
        return new Accumulator();
    }

    /** Advances by one close; {@code period} must be the same on every row of a partition. */
    public void accumulate(Accumulator acc, Double close, Integer period) {
        if (close == null) {
            return;
        }
        if (acc.ema == null) {
            acc.ema = new Ema(SqlArguments.period("EMA", period));
        } else {
            SqlArguments.samePeriod("EMA", acc.ema.period, period);
        }
        acc.ema.update(close);
    }

    @Override
    public Double getValue(Accumulator acc) {
        return acc.ema == null ? null : SqlArguments.orNull(acc.ema.value());
    }
}
