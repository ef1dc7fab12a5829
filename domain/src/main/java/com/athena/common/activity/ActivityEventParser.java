package com.athena.common.activity;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;
import com.athena.common.json.RecordParser;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * Parses and validates agent activity events (Pub/Sub {@code agent-activity}): a JSON object with
 * {@code event_id}, {@code type}, {@code agent_id}, {@code timestamp} and the fields of its type,
 * named like the columns of the seed's tables (docs/activity.md lists them). Anything invalid is an
 * {@link InvalidRecordException}, whose message becomes the dead letter's reason.
 */
public final class ActivityEventParser implements RecordParser<ActivityEvent> {
    private static final long serialVersionUID = 1L;

    /** Ids that become Firestore document ids and key state: no slash, no blanks, bounded. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}");

    static final int MAX_EVENT_ID = 256;
    static final int MAX_LABEL = 64;
    static final int MAX_TEXT = 10_000;

    /** The most memories one decision may name: far beyond a real context. */
    static final int MAX_MEMORY_CONTEXT = 1_000;

    private final long maxFutureMillis;

    public ActivityEventParser(long maxFutureMillis) {
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public ActivityEvent parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        ActivityEvent e = new ActivityEvent();
        e.eventId = JsonFields.text(node, "event_id", MAX_EVENT_ID);
        String typeLabel = JsonFields.text(node, "type", MAX_LABEL);
        ActivityType type = ActivityType.fromLabel(typeLabel);
        if (type == null) {
            throw new InvalidRecordException("unknown type '" + typeLabel + "'");
        }
        e.type = type.label();
        e.agentId = id(node, "agent_id");
        e.timestamp = JsonFields.timestamp(node, "timestamp", nowMillis, maxFutureMillis);
        switch (type) {
            case DECISION -> decision(node, e);
            case MEMORY_FORMATION -> formation(node, e);
            case MEMORY_RECALL -> e.memoryId = id(node, "memory_id");
            case PERFORMANCE_METRIC -> metric(node, e);
            case PROTOCOL_YIELD -> protocolYield(node, e);
            default -> throw new IllegalStateException(type.name());
        }
        return e;
    }

    private static void decision(JsonNode node, ActivityEvent e) throws InvalidRecordException {
        String decisionId = JsonFields.optionalText(node, "decision_id", MAX_EVENT_ID);
        e.decisionId = decisionId != null ? decisionId : e.eventId;
        e.decisionType = JsonFields.text(node, "decision_type", MAX_LABEL);
        e.decision = JsonFields.optionalText(node, "decision", MAX_TEXT);
        e.reasoning = JsonFields.optionalText(node, "reasoning", MAX_TEXT);
        e.confidence = unit(node, "confidence");
        e.memoryContext = memoryContext(node);
        e.expectedOutcome = JsonFields.optionalText(node, "expected_outcome", MAX_TEXT);
        e.outcome = JsonFields.optionalText(node, "outcome", MAX_LABEL);
        e.symbol = JsonFields.optionalText(node, "symbol", MAX_LABEL);
        JsonNode costs = node.get("costs_incurred");
        if (costs == null || costs.isNull()) {
            e.decisionCost = 0.0;
            e.costsJson = "[]";
            return;
        }
        if (!costs.isArray()) {
            throw new InvalidRecordException("costs_incurred is not an array");
        }
        double total = 0;
        for (JsonNode cost : costs) {
            if (!cost.isObject()) {
                throw new InvalidRecordException("costs_incurred holds a non-object");
            }
            JsonFields.text(cost, "type", MAX_LABEL);
            double amount = JsonFields.number(cost, "amount");
            if (amount < 0) {
                throw new InvalidRecordException("costs_incurred amount is negative");
            }
            double tokens = JsonFields.optionalNumber(cost, "tokens");
            if (tokens < 0) {
                throw new InvalidRecordException("costs_incurred tokens is negative");
            }
            total += amount;
        }
        if (!Double.isFinite(total)) {
            throw new InvalidRecordException("costs_incurred sum is not finite");
        }
        e.decisionCost = total;
        e.costsJson = costs.toString();
    }

