package com.athena.common.activity;

import java.util.List;
import java.util.function.ToLongFunction;

/** Look-ups in time-ordered histories: what held at a given event time. */
public final class Timelines {
    private Timelines() {}

    /**
     * The last element at or before {@code time} in a list sorted by time (ties: the later in the
     * list), or null if every element is later.
     */
    public static <T> T atOrBefore(List<T> sorted, long time, ToLongFunction<T> timeOf) {
        T found = null;
        for (T t : sorted) {
            if (timeOf.applyAsLong(t) > time) {
                break;
            }
            found = t;
        }
        return found;
    }

    /** Inserts in time order, after elements of the same time (so the later arrival wins a tie). */
    public static <T> void insert(List<T> sorted, T element, ToLongFunction<T> timeOf) {
        long time = timeOf.applyAsLong(element);
        int i = sorted.size();
        while (i > 0 && timeOf.applyAsLong(sorted.get(i - 1)) > time) {
            i--;
        }
        sorted.add(i, element);
    }

    /**
     * Drops the elements no look-up at or after {@code horizon} can return: all before the last
     * element at or before it.
     */
    public static <T> void prune(List<T> sorted, long horizon, ToLongFunction<T> timeOf) {
        int keepFrom = -1;
        for (int i = 0; i < sorted.size(); i++) {
            if (timeOf.applyAsLong(sorted.get(i)) <= horizon) {
                keepFrom = i;
            } else {
                break;
            }
        }
        if (keepFrom > 0) {
            sorted.subList(0, keepFrom).clear();
        }
    }
}
