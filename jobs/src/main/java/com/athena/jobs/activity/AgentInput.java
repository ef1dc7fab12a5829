package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.AgentContext;

/**
 * The keyed input of the enrichment: a decision or one of the agent's treasury contexts, so that
 * both reach the same keyed state. Exactly one field is set.
 */
public class AgentInput {
    public ActivityEvent decision;
    public AgentContext context;

    public AgentInput() {}

    public static AgentInput decision(ActivityEvent decision) {
        AgentInput in = new AgentInput();
        in.decision = decision;
        return in;
    }

    public static AgentInput context(AgentContext context) {
        AgentInput in = new AgentInput();
        in.context = context;
        return in;
    }

    public String agentId() {
        return decision != null ? decision.agentId : context.agentId;
    }
}
