package com.athena.common.treasury;

import java.util.Arrays;
import java.util.Objects;

/**
 * The state of one agent's treasury after one step: an event, the close of a day, or a change of
 * the market-crash override. Unknown numbers are NaN. A Flink POJO.
 */
public class TreasurySnapshot {
    /** After a cost or balance event. */
    public static final String EVENT = SnapshotType.EVENT.label();

    /** At the close of a UTC day on which the agent had an event. */
    public static final String DAY_CLOSE = SnapshotType.DAY_CLOSE.label();

    /** After the market-crash override changed for the agent. */
    public static final String MARKET = SnapshotType.MARKET.label();

    public String agentId;

    /** Event time of the step, epoch millis; a day closes at its last millisecond. */
    public long timestamp;

    /** A {@link SnapshotType}'s label: {@link #EVENT}, {@link #DAY_CLOSE} or {@link #MARKET}. */
    public String snapshotType;

    /** The UTC day of {@link #timestamp}, {@code yyyy-mm-dd}. */
    public String day;

    public double balanceUsd = Double.NaN;

    /** The costs of {@link #day} so far (at its close: all of them). */
    public double dailyCostUsd;

    public long dailyCostCount;

    public double dailyBurnRate = Double.NaN;

    public double daysUntilBankruptcy = Double.NaN;

    public String emotionalState;

    public double confidenceLevel;

    public double riskTolerance;

    public boolean survivalModeActive;

    public boolean costSavingModeActive;

    public boolean marketCrashOverride;

    /** What caused the step: {@code cost:<event_id>}, {@code day_close:<day>}, ... */
    public String trigger;

    /** The transitions of this step, {@code type:from->to}; empty if none. */
    public String[] transitions = new String[0];

    /** The agent's step number. */
    public long sequence;

    public TreasurySnapshot() {}

    /** Whether this step changed the state, the survival mode or the cost-saving mode. */
    public boolean hasTransitions() {
        return transitions != null && transitions.length > 0;
    }

    /** Daily snapshots and snapshots with transitions are the history the analytics keep. */
    public boolean isHistory() {
        return DAY_CLOSE.equals(snapshotType) || hasTransitions();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TreasurySnapshot)) {
            return false;
        }
        TreasurySnapshot s = (TreasurySnapshot) o;
        return timestamp == s.timestamp
                && sequence == s.sequence
                && Double.compare(balanceUsd, s.balanceUsd) == 0
                && Double.compare(dailyCostUsd, s.dailyCostUsd) == 0
                && dailyCostCount == s.dailyCostCount
                && Double.compare(dailyBurnRate, s.dailyBurnRate) == 0
                && Double.compare(daysUntilBankruptcy, s.daysUntilBankruptcy) == 0
                && Double.compare(confidenceLevel, s.confidenceLevel) == 0
                && Double.compare(riskTolerance, s.riskTolerance) == 0
                && survivalModeActive == s.survivalModeActive
                && costSavingModeActive == s.costSavingModeActive
                && marketCrashOverride == s.marketCrashOverride
                && Objects.equals(agentId, s.agentId)
                && Objects.equals(snapshotType, s.snapshotType)
                && Objects.equals(day, s.day)
                && Objects.equals(emotionalState, s.emotionalState)
                && Objects.equals(trigger, s.trigger)
                && Arrays.equals(transitions, s.transitions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, timestamp, snapshotType, sequence);
    }

    @Override
    public String toString() {
        return "TreasurySnapshot{"
                + agentId
                + " "
                + snapshotType
                + " "
                + day
                + " @"
                + timestamp
                + " balance="
                + balanceUsd
                + " dayCost="
                + dailyCostUsd
                + " burn="
                + dailyBurnRate
                + " runway="
                + daysUntilBankruptcy
                + " "
                + emotionalState
                + (survivalModeActive ? " survival" : "")
                + (costSavingModeActive ? " cost-saving" : "")
                + (marketCrashOverride ? " crash-override" : "")
                + " "
                + Arrays.toString(transitions)
                + "}";
    }
}
