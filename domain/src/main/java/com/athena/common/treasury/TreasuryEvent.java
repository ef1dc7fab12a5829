package com.athena.common.treasury;

import java.util.Objects;

/**
 * A validated cost or balance event of one agent. Costs are priced when parsed, so {@link #amount}
 * is what the event costs; the token counts and model stay for the cost records.
 *
 * <p>A Flink POJO: it is buffered in keyed state until the watermark passes it.
 */
public class TreasuryEvent {
    /** The producer's id of the event; a second event with this id is a duplicate. */
    public String eventId;

    public String agentId;

    /** Event time, epoch millis. */
    public long timestamp;

    public TreasuryEventType type;

    /** Cost: the priced cost; deposit and withdrawal: the amount moved. Zero for balance. */
    public double amount;

    /** Balance: the balance it reports. NaN otherwise. */
    public double balanceUsd = Double.NaN;

    /** Balance: the optional daily burn-rate estimate; NaN when absent. */
    public double burnEstimate = Double.NaN;

    /** Cost: {@code llm_cost}, {@code api_cost} or the producer's own {@code cost_type}. */
    public String costType;

    /** Cost: {@code llm_call} or {@code api_call}, if the event named one. */
    public String operation;

    /** Cost: the LLM model, if named. */
    public String model;

    /** Cost of an LLM call: token counts; null otherwise. */
    public Long inputTokens;

    public Long outputTokens;

    public TreasuryEvent() {}

    /** A cost of a given amount. */
    public static TreasuryEvent cost(
            String eventId, String agentId, long timestamp, double amount, String costType) {
        TreasuryEvent e = base(eventId, agentId, timestamp, TreasuryEventType.COST);
        e.amount = amount;
        e.costType = costType;
        return e;
    }

    /** A balance report, with an optional burn estimate (NaN for none). */
    public static TreasuryEvent balance(
            String eventId, String agentId, long timestamp, double balanceUsd, double estimate) {
        TreasuryEvent e = base(eventId, agentId, timestamp, TreasuryEventType.BALANCE);
        e.balanceUsd = balanceUsd;
        e.burnEstimate = estimate;
        return e;
    }

    /** A deposit or a withdrawal. */
    public static TreasuryEvent transfer(
            String eventId, String agentId, long timestamp, TreasuryEventType type, double amount) {
        if (type != TreasuryEventType.DEPOSIT && type != TreasuryEventType.WITHDRAWAL) {
            throw new IllegalArgumentException("not a transfer: " + type);
        }
        TreasuryEvent e = base(eventId, agentId, timestamp, type);
        e.amount = amount;
        return e;
    }

    private static TreasuryEvent base(
            String eventId, String agentId, long timestamp, TreasuryEventType type) {
        TreasuryEvent e = new TreasuryEvent();
        e.eventId = eventId;
        e.agentId = agentId;
        e.timestamp = timestamp;
        e.type = type;
        return e;
    }

    /** {@code type:event_id}, how outputs name what caused them. */
    public String trigger() {
        return type.label() + ":" + eventId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TreasuryEvent)) {
            return false;
        }
        TreasuryEvent e = (TreasuryEvent) o;
        return timestamp == e.timestamp
                && Double.compare(amount, e.amount) == 0
                && Double.compare(balanceUsd, e.balanceUsd) == 0
                && Double.compare(burnEstimate, e.burnEstimate) == 0
                && Objects.equals(eventId, e.eventId)
                && Objects.equals(agentId, e.agentId)
                && type == e.type
                && Objects.equals(costType, e.costType)
                && Objects.equals(operation, e.operation)
                && Objects.equals(model, e.model)
                && Objects.equals(inputTokens, e.inputTokens)
                && Objects.equals(outputTokens, e.outputTokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, agentId, timestamp, type, amount);
    }

    @Override
    public String toString() {
        return "TreasuryEvent{"
                + agentId
                + " "
                + eventId
                + " "
                + type
                + " @"
                + timestamp
                + " amount="
                + amount
                + (Double.isNaN(balanceUsd) ? "" : " balance=" + balanceUsd)
                + "}";
    }
}
