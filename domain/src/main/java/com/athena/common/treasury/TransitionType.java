package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/** What a {@link TreasuryTransition} changes; its label is the {@code transition_type} output. */
public enum TransitionType implements Labeled {
    EMOTIONAL_STATE("emotional_state"),
    SURVIVAL_MODE("survival_mode"),
    COST_SAVING_MODE("cost_saving_mode");

    private final String label;

    TransitionType(String label) {
        this.label = label;
    }

    /** The name in {@link TreasuryTransition#transitionType}, the documents and JSON. */
    @Override
    public String label() {
        return label;
    }
}
