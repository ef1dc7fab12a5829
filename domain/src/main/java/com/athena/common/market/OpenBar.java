package com.athena.common.market;

/**
 * The accumulator of one bar that is still open: its timeframe and open time, and the OHLCV folded
 * so far by {@link OhlcvAccumulator#add} (the arithmetic of the former window operators, so the
 * bars are the same bit for bit). A Flink POJO, part of {@link OpenBars}.
 */
public class OpenBar extends OhlcvAccumulator {
    public Timeframe timeframe;

    /** Epoch millis at which the bar opens; it covers [start, start + timeframe length). */
    public long start;

    public OpenBar() {}

    public OpenBar(Timeframe timeframe, long start) {
        this.timeframe = timeframe;
        this.start = start;
    }

    /**
     * The bar's last millisecond: it closes once the watermark reaches it, and a trade in it is
     * late once the watermark has (Flink's {@code TimeWindow.maxTimestamp()}).
     */
    public long closeTime() {
        return start + timeframe.millis() - 1;
    }
}
