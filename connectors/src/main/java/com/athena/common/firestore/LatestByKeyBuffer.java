package com.athena.common.firestore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A write buffer that keeps, per key, only the newest pending value by event time, and releases a
 * key at most once per minimum interval of processing time.
 *
 * <p>Pure logic with no Flink or Firestore types, so that the coalescing and rate-limit rules are
 * tested alone with a fake clock. Rules:
 *
 * <ul>
 *   <li>A value replaces the pending value of its key if its event time is greater or equal (equal:
 *       the later arrival wins); an older value is discarded.
 *   <li>{@link #drainDue} releases the pending keys that were not {@link #markWritten written}
 *       within the last {@code minInterval}; the others wait.
 *   <li>{@link #drainAll} releases everything regardless of the interval: a checkpoint must not
 *       leave values only in memory.
 * </ul>
 *
 * <p>Memory is bounded by the number of keys pending plus the keys written within the last
 * interval. The clock must be monotonic (the sink uses {@link System#nanoTime}): write times are
 * kept in write order, and that order is what lets expiry stop at the first still-recent key. Not
 * thread-safe; a sink writer calls it from one thread.
 *
 * @param <K> the key (a document path)
 * @param <V> the value
 */
public final class LatestByKeyBuffer<K, V> {

    /** What {@link #offer} did with a value. */
    public enum Offer {
        /** The key had no pending value; this one is pending now. */
        ADDED,
        /**
         * The value replaced an older (or equally old) pending value, which will not be written.
         */
        REPLACED,
        /** The key's pending value is newer; this value will not be written. */
        DISCARDED
    }

    /** A released value with its key and event time. */
    public record Entry<K, V>(K key, V value, long eventTime) {}

    private final long minIntervalMillis;
    private final LongSupplier clock;

    /** Pending values in the order their keys first became pending. */
    private final Map<K, Entry<K, V>> pending = new LinkedHashMap<>();

    /** Pending keys free to be written now (not written within the interval). */
    private final LinkedHashSet<K> ready = new LinkedHashSet<>();

    /** Keys written within (about) the last interval with their write time, oldest first. */
    private final LinkedHashMap<K, Long> recentlyWritten = new LinkedHashMap<>();

    /**
     * @param minIntervalMillis the least time between two releases of one key; 0 disables the limit
     * @param clock monotonic processing time in millis
     */
    public LatestByKeyBuffer(long minIntervalMillis, LongSupplier clock) {
        if (minIntervalMillis < 0) {
            throw new IllegalArgumentException("minIntervalMillis must be >= 0");
        }
        this.minIntervalMillis = minIntervalMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Offers a value; keeps it if it is the newest for its key by event time. */
    public Offer offer(K key, V value, long eventTime) {
        Entry<K, V> current = pending.get(key);
        if (current != null) {
            if (eventTime >= current.eventTime()) {
                pending.put(key, new Entry<>(key, value, eventTime));
                return Offer.REPLACED;
            }
            return Offer.DISCARDED;
        }
        pending.put(key, new Entry<>(key, value, eventTime));
        if (!recentlyWritten.containsKey(key)) {
            ready.add(key);
        }
        // Otherwise expire() moves it to ready once its interval has passed.
        return Offer.ADDED;
    }

    /** Removes and returns the pending values whose key may be written now. */
    public List<Entry<K, V>> drainDue() {
        expire(clock.getAsLong());
        if (ready.isEmpty()) {
            return List.of();
        }
        List<Entry<K, V>> due = new ArrayList<>(ready.size());
        for (K key : ready) {
            due.add(pending.remove(key));
        }
        ready.clear();
        return due;
    }

    /** Removes and returns every pending value, whatever its key's last write time. */
    public List<Entry<K, V>> drainAll() {
        expire(clock.getAsLong());
        List<Entry<K, V>> all = new ArrayList<>(pending.values());
        pending.clear();
        ready.clear();
        return all;
    }

    /** Records that a released value of this key was written now; starts its interval. */
    public void markWritten(K key) {
        if (minIntervalMillis == 0) {
            return;
        }
        // Re-inserting moves the key to the end, keeping the map in write-time order.
        recentlyWritten.remove(key);
        recentlyWritten.put(key, clock.getAsLong());
    }

    /** The number of keys with a pending value. */
    public int pendingCount() {
        return pending.size();
    }

    /** The number of keys whose last write is still remembered for the rate limit. */
    public int rateLimitedCount() {
        return recentlyWritten.size();
    }

    /** Forgets write times older than the interval; their pending keys become ready. */
    private void expire(long now) {
        Iterator<Map.Entry<K, Long>> it = recentlyWritten.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<K, Long> written = it.next();
            if (now - written.getValue() < minIntervalMillis) {
                break; // Write-time order: every later key is younger still.
            }
            it.remove();
            if (pending.containsKey(written.getKey())) {
                ready.add(written.getKey());
            }
        }
    }
}
