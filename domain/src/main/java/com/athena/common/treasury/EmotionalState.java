package com.athena.common.treasury;

/** The agent's emotional state, from its runway; ordered from best to worst. */
public enum EmotionalState {
    STABLE("stable"),
    CAUTIOUS("cautious"),
    DESPERATE("desperate");

    private final String label;

    EmotionalState(String label) {
        this.label = label;
    }

    /** The name in the documents, rows and CSV. */
    public String label() {
        return label;
    }

    /** True if this state is worse (closer to bankruptcy) than {@code other}. */
    public boolean worseThan(EmotionalState other) {
        return ordinal() > other.ordinal();
    }

    /** The label of a possibly absent state. */
    public static String label(EmotionalState state) {
        return state == null ? null : state.label;
    }
}
