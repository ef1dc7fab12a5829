package com.athena.common.treasury;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CrashTimelineTest {

    @Test
    void theLatestSignalAtOrBeforeATimeDecides() {
        CrashTimeline t = new CrashTimeline();
        assertThat(t.activeAt(100)).isFalse();
        t.put(100, true);
        t.put(200, true);
        t.put(300, false);
        assertThat(t.activeAt(99)).isFalse();
        assertThat(t.activeAt(100)).isTrue();
        assertThat(t.activeAt(299)).isTrue();
        assertThat(t.activeAt(300)).isFalse();
        assertThat(t.nextChangeAfter(0, false)).isEqualTo(100);
        // 200 repeats the trigger: not a change.
        assertThat(t.nextChangeAfter(100, true)).isEqualTo(300);
        assertThat(t.nextChangeAfter(300, false)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void arrivalOrderDoesNotMatter() {
        List<long[]> signals = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            // Distinct times: one snapshot per instant.
            signals.add(new long[] {i * 50L + random.nextInt(50), random.nextBoolean() ? 1 : 0});
        }
        CrashTimeline inOrder = new CrashTimeline();
        signals.forEach(x -> inOrder.put(x[0], x[1] == 1));
        List<long[]> shuffled = new ArrayList<>(signals);
        Collections.shuffle(shuffled, random);
        CrashTimeline outOfOrder = new CrashTimeline();
        shuffled.forEach(x -> outOfOrder.put(x[0], x[1] == 1));
        for (long time = -10; time < 10_100; time += 7) {
            assertThat(outOfOrder.activeAt(time)).isEqualTo(inOrder.activeAt(time));
            assertThat(outOfOrder.nextChangeAfter(time, false))
                    .isEqualTo(inOrder.nextChangeAfter(time, false));
        }
    }

    @Test
    void pruningKeepsTheSignalThatStillDecides() {
        CrashTimeline t = new CrashTimeline();
        t.put(10, true);
        t.put(20, false);
        t.put(30, true);
        t.put(1_000, false);
        // Keep 100 before the newest: 30 still decides up to 1000, so it stays.
        assertThat(t.prune(100)).containsExactly(10L, 20L);
        assertThat(t.activeAt(500)).isTrue();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.prune(100)).isEmpty();
    }
}
