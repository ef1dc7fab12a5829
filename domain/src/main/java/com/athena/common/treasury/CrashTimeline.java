package com.athena.common.treasury;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The market-crash override as a function of event time: the trigger and release signals of the
 * market snapshots by their time. The override is active at {@code t} when the latest signal at or
 * before {@code t} is a trigger. Snapshots may arrive in any order; the answer for a time depends
 * only on which signals are known, never on their arrival order.
 */
public final class CrashTimeline {
    private final TreeMap<Long, Boolean> signals = new TreeMap<>();

    /** A timeline of the given signals (time to "is a trigger"). */
    public static CrashTimeline of(Map<Long, Boolean> signals) {
        CrashTimeline timeline = new CrashTimeline();
        timeline.signals.putAll(signals);
        return timeline;
    }

    /** Records a signal; a second signal at the same time replaces the first. */
    public void put(long time, boolean trigger) {
        signals.put(time, trigger);
    }

    /**
     * Forgets signals that can no longer decide anything recent: those older than {@code
     * retentionMillis} before the newest signal, except the latest of them, which still decides the
     * times up to the next one. Returns the times removed.
     */
    public List<Long> prune(long retentionMillis) {
        List<Long> removed = new ArrayList<>();
        if (signals.isEmpty()) {
            return removed;
        }
        long cutoff = signals.lastKey() - retentionMillis;
        Long keep = signals.floorKey(cutoff);
        if (keep != null) {
            NavigableMap<Long, Boolean> old = signals.headMap(keep, false);
            removed.addAll(old.keySet());
            old.clear();
        }
        return removed;
    }

    /** Whether the override is active at event time {@code t}. */
    public boolean activeAt(long t) {
        Map.Entry<Long, Boolean> latest = signals.floorEntry(t);
        return latest != null && latest.getValue();
    }

    /**
     * The first signal time after {@code t} at which the override becomes other than {@code
     * current}, or {@link Long#MAX_VALUE} if none.
     */
    public long nextChangeAfter(long t, boolean current) {
        for (Map.Entry<Long, Boolean> e : signals.tailMap(t, false).entrySet()) {
            if (e.getValue() != current) {
                return e.getKey();
            }
        }
        return Long.MAX_VALUE;
    }

    public int size() {
        return signals.size();
    }

    /** A copy of the signals, time to "is a trigger". */
    public NavigableMap<Long, Boolean> signals() {
        return new TreeMap<>(signals);
    }

    @Override
    public String toString() {
        return "CrashTimeline" + signals;
    }
}
