package com.athena.common.indicators;

import com.athena.common.market.Timeframe;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link IndicatorState#update} allocates nothing: a market job calls it once per bar per symbol
 * and timeframe, so garbage there would be paid for at every bar.
 *
 * <p>Counts the bytes this thread allocates (HotSpot's per-thread allocation counter, which is
 * exact and unaffected by other threads or GC) around a million updates after warm-up. Nothing is
 * timed.
 */
class IndicatorStateAllocationTest {

    @Test
    void millionUpdatesAfterWarmUpAllocateNothing() {
        java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "HotSpot allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();

        IndicatorState state = new IndicatorState(Timeframe.M1);
        IndicatorValues out = new IndicatorValues();
        // Long enough for the JIT to compile the loop: compilation can cost a few hundred bytes
        // once.
        double checksum = run(state, out, 0, 200_000);
        // Calls once so that any one-time allocation of the counter itself is behind us.
        threads.getThreadAllocatedBytes(thread);

        long before = threads.getThreadAllocatedBytes(thread);
        checksum += run(state, out, 200_000, 1_200_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        System.out.println("bytes allocated by 1,000,000 IndicatorState updates: " + allocated);
        // Keeps the JIT from discarding the loop as dead code.
        assertThat(checksum).isNotNaN();
        assertThat(out.ema200).isNotNaN();
        assertThat(allocated).as("bytes allocated by 1,000,000 updates").isLessThan(1024);
    }

    /** Feeds a deterministic random-walk-like series computed on the fly (no input arrays). */
    private static double run(IndicatorState state, IndicatorValues out, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double close = 20_000 + 500 * Math.sin(i * 0.001) + 40 * Math.sin(i * 0.37);
            double range = 5 + 3 * Math.abs(Math.sin(i * 0.11));
            state.update(close, close + range, close - range, close, out);
            if (!Double.isNaN(out.macdHistogram)) {
                sum += out.macdHistogram;
            }
        }
        return sum;
    }
}
