package com.athena.common.flink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A keyed operator's count of live keys, as a gauge per subtask (sum over subtasks for the job),
 * and the counter of keys cleared for idleness.
 *
 * <p>A key is counted when this instance first creates or touches its state and uncounted when its
 * state is cleared. The state records which instance counted it ({@link #run()}, random per
 * instance): after a restore or fail-over, restored keys are counted when they are next touched (an
 * event or their clean-up timer, so within one retention), never twice, and a key cleared before it
 * was counted is not subtracted. Only the task thread writes; the reporter reads a volatile.
 */
public final class LiveKeys {
    /** Counter of keys whose state was cleared after the idle retention. */
    public static final String METRIC_IDLE_CLEARED = "idleKeysCleared";

    private final long run;
    private final Counter cleared;
    private volatile long live;

    public LiveKeys(MetricGroup group, String gauge) {
        long r;
        do {
            r = ThreadLocalRandom.current().nextLong();
        } while (r == 0);
        this.run = r;
        group.gauge(gauge, (Gauge<Long>) () -> live);
        this.cleared = group.counter(METRIC_IDLE_CLEARED);
    }

    /** The mark a key's state carries once this instance counts it; never 0. */
    public long run() {
        return run;
    }

    /**
     * Counts a key whose state carries {@code countedBy}, unless this instance counts it already.
     * Returns whether it was counted now (then the state must be saved with {@link #run()}).
     */
    public boolean touch(long countedBy) {
        if (countedBy == run) {
            return false;
        }
        live++;
        return true;
    }

    /** A key's state was cleared (its bars closed, or idle). */
    public void removed(long countedBy) {
        if (countedBy == run) {
            live--;
        }
    }

    /** A key's state was cleared after the idle retention: uncounted and counted as cleared. */
    public void idleCleared(long countedBy) {
        removed(countedBy);
        cleared.inc();
    }

    /** Keys counted live by this instance. */
    public long live() {
        return live;
    }

    /** Keys cleared for idleness by this instance. */
    public long idleClearedCount() {
        return cleared.getCount();
    }
}
