package com.athena.common.treasury;

import java.util.Objects;

/**
 * A change of an agent's emotional state, survival mode or cost-saving mode, with the numbers that
 * caused it: what goes to Kafka {@code agent.transitions} and Firestore {@code
 * agent_data_system_logs}. A Flink POJO.
 */
public class TreasuryTransition {
    public static final String EMOTIONAL_STATE = TransitionType.EMOTIONAL_STATE.label();
    public static final String SURVIVAL_MODE = TransitionType.SURVIVAL_MODE.label();
    public static final String COST_SAVING_MODE = TransitionType.COST_SAVING_MODE.label();

    /** Deterministic: {@code <agent>_<time>_<step>_<type>}, the Firestore document id. */
    public String transitionId;

    public String agentId;

    /** Event time, epoch millis. */
    public long timestamp;

    /** A {@link TransitionType}'s label: {@link #EMOTIONAL_STATE}, {@link #SURVIVAL_MODE}, ... */
    public String transitionType;

    /**
     * A {@link TransitionEvent}'s label: {@code emotional_state_changed}, {@code
     * survival_mode_activated}, {@code survival_mode_deactivated}, {@code
     * cost_saving_mode_activated} or {@code cost_saving_mode_deactivated}.
     */
    public String event;

    /** The value before; null for an agent's first emotional state. */
    public String from;

    public String to;

    /** Why, readable by a person, with the numbers. */
    public String reason;

    /** What caused the step: {@code cost:<event_id>}, {@code day_close:<day>}, ... */
    public String trigger;

    public double balanceUsd = Double.NaN;

    public double daysUntilBankruptcy = Double.NaN;

    public double dailyBurnRate = Double.NaN;

    public double dailyCostUsd;

    /** The agent's state after the step. */
    public String emotionalState;

    public boolean survivalModeActive;

    public TreasuryTransition() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TreasuryTransition)) {
            return false;
        }
        TreasuryTransition t = (TreasuryTransition) o;
        return timestamp == t.timestamp
                && Objects.equals(transitionId, t.transitionId)
                && Objects.equals(agentId, t.agentId)
                && Objects.equals(transitionType, t.transitionType)
                && Objects.equals(from, t.from)
                && Objects.equals(to, t.to)
                && Objects.equals(reason, t.reason)
                && Objects.equals(trigger, t.trigger);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transitionId);
    }

    @Override
    public String toString() {
        return "TreasuryTransition{" + transitionId + " " + from + "->" + to + ": " + reason + "}";
    }
}
