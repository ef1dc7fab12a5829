package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/**
 * What happened in a {@link TreasuryTransition}; its {@link #label() label}, the name in lower case
 * ({@code emotional_state_changed}, {@code survival_mode_activated}, ...), is the transition's
 * {@code event}.
 */
public enum TransitionEvent implements Labeled {
    EMOTIONAL_STATE_CHANGED(TransitionType.EMOTIONAL_STATE),
    SURVIVAL_MODE_ACTIVATED(TransitionType.SURVIVAL_MODE),
    SURVIVAL_MODE_DEACTIVATED(TransitionType.SURVIVAL_MODE),
    COST_SAVING_MODE_ACTIVATED(TransitionType.COST_SAVING_MODE),
    COST_SAVING_MODE_DEACTIVATED(TransitionType.COST_SAVING_MODE);

    private final TransitionType type;

    TransitionEvent(TransitionType type) {
        this.type = type;
    }

    /** What the event changes. */
    public TransitionType type() {
        return type;
    }

    /** The event of a survival or cost-saving mode turned on ({@code on}) or off. */
    static TransitionEvent mode(TransitionType type, boolean on) {
        return switch (type) {
            case SURVIVAL_MODE -> on ? SURVIVAL_MODE_ACTIVATED : SURVIVAL_MODE_DEACTIVATED;
            case COST_SAVING_MODE -> on ? COST_SAVING_MODE_ACTIVATED : COST_SAVING_MODE_DEACTIVATED;
            case EMOTIONAL_STATE -> throw new IllegalArgumentException("not a mode: " + type);
        };
    }

    /** Whether this event turns a mode on. */
    public boolean activates() {
        return this == SURVIVAL_MODE_ACTIVATED || this == COST_SAVING_MODE_ACTIVATED;
    }

    /** The event named {@code label}, or {@code null} if none is. */
    public static TransitionEvent fromLabel(String label) {
        return Labeled.fromLabel(TransitionEvent.class, label);
    }
}
