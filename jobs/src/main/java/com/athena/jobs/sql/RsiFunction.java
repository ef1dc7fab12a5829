package com.athena.jobs.sql;

import com.athena.common.indicators.Rsi;

import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code RSI(close, n)}: TA-Lib's relative strength index (Wilder smoothing) as a SQL aggregate for
 * OVER windows, computed by the market job's own {@link Rsi}.
 *
 * <p>NULL until the first value (row {@code n} of a partition). Like {@link EmaFunction} it needs
 * the whole history, so windows must start at UNBOUNDED PRECEDING. NULL closes are skipped.
 */
public class RsiFunction extends AggregateFunction<Double, RsiFunction.Accumulator> {

    /** The state of one partition: the job's indicator POJO, created on the first row. */
    public static class Accumulator {
        /** Null until the first non-NULL close. */
        public Rsi rsi;

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
        if (acc.rsi == null) {
            acc.rsi = new Rsi(SqlArguments.period("RSI", period));
        } else {
            SqlArguments.samePeriod("RSI", acc.rsi.period, period);
        }
        acc.rsi.update(close);
    }

    @Override
    public Double getValue(Accumulator acc) {
        return acc.rsi == null ? null : SqlArguments.orNull(acc.rsi.value());
    }
}
