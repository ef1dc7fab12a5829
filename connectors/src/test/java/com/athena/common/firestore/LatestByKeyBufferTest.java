package com.athena.common.firestore;

import com.athena.common.firestore.LatestByKeyBuffer.Entry;
import com.athena.common.firestore.LatestByKeyBuffer.Offer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatestByKeyBufferTest {

    /** A processing-time clock the test moves by hand. */
    private static final class FakeClock {
        long now = 1_000_000L;

        long millis() {
            return now;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final LatestByKeyBuffer<String, String> buffer =
            new LatestByKeyBuffer<>(1_000, clock::millis);

    private static Map<String, String> byKey(List<Entry<String, String>> entries) {
        return entries.stream()
                .collect(Collectors.toMap(Entry::key, Entry::value, (a, b) -> a, TreeMap::new));
    }

    @Test
    void keepsTheNewestByEventTimeWhateverTheArrivalOrder() {
        assertThat(buffer.offer("BTC", "t20", 20)).isEqualTo(Offer.ADDED);
        // Nothing written yet: the key is due, but keep offering before draining.
        assertThat(buffer.offer("BTC", "t50", 50)).isEqualTo(Offer.REPLACED);
        assertThat(buffer.offer("BTC", "t30", 30)).isEqualTo(Offer.DISCARDED);
        assertThat(buffer.offer("BTC", "t10", 10)).isEqualTo(Offer.DISCARDED);
        assertThat(buffer.offer("ETH", "e5", 5)).isEqualTo(Offer.ADDED);

        assertThat(byKey(buffer.drainDue()))
                .containsExactly(Map.entry("BTC", "t50"), Map.entry("ETH", "e5"));
        assertThat(buffer.pendingCount()).isZero();
    }

    @Test
    void equalEventTimeLetsTheLaterArrivalWin() {
        buffer.offer("BTC", "first", 40);
        assertThat(buffer.offer("BTC", "second", 40)).isEqualTo(Offer.REPLACED);
        assertThat(buffer.offer("BTC", "third", 40)).isEqualTo(Offer.REPLACED);

        List<Entry<String, String>> due = buffer.drainDue();
        assertThat(due).containsExactly(new Entry<>("BTC", "third", 40L));
    }

    @Test
    void holdsAKeyWrittenWithinTheIntervalAndReleasesItAfterwards() {
        buffer.offer("BTC", "v1", 1);
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("v1");
        buffer.markWritten("BTC");

        clock.now += 10;
        buffer.offer("BTC", "v2", 2);
        buffer.offer("ETH", "e1", 1); // Never written: due at once.
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("e1");
        buffer.markWritten("ETH");

        clock.now += 989; // 999 ms after BTC's write: still held.
        buffer.offer("BTC", "v3", 3);
        assertThat(buffer.drainDue()).isEmpty();
        assertThat(buffer.pendingCount()).isEqualTo(1);

        clock.now += 1; // Exactly the interval: released, newest value only.
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("v3");
        buffer.markWritten("BTC");

        // ETH was written 10 ms after BTC's first write, so it is still limited 1 ms later...
        clock.now += 1;
        buffer.offer("ETH", "e2", 2);
        assertThat(buffer.drainDue()).isEmpty();
        // ...and free once its own interval has passed.
        clock.now += 9;
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("e2");
    }

    @Test
    void aKeyDrainedButNotWrittenIsNotRateLimited() {
        // A stale-skipped document was not written, so it does not start an interval.
        buffer.offer("BTC", "v1", 1);
        assertThat(buffer.drainDue()).hasSize(1);
        buffer.offer("BTC", "v2", 2);
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("v2");
    }

    @Test
    void drainAllReturnsEverythingPendingIgnoringTheInterval() {
        for (String key : List.of("A", "B", "C")) {
            buffer.offer(key, key + "1", 1);
        }
        for (Entry<String, String> e : buffer.drainDue()) {
            buffer.markWritten(e.key());
        }
        clock.now += 100;
        buffer.offer("A", "A2", 2);
        buffer.offer("B", "B2", 2);
        buffer.offer("B", "B3", 3);
        buffer.offer("D", "D1", 1);
        assertThat(buffer.drainDue()).extracting(Entry::value).containsExactly("D1");
        buffer.markWritten("D");
        buffer.offer("D", "D2", 2);

        assertThat(byKey(buffer.drainAll()))
                .containsExactly(Map.entry("A", "A2"), Map.entry("B", "B3"), Map.entry("D", "D2"));
        assertThat(buffer.pendingCount()).isZero();
        assertThat(buffer.drainDue()).isEmpty();
        assertThat(buffer.drainAll()).isEmpty();
    }

    @Test
    void leavesNothingBehindAfterFlushAllAndTheInterval() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            String key = "K" + random.nextInt(500);
            buffer.offer(key, key + "@" + i, random.nextInt(1_000));
            if (i % 7 == 0) {
                for (Entry<String, String> e : buffer.drainDue()) {
                    buffer.markWritten(e.key());
                }
            }
            clock.now += random.nextInt(3);
        }
        for (Entry<String, String> e : buffer.drainAll()) {
            buffer.markWritten(e.key());
        }
        assertThat(buffer.pendingCount()).isZero();
        assertThat(buffer.rateLimitedCount()).isPositive().isLessThanOrEqualTo(500);

        // Write times are forgotten once they no longer limit anything: no per-key memory leak.
        clock.now += 1_000;
        assertThat(buffer.drainDue()).isEmpty();
        assertThat(buffer.rateLimitedCount()).isZero();
    }

    @Test
    void everyOfferIsReleasedOnceOrCountedAsSuperseded() {
        Random random = new Random(7);
        int superseded = 0;
        int released = 0;
        Map<String, Long> newest = new TreeMap<>();
        Map<String, Long> newestReleased = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            String key = "K" + random.nextInt(20);
            long eventTime = random.nextInt(10_000);
            if (buffer.offer(key, key, eventTime) != Offer.ADDED) {
                superseded++;
            }
            newest.merge(key, eventTime, Math::max);
            clock.now += random.nextInt(5);
            for (Entry<String, String> e : buffer.drainDue()) {
                released++;
                newestReleased.merge(e.key(), e.eventTime(), Math::max);
                buffer.markWritten(e.key());
            }
        }
        for (Entry<String, String> e : buffer.drainAll()) {
            released++;
            newestReleased.merge(e.key(), e.eventTime(), Math::max);
        }
        assertThat(released + superseded).isEqualTo(5_000);
        assertThat(released).isLessThan(5_000 / 4);
        // The newest event time of every key is always released, never coalesced away.
        assertThat(newestReleased).isEqualTo(newest);
    }

    @Test
    void zeroIntervalReleasesEveryKeyAtOnce() {
        LatestByKeyBuffer<String, String> unlimited = new LatestByKeyBuffer<>(0, clock::millis);
        unlimited.offer("A", "a1", 1);
        assertThat(unlimited.drainDue()).hasSize(1);
        unlimited.markWritten("A");
        unlimited.offer("A", "a2", 2);
        assertThat(unlimited.drainDue()).extracting(Entry::value).containsExactly("a2");
        assertThat(unlimited.rateLimitedCount()).isZero();
    }

    @Test
    void rejectsANegativeInterval() {
        assertThatThrownBy(() -> new LatestByKeyBuffer<String, String>(-1, clock::millis))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
