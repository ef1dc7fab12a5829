package com.athena.common.activity;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;
import com.athena.common.json.RecordParser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the treasury job's transitions (Kafka {@code agent.transitions}, the JSON of {@code
 * TreasuryKafkaSinks.transitionJson}) as {@link AgentContext}s: {@code transition_id}, {@code
 * agent_id}, {@code event_time} (epoch millis), {@code emotional_state}, {@code
 * survival_mode_active} and {@code days_until_bankruptcy} (null: unknown).
 */
public final class AgentContextParser implements RecordParser<AgentContext> {
    private static final long serialVersionUID = 1L;

    private final long maxFutureMillis;

    public AgentContextParser(long maxFutureMillis) {
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public AgentContext parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        AgentContext c = new AgentContext();
        c.transitionId = JsonFields.text(node, "transition_id", 512);
        c.agentId = JsonFields.text(node, "agent_id", 128);
        c.timestamp = JsonFields.timestamp(node, "event_time", nowMillis, maxFutureMillis);
        c.emotionalState = JsonFields.text(node, "emotional_state", 64);
        JsonNode survival = node.get("survival_mode_active");
        if (survival == null || !survival.isBoolean()) {
            throw new InvalidRecordException("survival_mode_active is not a boolean");
        }
        c.survivalModeActive = survival.asBoolean();
        double runway = JsonFields.optionalNumber(node, "days_until_bankruptcy");
        c.daysUntilBankruptcy = Double.isNaN(runway) ? null : runway;
        return c;
    }
}
