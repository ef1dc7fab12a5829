package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The watermarks that let a quiet market's bars close but never turn a backlog late, driven by a
 * manual clock (the input-activity clock and the age of the source's confirmations alike).
 */
class IdleAdvancingWatermarksTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private final List<String> status = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                    status.add("wm");
                }

                @Override
                public void markIdle() {
                    status.add("idle");
                }

                @Override
                public void markActive() {}
            };

    /** The partition's state as a Kafka source reports it, on the same clock. */
    private final CatchUp partition = new CatchUp(clock::get);

    private IdleAdvancingWatermarks<String> kafkaSplit() {
        return new IdleAdvancingWatermarks<>(5_000, 10_000, 30_000, clock::get, () -> partition);
    }

    private Long last() {
        return emitted.isEmpty() ? null : emitted.get(emitted.size() - 1);
    }

    /** Moves the clock in steps of one second, emitting as the periodic emitter would. */
    private void pass(IdleAdvancingWatermarks<String> gen, long millis, Runnable eachSecond) {
        for (long t = 0; t < millis; t += 1_000) {
            clock.addAndGet(1_000);
            eachSecond.run();
            gen.onPeriodicEmit(output);
        }
    }

    /**
     * The source hands on the record at {@code offset} of the partition and the generator sees it.
     */
    private void record(IdleAdvancingWatermarks<String> gen, long offset, long timestamp) {
        gen.onEvent("r" + offset, timestamp, output);
        partition.emitted(offset);
    }

    @Test
    void boundedOutOfOrdernessWhileEventsFlow() {
        IdleAdvancingWatermarks<String> gen = kafkaSplit();
        gen.onPeriodicEmit(output);
        assertThat(emitted).as("nothing before the first event").isEmpty();

        record(gen, 0, 100_000);
        record(gen, 1, 90_000); // out of order: does not move the watermark back
        gen.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(100_000 - 5_000 - 1);

        // Caught up and quiet, but not for long enough.
        pass(gen, 9_000, () -> partition.confirmEnd(2));
        assertThat(emitted).containsOnly(94_999L);
    }

    @Test
    void aQuietCaughtUpPartitionFollowsTheClock() {
        IdleAdvancingWatermarks<String> gen = kafkaSplit();
        record(gen, 0, 100_000);
        // The broker confirms every second that offset 1 is the end: nothing is left to read.
        pass(gen, 70_000, () -> partition.confirmEnd(1));
        // Quiet time counts from the first confirmation, a second after the event: 70 s later the
        // watermark is 59 s beyond the quiet period.
        assertThat(last()).isEqualTo(94_999 + 59_000);
        assertThat(status).doesNotContain("idle");

        // Events resume behind the advanced watermark: it never goes back.
        record(gen, 1, 101_000);
        gen.onPeriodicEmit(output);
        assertThat(last()).isEqualTo(94_999 + 59_000);
        assertThat(emitted).isSorted();
    }

    @Test
    void aStalledBrokerNeverAdvancesTheWatermark() {
        IdleAdvancingWatermarks<String> gen = kafkaSplit();
        record(gen, 0, 100_000);
        partition.confirmEnd(1);
        // The broker stops answering: no confirmation for 60 s; the last one ages out.
        pass(gen, 60_000, () -> {});
        assertThat(emitted).as("held at the events' watermark").containsOnly(94_999L);
        assertThat(status).as("a partition that may be behind never goes idle").containsOnly("wm");

        // The broker is back and confirms at once: quiet time counts from then, not from the
        // last event 60 s ago, so the backlog that now arrives is not late.
        pass(gen, 9_000, () -> partition.confirmEnd(1));
        assertThat(emitted).containsOnly(94_999L);
        pass(gen, 3_000, () -> partition.confirmEnd(1));
        assertThat(last()).as("11 s of confirmed quiet").isEqualTo(94_999 + 1_000);
    }

    @Test
    void aBacklogNeverAdvancesTheWatermark() {
        IdleAdvancingWatermarks<String> gen = kafkaSplit();
        record(gen, 0, 100_000);
        // The broker answers, but the partition holds records the source has not handed on
        // (a restart reading its backlog, or backpressure holding fetched records).
        pass(gen, 60_000, () -> partition.confirmEnd(500));
        assertThat(emitted).containsOnly(94_999L);
        assertThat(status).doesNotContain("idle");
    }

    @Test
    void withoutCatchUpKnowledgeASplitGoesIdleInsteadOfAdvancing() {
        IdleAdvancingWatermarks<String> gen =
                new IdleAdvancingWatermarks<>(5_000, 10_000, 30_000, clock::get, () -> null);
        gen.onEvent("a", 100_000, output);
        pass(gen, 40_000, () -> {});
        assertThat(emitted).containsOnly(94_999L);
        assertThat(status.get(status.size() - 1)).isEqualTo("idle");

        // The next event makes it active again, with its watermark.
        gen.onEvent("b", 100_500, output);
        gen.onPeriodicEmit(output);
        assertThat(status.get(status.size() - 1)).isEqualTo("wm");
        assertThat(last()).isEqualTo(95_499L);
    }

    @Test
    void zeroQuietPeriodDisablesTheAdvance() {
        IdleAdvancingWatermarks<String> gen =
                new IdleAdvancingWatermarks<>(5_000, 0, 0, clock::get, () -> partition);
        record(gen, 0, 100_000);
        pass(gen, 3_600_000, () -> partition.confirmEnd(1));
        assertThat(emitted).containsOnly(94_999L);
        assertThatThrownBy(
                        () -> new IdleAdvancingWatermarks<String>(-1, 0, 0, clock::get, () -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
