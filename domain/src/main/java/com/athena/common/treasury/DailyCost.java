package com.athena.common.treasury;

import java.util.Objects;

/**
 * One agent's cost aggregation of one UTC day, as of a cost or of the day's close: the Firestore
 * document {@code agent_data_costs/<agent>_<yyyy-mm-dd>}. A Flink POJO.
 */
public class DailyCost {
    public String agentId;

    /** {@code yyyy-mm-dd}, UTC. */
    public String day;

    /** Event time of this update (the cost, or the day's last millisecond), epoch millis. */
    public long timestamp;

    public double totalCost;
    public long costCount;
    public double llmCost;
    public double apiCost;
    public double otherCost;
    public double maxDailyCostUsd;
    public boolean costSavingModeActivated;

    /** Whether the day has closed; its totals are then final. */
    public boolean closed;

    public DailyCost() {}

    /** {@code <agent>_<yyyy-mm-dd>}. */
    public String documentId() {
        return agentId + "_" + day;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DailyCost)) {
            return false;
        }
        DailyCost d = (DailyCost) o;
        return timestamp == d.timestamp
                && Double.compare(totalCost, d.totalCost) == 0
                && costCount == d.costCount
                && Double.compare(llmCost, d.llmCost) == 0
                && Double.compare(apiCost, d.apiCost) == 0
                && Double.compare(otherCost, d.otherCost) == 0
                && Double.compare(maxDailyCostUsd, d.maxDailyCostUsd) == 0
                && costSavingModeActivated == d.costSavingModeActivated
                && closed == d.closed
                && Objects.equals(agentId, d.agentId)
                && Objects.equals(day, d.day);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, day, timestamp);
    }

    @Override
    public String toString() {
        return "DailyCost{"
                + documentId()
                + " total="
                + totalCost
                + " n="
                + costCount
                + (closed ? " closed" : "")
                + "}";
    }
}
