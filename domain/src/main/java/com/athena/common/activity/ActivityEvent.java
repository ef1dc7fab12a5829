package com.athena.common.activity;

import java.util.Arrays;
import java.util.Objects;

/**
 * One agent activity event, as {@link ActivityEventParser} validated it: the common fields, then
 * the fields of its {@link #type} (the others stay null). A flat POJO so that Flink serializes it
 * without Kryo. The fields follow the seed's BigQuery tables ({@code agent_decisions}, {@code
 * memory_formations}, {@code performance_metrics}); docs/activity.md documents the wire schema.
 */
public class ActivityEvent {
    /** Unique per event: a repeated id counts once. */
    public String eventId;

    /** An {@link ActivityType} label. */
    public String type;

    public String agentId;

    /** Event time, epoch millis. */
    public long timestamp;

    // decision (agent_decisions)
    public String decisionId;
    public String decisionType;
    public String decision;
    public String reasoning;
    public Double confidence;
    public String[] memoryContext;

    /** {@code costs_incurred} as compact JSON ({@code [{type, amount, tokens}]}). */
    public String costsJson;

    /** The sum of the amounts of {@code costs_incurred}, USD. */
    public Double decisionCost;

    public String expectedOutcome;
    public String outcome;

    /** The market symbol whose conditions the decision is enriched with; null: the default. */
    public String symbol;

    // memory_formation and memory_recall (memory_formations)
    public String memoryId;
    public String category;
    public Double importance;
    public String content;

    /** {@code metadata} as compact JSON (an object). */
    public String metadataJson;

    public String triggerEvent;
    public Double formationCost;

    // performance_metric (performance_metrics)
    public String metricName;
    public Double metricValue;
    public String metricType;
    public String unit;

    /** {@code labels} as compact JSON (an object). */
    public String labelsJson;

    // protocol_yield (agent_data_protocols, protocol_yields)
    public String protocol;
    public String chain;
    public String pool;

    /** Annual percentage yield, percent (5.2 = 5.2 %). */
    public Double apy;

    public Double tvlUsd;

    public ActivityEvent() {}

    public boolean is(ActivityType t) {
        return t.label().equals(type);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ActivityEvent)) {
            return false;
        }
        ActivityEvent e = (ActivityEvent) o;
        return timestamp == e.timestamp
                && Objects.equals(eventId, e.eventId)
                && Objects.equals(type, e.type)
                && Objects.equals(agentId, e.agentId)
                && Objects.equals(decisionId, e.decisionId)
                && Objects.equals(decisionType, e.decisionType)
                && Objects.equals(decision, e.decision)
                && Objects.equals(reasoning, e.reasoning)
                && Objects.equals(confidence, e.confidence)
                && Arrays.equals(memoryContext, e.memoryContext)
                && Objects.equals(costsJson, e.costsJson)
                && Objects.equals(decisionCost, e.decisionCost)
                && Objects.equals(expectedOutcome, e.expectedOutcome)
                && Objects.equals(outcome, e.outcome)
                && Objects.equals(symbol, e.symbol)
                && Objects.equals(memoryId, e.memoryId)
                && Objects.equals(category, e.category)
                && Objects.equals(importance, e.importance)
                && Objects.equals(content, e.content)
                && Objects.equals(metadataJson, e.metadataJson)
                && Objects.equals(triggerEvent, e.triggerEvent)
                && Objects.equals(formationCost, e.formationCost)
                && Objects.equals(metricName, e.metricName)
                && Objects.equals(metricValue, e.metricValue)
                && Objects.equals(metricType, e.metricType)
                && Objects.equals(unit, e.unit)
                && Objects.equals(labelsJson, e.labelsJson)
                && Objects.equals(protocol, e.protocol)
                && Objects.equals(chain, e.chain)
                && Objects.equals(pool, e.pool)
                && Objects.equals(apy, e.apy)
                && Objects.equals(tvlUsd, e.tvlUsd);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type, agentId, timestamp);
    }

    @Override
    public String toString() {
        return "ActivityEvent{" + type + ' ' + eventId + ' ' + agentId + '@' + timestamp + '}';
    }
}
