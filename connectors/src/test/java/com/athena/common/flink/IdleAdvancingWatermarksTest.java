package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watermarks that let a quiet market's bars close, driven by a manual wall clock. */
class IdleAdvancingWatermarksTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    private Long last() {
        return emitted.isEmpty() ? null : emitted.get(emitted.size() - 1);
    }

    @Test
    void boundedOutOfOrdernessWhileEventsFlow() {
        IdleAdvancingWatermarks<String> gen =
                new IdleAdvancingWatermarks<>(5_000, 10_000, wall::get);
        gen.onPeriodicEmit(output);
        assertThat(emitted).as("nothing before the first event").isEmpty();

        gen.onEvent("a", 100_000, output);
        gen.onEvent("b", 90_000, output); // out of order: does not move the watermark back
        gen.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(100_000 - 5_000 - 1);

        wall.addAndGet(9_999); // quiet, but not for long enough
        gen.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(94_999L);
    }

    @Test
    void aQuietInputLetsTheWatermarkFollowTheWallClock() {
        IdleAdvancingWatermarks<String> gen =
                new IdleAdvancingWatermarks<>(5_000, 10_000, wall::get);
        gen.onEvent("a", 100_000, output);
        wall.addAndGet(70_000); // 60 s beyond the quiet period
        gen.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(94_999 + 60_000);

        // Events resume behind the advanced watermark: it never goes back.
        gen.onEvent("c", 101_000, output);
        gen.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(94_999 + 60_000);
        assertThat(emitted).isSorted();
    }

    @Test
    void zeroQuietPeriodDisablesTheAdvance() {
        IdleAdvancingWatermarks<String> gen = new IdleAdvancingWatermarks<>(5_000, 0, wall::get);
        gen.onEvent("a", 100_000, output);
        wall.addAndGet(3_600_000);
        gen.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(94_999L);
        assertThatThrownBy(() -> new IdleAdvancingWatermarks<String>(-1, 0, wall::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
