package com.athena.common.flink;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a key's state is cleared: once it has seen no activity for the retention, in event time.
 *
 * <p>Each key keeps one clean-up timer. Activity only moves {@link KeyActivity#lastActivity}; the
 * timer is not touched on every event. When it fires, a key that was active since gets the next
 * timer (its last activity plus the retention) and a key that was not is cleared. So the timers
 * cost one registration per retention per key, whatever the key's event rate, and an idle key is
 * cleared exactly one retention after its last activity, as soon as the watermark passes that time.
 *
 * <p>Pure: the Flink function loads the {@link KeyActivity}, calls this, registers the timer it
 * returns and clears or saves the state.
 */
public final class IdleKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@link #onActivity} needs no new timer. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** What a fired timer means for the key. */
    public enum Fired {
        /** Not the key's clean-up timer (another timer of the function at the same key). */
        NOT_CLEANUP,
        /** Idle for the retention: clear the key's state. */
        CLEAR,
        /** Active since the timer was set: register {@link KeyActivity#timer} again. */
        RESCHEDULE
    }

    private final long retentionMillis;

    public IdleKeys(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, got " + retention);
        }
        this.retentionMillis = retention.toMillis();
    }

    public long retentionMillis() {
        return retentionMillis;
    }

    /**
     * Records activity at {@code eventTime}. Returns a new {@link KeyActivity} for a key without
     * one (check {@link KeyActivity#timer} to register) or the same one updated.
     */
    public KeyActivity onActivity(KeyActivity activity, long eventTime) {
        if (activity == null) {
            KeyActivity a = new KeyActivity();
            a.lastActivity = eventTime;
            a.timer = plus(eventTime, retentionMillis);
            return a;
        }
        // Out-of-order activity never moves the clock back.
        activity.lastActivity = Math.max(activity.lastActivity, eventTime);
        return activity;
    }

    /** Whether {@link #onActivity} created the activity: its timer must be registered. */
    public static boolean isNew(KeyActivity before) {
        return before == null;
    }

    /**
     * A timer at {@code timestamp} fired. {@link Fired#RESCHEDULE} has set {@link
     * KeyActivity#timer} to the next clean-up time.
     */
    public Fired onTimer(KeyActivity activity, long timestamp) {
        if (activity == null || timestamp != activity.timer) {
            return Fired.NOT_CLEANUP;
        }
        long due = plus(activity.lastActivity, retentionMillis);
        if (due <= timestamp) {
            return Fired.CLEAR;
        }
        activity.timer = due;
        return Fired.RESCHEDULE;
    }

    private static long plus(long time, long millis) {
        long sum = time + millis;
        // Saturates instead of wrapping for times near Long.MAX_VALUE.
        return sum < time ? Long.MAX_VALUE : sum;
    }
}
