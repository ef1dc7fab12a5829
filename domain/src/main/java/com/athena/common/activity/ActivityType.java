package com.athena.common.activity;

/** The kinds of agent activity event, by their {@code type} label on the wire. */
public enum ActivityType {
    DECISION("decision"),
    MEMORY_FORMATION("memory_formation"),
    MEMORY_RECALL("memory_recall"),
    PERFORMANCE_METRIC("performance_metric"),
    PROTOCOL_YIELD("protocol_yield");

    private final String label;

    ActivityType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The type of a label, or null if none has it. */
    public static ActivityType fromLabel(String label) {
        for (ActivityType type : values()) {
            if (type.label.equals(label)) {
                return type;
            }
        }
        return null;
    }
}
