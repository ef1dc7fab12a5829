package com.athena.common.treasury;

import java.util.Objects;

/**
 * One applied cost, priced, with the day's running total: a row of BigQuery {@code cost_tracking}
 * and TimescaleDB {@code cost_events}. A Flink POJO.
 */
public class CostRecord {
    public String agentId;
    public String eventId;

    /** Event time, epoch millis. */
    public long timestamp;

    /** The UTC day of the cost, {@code yyyy-mm-dd}. */
    public String day;

    public String costType;
    public String operation;
    public String model;
    public Long inputTokens;
    public Long outputTokens;
    public double amount;

    /** The day's cost including this one; NaN when the day is no longer kept (a late cost). */
    public double dailyTotal = Double.NaN;

    /** Whether it arrived after the watermark had passed it. */
    public boolean late;

    public CostRecord() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CostRecord)) {
            return false;
        }
        CostRecord c = (CostRecord) o;
        return timestamp == c.timestamp
                && Double.compare(amount, c.amount) == 0
                && Double.compare(dailyTotal, c.dailyTotal) == 0
                && late == c.late
                && Objects.equals(agentId, c.agentId)
                && Objects.equals(eventId, c.eventId)
                && Objects.equals(day, c.day)
                && Objects.equals(costType, c.costType)
                && Objects.equals(operation, c.operation)
                && Objects.equals(model, c.model)
                && Objects.equals(inputTokens, c.inputTokens)
                && Objects.equals(outputTokens, c.outputTokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, eventId, timestamp);
    }

    @Override
    public String toString() {
        return "CostRecord{" + agentId + " " + eventId + " " + amount + " day=" + dailyTotal + "}";
    }
}
