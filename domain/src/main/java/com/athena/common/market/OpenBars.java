package com.athena.common.market;

/**
 * The open bars of one symbol, every timeframe at once, and the pending clean-ups of its
 * de-duplication ids: the whole value state of the market job's trade step ({@link TradeBars}) for
 * one symbol. A Flink POJO without generic fields (arrays, not lists), so that it is serialized
 * field by field without Kryo.
 */
public class OpenBars {
    private static final OpenBar[] NO_BARS = new OpenBar[0];
    private static final long[] NO_TIMES = new long[0];

    /**
     * The open bars, sorted by {@link OpenBar#closeTime()}, then by timeframe; at most one per
     * (timeframe, start). Several per timeframe while trades of the next bar arrive before the
     * watermark closed the previous one.
     */
    public OpenBar[] bars = NO_BARS;

    /**
     * The event times at which the de-duplication ids are cleaned up next, sorted and distinct:
     * each id registers the {@link TradeBars#CLEANUP_EVERY} boundary after its trade's time plus
     * the horizon; when the watermark reaches one, every id older than the watermark minus the
     * horizon is dropped (the same schedule as the former de-duplication operator's timers).
     */
    public long[] cleanups = NO_TIMES;

    /**
     * Whether the ids include some migrated from a savepoint of the former graph, keyed by trade id
     * alone (not by source): they still match a repeat from any source until they expire.
     */
    public boolean legacyIds;

    /**
     * Which running instance of the trade step counts this symbol in its live-symbol gauge (a
     * random mark of that instance, maintained by the Flink function); 0 when none does yet, as in
     * state restored from a savepoint.
     */
    public long countedBy;

    public OpenBars() {}

    /** Whether nothing is open: no bar and no id to clean up. */
    public boolean isEmpty() {
        return bars.length == 0 && cleanups.length == 0;
    }

    /**
     * The event time of the next bar close or id clean-up, the one timer of the symbol; {@link
     * Long#MAX_VALUE} if nothing is open.
     */
    public long nextTimer() {
        long next = Long.MAX_VALUE;
        if (bars.length > 0) {
            next = bars[0].closeTime();
        }
        if (cleanups.length > 0 && cleanups[0] < next) {
            next = cleanups[0];
        }
        return next;
    }
}
