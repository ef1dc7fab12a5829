package com.athena.jobs.sql;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.AggregateFunction;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The shared part of {@code FIRST_BY_TIME} and {@code LAST_BY_TIME(value, time)}: the value of the
 * row with the smallest (largest) time, whatever order the rows arrive in.
 *
 * <p>Flink's {@code FIRST_VALUE}/{@code LAST_VALUE} return the first and last row to
 * <em>arrive</em>, which for out-of-order trades is not the open and close of a bar. These keep the
 * value whose time is smallest (largest); among rows with equal times arrival order decides, as in
 * the market job's {@code OhlcvAccumulator}: the first arrival stays first, the last arrival
 * becomes last. {@link #merge} treats the merged accumulators' rows as later arrivals, which keeps
 * that rule when Flink merges partial aggregates (HOP and CUMULATE windows, two-phase aggregation).
 *
 * <p>{@code time} is a {@code TIMESTAMP_LTZ(3)} (event-time attributes, epoch instants) or a {@code
 * TIMESTAMP(3)}; rows with a NULL value or time are skipped. The values are DOUBLE.
 */
public abstract class ByTimeFunction extends AggregateFunction<Double, ByTimeFunction.Accumulator> {

    /** The value kept so far and its time. */
    public static class Accumulator {
        public double value;

        /** The time of {@link #value}, epoch millis (TIMESTAMP values read as UTC). */
        public long time;

        /** Rows taken into account; 0 means none, and the other fields mean nothing. */
        public long count;

        public Accumulator() {}
    }

    @Override
    public Accumulator createAccumulator() {
        return new Accumulator();
    }

    /** Takes one row whose time is an instant (event-time attributes are TIMESTAMP_LTZ(3)). */
    public void accumulate(
            Accumulator acc, Double value, @DataTypeHint("TIMESTAMP_LTZ(3)") Instant time) {
        if (value != null && time != null) {
            add(acc, value, time.toEpochMilli());
        }
    }

    /** Takes one row whose time is a TIMESTAMP(3) without time zone. */
    public void accumulate(
            Accumulator acc, Double value, @DataTypeHint("TIMESTAMP(3)") LocalDateTime time) {
        if (value != null && time != null) {
            add(acc, value, time.toInstant(ZoneOffset.UTC).toEpochMilli());
        }
    }

    /** Folds the others into {@code acc} as if their rows had arrived after its own. */
    public void merge(Accumulator acc, Iterable<Accumulator> others) {
        for (Accumulator other : others) {
            if (other.count == 0) {
                continue;
            }
            long count = acc.count;
            add(acc, other.value, other.time);
            acc.count = count + other.count;
        }
    }

    @Override
    public Double getValue(Accumulator acc) {
        return acc.count == 0 ? null : acc.value;
    }

    private void add(Accumulator acc, double value, long time) {
        if (acc.count == 0 || replaces(time, acc.time)) {
            acc.value = value;
            acc.time = time;
        }
        acc.count++;
    }

    /** Whether a later-arriving row at {@code time} replaces the one kept at {@code kept}. */
    abstract boolean replaces(long time, long kept);
}
