package com.athena.common.market;

/**
 * A mutable accumulator that folds trades into the open, high, low, close, volume and trade count
 * of one bar.
 *
 * <p>Open is the price of the trade with the smallest event time and close the one with the
 * largest, so the result does not depend on the order in which out-of-order trades arrive. Trades
 * with equal timestamps are common (exchanges stamp whole seconds); among those, arrival order
 * decides: open stays the first arrived, close becomes the last arrived. {@link #merge} treats the
 * other accumulator's trades as later arrivals, which keeps that rule when Flink merges partial
 * aggregates in arrival order.
 *
 * <p>A Flink POJO so that it can be the accumulator of an {@code AggregateFunction} in keyed state
 * without Kryo. An empty accumulator has {@code count == 0}; its other fields are meaningless.
 */
public class OhlcvAccumulator {
    public double open;
    public double high;
    public double low;
    public double close;
    public double volume;
    public long count;

    /** Event time (epoch millis) of the trade that set {@link #open}. */
    public long openTs;

    /** Event time (epoch millis) of the trade that set {@link #close}. */
    public long closeTs;

    public OhlcvAccumulator() {}

    /** Adds one trade at event time {@code ts} (epoch millis). */
    public void add(long ts, double price, double size) {
        if (count == 0) {
            open = price;
            high = price;
            low = price;
            close = price;
            openTs = ts;
            closeTs = ts;
            volume = size;
            count = 1;
            return;
        }
        // Strict on open and non-strict on close: that is what makes ties follow arrival order.
        if (ts < openTs) {
            open = price;
            openTs = ts;
        }
        if (ts >= closeTs) {
            close = price;
            closeTs = ts;
        }
        if (price > high) {
            high = price;
        }
        if (price < low) {
            low = price;
        }
        volume += size;
        count++;
    }

    /** Folds {@code other} into this accumulator, treating its trades as later arrivals. */
    public void merge(OhlcvAccumulator other) {
        if (other.count == 0) {
            return;
        }
        if (count == 0) {
            open = other.open;
            high = other.high;
            low = other.low;
            close = other.close;
            volume = other.volume;
            count = other.count;
            openTs = other.openTs;
            closeTs = other.closeTs;
            return;
        }
        if (other.openTs < openTs) {
            open = other.open;
            openTs = other.openTs;
        }
        if (other.closeTs >= closeTs) {
            close = other.close;
            closeTs = other.closeTs;
        }
        if (other.high > high) {
            high = other.high;
        }
        if (other.low < low) {
            low = other.low;
        }
        volume += other.volume;
        count += other.count;
    }

    /** Whether no trade has been added. */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * The bar these trades make.
     *
     * @throws IllegalStateException if no trade has been added: a bar without trades has no prices
     */
    public Bar toBar(String symbol, Timeframe tf, long openTime) {
        if (count == 0) {
            throw new IllegalStateException(
                    "no trades for " + symbol + " " + tf.label() + " at " + openTime);
        }
        return new Bar(symbol, tf.label(), openTime, open, high, low, close, volume, count);
    }

    @Override
    public String toString() {
        return "OhlcvAccumulator{o="
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
                + count
                + " openTs="
                + openTs
                + " closeTs="
                + closeTs
                + '}';
    }
}
