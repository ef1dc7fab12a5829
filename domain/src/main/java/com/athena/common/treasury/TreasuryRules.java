package com.athena.common.treasury;

import java.io.Serializable;
import java.util.Objects;

/**
 * Every number of the treasury rules, with the defaults ({@link #DEFAULT}).
 *
 * @param burnWindowDays the burn rate is the mean of at most this many completed days (7)
 * @param stableRunwayDays a runway of at least this is {@code stable} (30)
 * @param desperateRunwayDays a runway below this is {@code desperate} (6)
 * @param hysteresis moving up to a better state needs its threshold times this (1.1)
 * @param maxDailyCostUsd a day's cost above this activates cost-saving mode (5.00)
 */
public record TreasuryRules(
        int burnWindowDays,
        double stableRunwayDays,
        double desperateRunwayDays,
        double hysteresis,
        Mood stable,
        Mood cautious,
        Mood desperate,
        double maxDailyCostUsd,
        CrashRules crash)
        implements Serializable {

    /** Confidence level and risk tolerance of one emotional state. */
    public record Mood(double confidenceLevel, double riskTolerance) implements Serializable {}

    /** The and seed 002's numbers. */
    public static final TreasuryRules DEFAULT =
            new TreasuryRules(
                    7,
                    30.0,
                    6.0,
                    1.1,
                    new Mood(0.75, 0.6),
                    new Mood(0.65, 0.4),
                    new Mood(0.5, 0.1),
                    5.00,
                    CrashRules.DEFAULT);

    public TreasuryRules {
        if (burnWindowDays < 1) {
            throw new IllegalArgumentException("burnWindowDays must be at least 1");
        }
        if (!(desperateRunwayDays > 0) || !(stableRunwayDays > desperateRunwayDays)) {
            throw new IllegalArgumentException(
                    "need 0 < desperateRunwayDays < stableRunwayDays, got "
                            + desperateRunwayDays
                            + " and "
                            + stableRunwayDays);
        }
        if (!(hysteresis >= 1)) {
            throw new IllegalArgumentException("hysteresis must be at least 1");
        }
        if (!(maxDailyCostUsd >= 0)) {
            throw new IllegalArgumentException("maxDailyCostUsd must not be negative");
        }
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(cautious, "cautious");
        Objects.requireNonNull(desperate, "desperate");
        Objects.requireNonNull(crash, "crash");
    }

    /**
     * Runways are quotients of sums of doubles: 19.8 / 3.0 and 6 * 1.1 differ in the last bit.
     * Thresholds are therefore met within a relative 1e-9, far below any cent of a runway.
     */
    static final double RELATIVE_TOLERANCE = 1e-9;

    /** The state a runway alone gives, without hysteresis. */
    public EmotionalState classify(double runwayDays) {
        if (reaches(runwayDays, stableRunwayDays)) {
            return EmotionalState.STABLE;
        }
        return reaches(runwayDays, desperateRunwayDays)
                ? EmotionalState.CAUTIOUS
                : EmotionalState.DESPERATE;
    }

    /** {@code value >= threshold}, within {@link #RELATIVE_TOLERANCE}. */
    static boolean reaches(double value, double threshold) {
        return value >= threshold - RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(threshold));
    }

    /**
     * The next state from {@code current} and a runway (NaN: unknown). A worse state is entered at
     * once; a better one only when the runway reaches its threshold times the hysteresis (from
     * {@code desperate} straight to {@code stable} if the runway reaches that one's). An unknown
     * runway keeps the current state, or gives {@code stable} when there is none.
     */
    public EmotionalState next(EmotionalState current, double runwayDays) {
        if (Double.isNaN(runwayDays)) {
            return current == null ? EmotionalState.STABLE : current;
        }
        EmotionalState raw = classify(runwayDays);
        if (current == null || raw.worseThan(current)) {
            return raw;
        }
        if (current == raw) {
            return current;
        }
        if (reaches(runwayDays, stableRunwayDays * hysteresis)) {
            return EmotionalState.STABLE;
        }
        if (current == EmotionalState.DESPERATE
                && reaches(runwayDays, desperateRunwayDays * hysteresis)) {
            return EmotionalState.CAUTIOUS;
        }
        return current;
    }

    /** The confidence level and risk tolerance that go with a state. */
    public Mood mood(EmotionalState state) {
        return switch (state) {
            case STABLE -> stable;
            case CAUTIOUS -> cautious;
            case DESPERATE -> desperate;
        };
    }
}
