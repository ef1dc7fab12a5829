package com.athena.common.treasury;

/**
 * Everything the treasury knows about one agent: a Flink POJO kept in keyed state (public fields,
 * primitive arrays, enums; no generic types), advanced only by {@link TreasuryEngine}.
 *
 * <p>Unknown numbers are NaN; absent days and times are {@link #NONE}.
 */
public class TreasuryState {
    /** An absent day or time. */
    public static final long NONE = Long.MIN_VALUE;

    public String agentId;

    /** The balance in USD; NaN until the first balance, deposit or withdrawal event. */
    public double balance = Double.NaN;

    /** Event time of the last {@code balance} event applied, or {@link #NONE}. */
    public long balanceSetTime = NONE;

    /** Event time of the newest cost, deposit or withdrawal applied, or {@link #NONE}. */
    public long lastDeltaTime = NONE;

    /** The latest {@code daily_burn_rate} estimate of a balance event; NaN if none. */
    public double burnEstimate = Double.NaN;

    /** The UTC day (epoch day) of the agent's first event; days are counted from it. */
    public long firstDay = NONE;

    /** The day accumulating costs, whose close is still to come, or {@link #NONE}. */
    public long openDay = NONE;

    public double openDayCost;
    public long openDayCostCount;
    public double openDayLlmCost;
    public double openDayApiCost;
    public double openDayOtherCost;

    /** The costs of the last completed days: {@code dayCosts[day mod length]}. */
    public double[] dayCosts;

    /** The newest day whose cost in {@link #dayCosts} is final; later days count as 0. */
    public long ringLastDay = NONE;

    /** The state the runway alone gives, with hysteresis; null before the first evaluation. */
    public EmotionalState baseState;

    /** The published state: {@link #baseState}, or {@code desperate} under the crash override. */
    public EmotionalState emotionalState;

    public boolean survivalMode;

    /** Whether the market-crash override applies to this agent now. */
    public boolean crashOverride;

    public boolean costSavingActive;

    /** The day cost-saving mode was activated on, or {@link #NONE}. */
    public long costSavingDay = NONE;

    /** The burn rate and runway of the last evaluation; NaN when unknown. */
    public double burnRate = Double.NaN;

    public double runway = Double.NaN;

    /** Event time of the last step (event, day close, market change), or {@link #NONE}. */
    public long clock = NONE;

    /** Steps taken: numbers the snapshots and transitions, so their ids are deterministic. */
    public long sequence;

    /** Events waiting in the buffer for the watermark (maintained by the Flink function). */
    public int bufferedEvents;

    public TreasuryState() {}

    /** Whether the balance is known. */
    public boolean hasBalance() {
        return !Double.isNaN(balance);
    }
}
