package com.athena.common.treasury;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;
import com.athena.common.json.RecordParser;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * Parses and validates the JSON cost events (Pub/Sub {@code agent-costs}) and balance events (Kafka
 * {@code treasury.events}), and prices the costs. Anything invalid (broken JSON, a missing or
 * malformed {@code agent_id}, {@code event_id} or {@code timestamp}, an unknown {@code type} or
 * {@code operation}, negative tokens or amounts) is an {@link InvalidRecordException}, whose
 * message becomes the dead letter's reason.
 *
 * <p>Both streams share one format, so either parser accepts either kind: {@code type} absent or
 * {@code cost} is a cost, {@code balance}, {@code deposit} and {@code withdrawal} are balance
 * events.
 */
public final class TreasuryEventParser implements RecordParser<TreasuryEvent> {
    private static final long serialVersionUID = 1L;

    /** Agent ids become Firestore document ids and key the state: no slash, no blanks, bounded. */
    static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}");

    static final int MAX_EVENT_ID = 256;
    static final int MAX_LABEL = 64;

    /** Far beyond any real call; rejects absurd counts before they price absurdly. */
    static final double MAX_TOKENS = 1e12;

    public static final String LLM_CALL = "llm_call";
    public static final String API_CALL = "api_call";
    public static final String LLM_COST = CostCategory.LLM_COST.label();
    public static final String API_COST = CostCategory.API_COST.label();
    public static final String OTHER_COST = CostCategory.OTHER.label();

    private final CostPricing pricing;
    private final long maxFutureMillis;

    public TreasuryEventParser(CostPricing pricing, long maxFutureMillis) {
        this.pricing = pricing;
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public TreasuryEvent parse(String payload, long nowMillis) throws InvalidRecordException {
        return parse(JsonFields.object(payload), nowMillis);
    }

    /** Parses an already-read JSON object. */
    public TreasuryEvent parse(JsonNode node, long nowMillis) throws InvalidRecordException {
        TreasuryEvent e = new TreasuryEvent();
        e.agentId = JsonFields.text(node, "agent_id", 128);
        if (!AGENT_ID.matcher(e.agentId).matches()) {
            throw new InvalidRecordException(
                    "agent_id must match " + AGENT_ID.pattern() + " (no '/', no blanks)");
        }
        e.eventId = JsonFields.text(node, "event_id", MAX_EVENT_ID);
        e.timestamp = JsonFields.timestamp(node, "timestamp", nowMillis, maxFutureMillis);
        String type = JsonFields.optionalText(node, "type", MAX_LABEL);
        e.type = type == null ? TreasuryEventType.COST : TreasuryEventType.fromLabel(type);
        if (e.type == null) {
            throw new InvalidRecordException(
                    "unknown type '" + type + "' (cost, balance, deposit or withdrawal)");
        }
        switch (e.type) {
            case COST -> cost(node, e);
            case BALANCE -> {
                e.balanceUsd = JsonFields.number(node, "balance_usd");
                if (Math.abs(e.balanceUsd) > TreasuryBounds.MAX_BALANCE_USD) {
                    throw new InvalidRecordException(
                            "balance_usd "
                                    + e.balanceUsd
                                    + " is beyond the bound of +/-"
                                    + TreasuryBounds.MAX_BALANCE_USD);
                }
                e.burnEstimate = JsonFields.optionalNumber(node, "daily_burn_rate");
                if (e.burnEstimate < 0) {
                    throw new InvalidRecordException("daily_burn_rate must not be negative");
                }
            }
            case DEPOSIT, WITHDRAWAL -> e.amount = JsonFields.positive(node, "amount");
        }
        if (e.amount > TreasuryBounds.MAX_AMOUNT_USD) {
            throw new InvalidRecordException(
                    "amount "
                            + e.amount
                            + " is above the bound of "
                            + TreasuryBounds.MAX_AMOUNT_USD);
        }
        if (e.burnEstimate > TreasuryBounds.MAX_AMOUNT_USD) {
            throw new InvalidRecordException(
                    "daily_burn_rate "
                            + e.burnEstimate
                            + " is above the bound of "
                            + TreasuryBounds.MAX_AMOUNT_USD);
        }
        return e;
    }

    private void cost(JsonNode node, TreasuryEvent e) throws InvalidRecordException {
        e.operation = JsonFields.optionalText(node, "operation", MAX_LABEL);
        e.model = JsonFields.optionalText(node, "model", 128);
        e.inputTokens = tokens(node, "input_tokens");
        e.outputTokens = tokens(node, "output_tokens");
        String costType = JsonFields.optionalText(node, "cost_type", MAX_LABEL);
        double amount = JsonFields.optionalNumber(node, "amount");
        if (!Double.isNaN(amount)) {
            if (amount < 0) {
                throw new InvalidRecordException("amount must not be negative, got " + amount);
            }
            e.amount = amount;
        } else if (e.operation == null) {
            throw new InvalidRecordException("a cost needs an amount or an operation");
        } else if (e.operation.equals(LLM_CALL)) {
            if (e.inputTokens == null || e.outputTokens == null) {
                throw new InvalidRecordException(
                        "llm_call needs input_tokens and output_tokens (or an amount)");
            }
            e.amount = pricing.llmCall(e.model, e.inputTokens, e.outputTokens);
        } else if (e.operation.equals(API_CALL)) {
            e.amount = pricing.apiCall();
        } else {
            throw new InvalidRecordException(
                    "unknown operation '"
                            + e.operation
                            + "' (llm_call or api_call, or give an amount)");
        }
        e.costType = costType != null ? costType : defaultCostType(e.operation);
    }

    private static String defaultCostType(String operation) {
        if (LLM_CALL.equals(operation)) {
            return LLM_COST;
        }
        if (API_CALL.equals(operation)) {
            return API_COST;
        }
        return OTHER_COST;
    }

    private static Long tokens(JsonNode node, String field) throws InvalidRecordException {
        double d = JsonFields.optionalNumber(node, field);
        if (Double.isNaN(d)) {
            return null;
        }
        if (d < 0) {
            throw new InvalidRecordException(field + " must not be negative, got " + d);
        }
        if (d != Math.rint(d) || d > MAX_TOKENS) {
            throw new InvalidRecordException(field + " must be a whole number up to 1e12");
        }
        return (long) d;
    }
}