    private static String[] memoryContext(JsonNode node) throws InvalidRecordException {
        JsonNode context = node.get("memory_context");
        if (context == null || context.isNull()) {
            return new String[0];
        }
        if (!context.isArray()) {
            throw new InvalidRecordException("memory_context is not an array");
        }
        if (context.size() > MAX_MEMORY_CONTEXT) {
            throw new InvalidRecordException(
                    "memory_context holds more than " + MAX_MEMORY_CONTEXT + " ids");
        }
        String[] ids = new String[context.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = context.get(i);
            if (!id.isTextual() || !ID.matcher(id.asText()).matches()) {
                throw new InvalidRecordException("memory_context holds an invalid memory id");
            }
            ids[i] = id.asText();
        }
        return ids;
    }

    private static void formation(JsonNode node, ActivityEvent e) throws InvalidRecordException {
        e.memoryId = id(node, "memory_id");
        e.category = JsonFields.text(node, "category", MAX_LABEL);
        e.importance = unit(node, "importance");
        e.content = JsonFields.optionalText(node, "content", MAX_TEXT);
        e.metadataJson = object(node, "metadata");
        e.triggerEvent = JsonFields.optionalText(node, "trigger_event", MAX_TEXT);
        e.formationCost = nonNegative(node, "formation_cost");
    }

    private static void metric(JsonNode node, ActivityEvent e) throws InvalidRecordException {
        e.metricName = JsonFields.text(node, "metric_name", MAX_LABEL);
        e.metricValue = JsonFields.number(node, "metric_value");
        e.metricType = JsonFields.optionalText(node, "metric_type", MAX_LABEL);
        if (e.metricType != null
                && !e.metricType.equals("gauge")
                && !e.metricType.equals("counter")
                && !e.metricType.equals("timer")) {
            throw new InvalidRecordException("metric_type must be gauge, counter or timer");
        }
        e.unit = JsonFields.optionalText(node, "unit", MAX_LABEL);
        e.labelsJson = object(node, "labels");
    }

    private static void protocolYield(JsonNode node, ActivityEvent e)
            throws InvalidRecordException {
        e.protocol = id(node, "protocol");
        e.chain = JsonFields.optionalText(node, "chain", MAX_LABEL);
        e.pool = JsonFields.optionalText(node, "pool", MAX_LABEL);
        e.apy = JsonFields.number(node, "apy");
        if (e.apy < -100 || e.apy > 1e6) {
            throw new InvalidRecordException("apy must lie in [-100, 1e6] percent");
        }
        e.tvlUsd = nonNegative(node, "tvl_usd");
    }

    private static String id(JsonNode node, String field) throws InvalidRecordException {
        String id = JsonFields.text(node, field, 128);
        if (!ID.matcher(id).matches()) {
            throw new InvalidRecordException(
                    field + " must match " + ID.pattern() + " (no '/', no blanks)");
        }
        return id;
    }

    /** An optional number in [0, 1]; null when absent. */
    private static Double unit(JsonNode node, String field) throws InvalidRecordException {
        double d = JsonFields.optionalNumber(node, field);
        if (Double.isNaN(d)) {
            return null;
        }
        if (d < 0 || d > 1) {
            throw new InvalidRecordException(field + " must lie in [0, 1], got " + d);
        }
        return d;
    }

    /** An optional number at least 0 and below 1e12; null when absent. */
    private static Double nonNegative(JsonNode node, String field) throws InvalidRecordException {
        double d = JsonFields.optionalNumber(node, field);
        if (Double.isNaN(d)) {
            return null;
        }
        if (d < 0 || d >= 1e12) {
            throw new InvalidRecordException(field + " must lie in [0, 1e12), got " + d);
        }
        return d;
    }

    /** An optional JSON object as compact JSON; null when absent. */
    private static String object(JsonNode node, String field) throws InvalidRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidRecordException(field + " is not a JSON object");
        }
        return value.toString();
    }
}
