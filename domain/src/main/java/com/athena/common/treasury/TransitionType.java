package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/**
 * What a {@link TreasuryTransition} changes; its {@link #label() label} ({@code emotional_state},
 * {@code survival_mode}, {@code cost_saving_mode}) is the {@code transition_type} output.
 */
public enum TransitionType implements Labeled {
    EMOTIONAL_STATE,
    SURVIVAL_MODE,
    COST_SAVING_MODE
}
