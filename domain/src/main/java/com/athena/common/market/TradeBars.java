package com.athena.common.market;

import java.util.Arrays;
import java.util.List;

/**
 * The market job's one step per trade, without Flink types: de-duplicates a symbol's trades and
 * folds each into the open bar of every configured timeframe at once, then closes bars and forgets
 * ids as the watermark passes them. The Flink function around it loads {@link OpenBars}, delegates
 * here, saves the state, keeps one event-time timer at {@link OpenBars#nextTimer()} and emits.
 *
 * <p>The semantics are those of the former graph (a de-duplication operator, then one event-time
 * tumbling window per timeframe with allowed lateness 0), exactly:
 *
 * <ul>
 *   <li>a bar covers [start, start + length), start aligned to the epoch; it is emitted when the
 *       watermark reaches its last millisecond, and a trade is late for it when the watermark
 *       already has (then it is late for that timeframe only, and still counts in a longer bar that
 *       is open);
 *   <li>OHLCV by {@link OhlcvAccumulator#add} in arrival order: open the first trade by event time,
 *       close the last, ties by arrival; no bar for an interval without trades;
 *   <li>a trade id counts once per symbol and source; the id is remembered until a clean-up point
 *       (the next {@link #CLEANUP_EVERY} boundary after the trade's time plus the horizon) is
 *       passed by the watermark, which then drops every id whose time plus the horizon is behind
 *       the watermark. A duplicate is neither counted nor checked for lateness.
 * </ul>
 */
public final class TradeBars {

    /** The grid of the ids' clean-up points, in event time. */
    public static final long CLEANUP_EVERY = 10_000L;

    /** The trade ids seen, by {@link #idKey}, with their trade's event time. */
    public interface Ids {
        Long get(String key) throws Exception;

        void put(String key, long ts) throws Exception;

        /** Drops every id whose {@code ts + horizonMillis < watermark}. */
        void removeExpired(long horizonMillis, long watermark) throws Exception;
    }

    /** Where closed bars, late and duplicate trades go. */
    public interface Output {
        void bar(Bar bar);

        /** The trade came after its bar of {@code timeframe} closed. */
        void late(Timeframe timeframe, Trade trade);

        /** The trade's id was already counted within the horizon. */
        void duplicate(Trade trade);
    }

    private final Timeframe[] timeframes;
    private final long horizonMillis;

    public TradeBars(List<Timeframe> timeframes, long horizonMillis) {
        this.timeframes = timeframes.toArray(new Timeframe[0]);
        this.horizonMillis = horizonMillis;
    }

    /**
     * The key of a trade id in {@link Ids}: the source and the id, separated by NUL (which neither
     * may contain); an absent source counts as the empty one. Ids migrated from the former graph
     * are the bare trade id, which never contains NUL.
     */
    public static String idKey(String source, String tradeId) {
        return (source == null ? "" : source) + '\u0000' + tradeId;
    }

    /**
     * Processes one trade at the current watermark.
     *
     * @return whether {@code state} changed (it does not for a duplicate, nor for a trade without
     *     id that is late for every timeframe)
     */
    public boolean add(OpenBars state, Trade trade, long watermark, Ids ids, Output out)
            throws Exception {
        boolean changed = false;
        if (trade.tradeId != null) {
            String key = idKey(trade.source, trade.tradeId);
            Long first = ids.get(key);
            if (first == null && state.legacyIds) {
                first = ids.get(trade.tradeId);
            }
            if (first != null) {
                out.duplicate(trade);
                return false;
            }
            ids.put(key, trade.ts);
            addCleanup(state, cleanupPoint(trade.ts, horizonMillis));
            changed = true;
        }
        for (Timeframe tf : timeframes) {
            long start = tf.windowStart(trade.ts);
            if (start + tf.millis() - 1 <= watermark) {
                out.late(tf, trade);
                continue;
            }
            openBar(state, tf, start).add(trade.ts, trade.price, trade.size);
            changed = true;
        }
        return changed;
    }

    /**
     * The timer at {@code time} fired at {@code watermark} (at or after it): emits the bars that
     * close at or before {@code time}, in close order, and cleans up the ids if a clean-up point is
     * at or behind the watermark. Bars that close later but still at or before the watermark are
     * left for the next timer, which fires at the same watermark, so that each bar is emitted with
     * its own close time as timestamp.
     */
    public void fire(String symbol, OpenBars state, long time, long watermark, Ids ids, Output out)
            throws Exception {
        OpenBar[] bars = state.bars;
        int closed = 0;
        while (closed < bars.length && bars[closed].closeTime() <= time) {
            OpenBar bar = bars[closed];
            out.bar(bar.toBar(symbol, bar.timeframe, bar.start));
            closed++;
        }
        if (closed > 0) {
            state.bars = Arrays.copyOfRange(bars, closed, bars.length);
        }
        long[] cleanups = state.cleanups;
        if (cleanups.length > 0 && cleanups[0] <= watermark) {
            int due = 0;
            while (due < cleanups.length && cleanups[due] <= watermark) {
                due++;
            }
            state.cleanups = Arrays.copyOfRange(cleanups, due, cleanups.length);
            ids.removeExpired(horizonMillis, watermark);
            if (state.cleanups.length == 0) {
                // Every id registered a clean-up point after its expiry: none is left.
                state.legacyIds = false;
            }
        }
    }

    /** The clean-up point of an id whose trade happened at {@code ts}. */
    public static long cleanupPoint(long ts, long horizonMillis) {
        return (Math.floorDiv(ts + horizonMillis, CLEANUP_EVERY) + 1) * CLEANUP_EVERY;
    }

    /** Adds a clean-up point, keeping the points sorted and distinct. */
    public static void addCleanup(OpenBars state, long time) {
        long[] cleanups = state.cleanups;
        int at = Arrays.binarySearch(cleanups, time);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] grown = new long[cleanups.length + 1];
        System.arraycopy(cleanups, 0, grown, 0, insert);
        grown[insert] = time;
        System.arraycopy(cleanups, insert, grown, insert + 1, cleanups.length - insert);
        state.cleanups = grown;
    }

    /** The open bar of {@code tf} starting at {@code start}, created empty if there is none. */
    public static OpenBar openBar(OpenBars state, Timeframe tf, long start) {
        OpenBar[] bars = state.bars;
        for (OpenBar bar : bars) {
            if (bar.timeframe == tf && bar.start == start) {
                return bar;
            }
        }
        OpenBar created = new OpenBar(tf, start);
        long close = created.closeTime();
        int insert = 0;
        while (insert < bars.length
                && (bars[insert].closeTime() < close
                        || (bars[insert].closeTime() == close
                                && bars[insert].timeframe.ordinal() < tf.ordinal()))) {
            insert++;
        }
        OpenBar[] grown = new OpenBar[bars.length + 1];
        System.arraycopy(bars, 0, grown, 0, insert);
        grown[insert] = created;
        System.arraycopy(bars, insert, grown, insert + 1, bars.length - insert);
        state.bars = grown;
        return created;
    }
}
