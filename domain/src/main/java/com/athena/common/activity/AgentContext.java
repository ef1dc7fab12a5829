package com.athena.common.activity;

import java.util.Objects;

/**
 * An agent's treasury state from one of the treasury job's transitions (Kafka {@code
 * agent.transitions}): the emotional state, survival mode and runway that hold from {@link
 * #timestamp} (event time) until the agent's next transition.
 */
public class AgentContext {
    public String agentId;

    /** Event time of the transition, epoch millis. */
    public long timestamp;

    /** The transition's id, so that a repeated transition is recognised. */
    public String transitionId;

    public String emotionalState;
    public boolean survivalModeActive;

    /** Runway in days as of the transition; null while unknown. */
    public Double daysUntilBankruptcy;

    public AgentContext() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentContext)) {
            return false;
        }
        AgentContext c = (AgentContext) o;
        return timestamp == c.timestamp
                && survivalModeActive == c.survivalModeActive
                && Objects.equals(agentId, c.agentId)
                && Objects.equals(transitionId, c.transitionId)
                && Objects.equals(emotionalState, c.emotionalState)
                && Objects.equals(daysUntilBankruptcy, c.daysUntilBankruptcy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, timestamp, transitionId);
    }

    @Override
    public String toString() {
        return "AgentContext{"
                + agentId
                + '@'
                + timestamp
                + ' '
                + emotionalState
                + " survival="
                + survivalModeActive
                + " runway="
                + daysUntilBankruptcy
                + '}';
    }
}
