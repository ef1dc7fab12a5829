package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/** What happened in a {@link TreasuryTransition}; its label is the transition's {@code event}. */
public enum TransitionEvent implements Labeled {
    EMOTIONAL_STATE_CHANGED(TransitionType.EMOTIONAL_STATE, "emotional_state_changed"),
    SURVIVAL_MODE_ACTIVATED(TransitionType.SURVIVAL_MODE, "survival_mode_activated"),
    SURVIVAL_MODE_DEACTIVATED(TransitionType.SURVIVAL_MODE, "survival_mode_deactivated"),
    COST_SAVING_MODE_ACTIVATED(TransitionType.COST_SAVING_MODE, "cost_saving_mode_activated"),
    COST_SAVING_MODE_DEACTIVATED(TransitionType.COST_SAVING_MODE, "cost_saving_mode_deactivated");

    private final TransitionType type;
    private final String label;

    TransitionEvent(TransitionType type, String label) {
        this.type = type;
        this.label = label;
    }

    /** What the event changes. */
    public TransitionType type() {
        return type;
    }

    /** The name in {@link TreasuryTransition#event}. */
    @Override
    public String label() {
        return label;
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
