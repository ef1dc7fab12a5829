package com.athena.common.treasury;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.athena.common.treasury.TreasuryState.NONE;

/**
 * The treasury rules, applied to one agent's {@link TreasuryState}: costs and balance events, day
 * closes, burn rate, runway, emotional state with hysteresis, survival mode with the market-crash
 * override, cost-saving mode, and the transitions between them. Pure Java: the Flink function only
 * orders the calls (event time) and routes the output.
 *
 * <p>The agent's {@link TreasuryState#clock clock} is the event time of its last step. {@link
 * #onEvent} first {@link #advance advances} the agent to the event's time (closing the days that
 * ended before it and applying the override changes up to it), then applies the event. An event
 * before the clock, or on a day already closed, is <em>late</em>: costs, deposits and withdrawals
 * still count (they commute), a {@code balance} report counts only if no newer treasury event was
 * applied; the state is then re-evaluated at the clock.
 */
public final class TreasuryEngine implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DAY_MILLIS = 86_400_000L;

    /** What became of an event. */
    public enum Outcome {
        APPLIED,
        /** Applied out of event-time order: it came after the agent had moved past it. */
        APPLIED_LATE,
        /** A late balance report older than treasury events already applied: ignored. */
        REJECTED_LATE
    }

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final TreasuryRules rules;

    public TreasuryEngine(TreasuryRules rules) {
        this.rules = rules;
    }

    public TreasuryRules rules() {
        return rules;
    }

    /** The UTC day (epoch day) of an event time. */
    public static long day(long millis) {
        return Math.floorDiv(millis, DAY_MILLIS);
    }

    /** The close of a day: its last millisecond, so the snapshot falls on the day it closes. */
    public static long closeTime(long day) {
        return (day + 1) * DAY_MILLIS - 1;
    }

    /** {@code yyyy-mm-dd}. */
    public static String date(long day) {
        return LocalDate.ofEpochDay(day).toString();
    }

    /** Applies one event; see the class comment for late events. */
    public Outcome onEvent(
            TreasuryState s, TreasuryEvent e, CrashTimeline market, TreasuryOutput out) {
        if (s.agentId == null) {
            s.agentId = e.agentId;
            s.firstDay = day(e.timestamp);
            s.crashOverride = market.activeAt(e.timestamp);
        }
        ensureRing(s);
        long d = day(e.timestamp);
        if (s.clock != NONE
                && (e.timestamp < s.clock || (s.ringLastDay != NONE && d <= s.ringLastDay))) {
            return late(s, e, market, out);
        }
        advance(s, e.timestamp, false, market, out);
        if (s.openDay == NONE) {
            s.openDay = d;
        }
        String costSaving = null;
        if (e.type == TreasuryEventType.COST) {
            applyAmount(s, e);
            addCost(s, e);
            costSaving = checkCostSaving(s);
            out.cost(costRecord(s, e, s.openDayCost, false));
            out.dailyCost(dailyCost(s, e.timestamp, false));
        } else if (e.type == TreasuryEventType.BALANCE) {
            applyBalance(s, e);
        } else {
            applyAmount(s, e);
        }
        s.clock = e.timestamp;
        evaluate(
                s,
                e.timestamp,
                burnBefore(s, d),
                e.trigger(),
                TreasurySnapshot.EVENT,
                costSaving,
                s.crashOverride,
                out);
        return Outcome.APPLIED;
    }

    /**
     * Moves the agent to {@code time}: closes its open day if it closed before {@code time} (at or
     * before, if {@code inclusive}), and applies every change of the crash override up to {@code
     * time}, in event-time order. Does nothing for an agent without events.
     */
    public void advance(
            TreasuryState s,
            long time,
            boolean inclusive,
            CrashTimeline market,
            TreasuryOutput out) {
        if (s.agentId == null) {
            return;
        }
        while (true) {
            long close = s.openDay == NONE ? Long.MAX_VALUE : closeTime(s.openDay);
            boolean closeDue = s.openDay != NONE && (inclusive ? close <= time : close < time);
            long change = nextMarketChange(s, market);
            boolean changeDue = change != Long.MAX_VALUE && change <= time;
            if (closeDue && (!changeDue || close <= change)) {
                closeDay(s);
                evaluateClose(s, out);
            } else if (changeDue) {
                applyMarket(s, change, market, out);
            } else {
                return;
            }
        }
    }

    /**
     * When the agent next has something to do without a new event: the close of its open day or the
     * next change of the override, whichever comes first; {@link Long#MAX_VALUE} if nothing.
     */
    public long nextWakeUp(TreasuryState s, CrashTimeline market) {
        if (s.agentId == null) {
            return Long.MAX_VALUE;
        }
        long close = s.openDay == NONE ? Long.MAX_VALUE : closeTime(s.openDay);
        return Math.min(close, nextMarketChange(s, market));
    }

    /**
     * The event time of the next override change for this agent: its clock if a signal it has not
     * seen already applies there (a snapshot that arrived late), else the first signal after the
     * clock that differs from its override.
     */
    long nextMarketChange(TreasuryState s, CrashTimeline market) {
        if (s.clock == NONE) {
            return Long.MAX_VALUE;
        }
        if (market.activeAt(s.clock) != s.crashOverride) {
            return s.clock;
        }
        return market.nextChangeAfter(s.clock, s.crashOverride);
    }

    /** The burn rate before day {@code d}: see the README's rules table. NaN when unknown. */
    public double burnBefore(TreasuryState s, long d) {
        if (s.firstDay == NONE) {
            return Double.NaN;
        }
        long k = d - s.firstDay;
        if (k <= 0) {
            return s.burnEstimate;
        }
        int n = (int) Math.min(rules.burnWindowDays(), k);
        double sum = 0;
        for (long j = d - n; j < d; j++) {
            sum += completedDayCost(s, j);
        }
        return sum / n;
    }

    /** {@code balance / burn}; NaN while either is unknown or the burn is 0. */
    public static double runway(double balance, double burn) {
        if (Double.isNaN(balance) || Double.isNaN(burn) || burn == 0) {
            return Double.NaN;
        }
        return balance / burn;
    }

    private Outcome late(
            TreasuryState s, TreasuryEvent e, CrashTimeline market, TreasuryOutput out) {
        long d = day(e.timestamp);
        String costSaving = null;
        if (e.type == TreasuryEventType.BALANCE
                && (e.timestamp < s.balanceSetTime || e.timestamp < s.lastDeltaTime)) {
            out.rejected(
                    e,
                    "late balance event: treasury events after "
                            + Instant.ofEpochMilli(e.timestamp)
                            + " were already applied, so the reported balance is stale");
            return Outcome.REJECTED_LATE;
        }
        // The agent's current day, not yet closed (its clock was moved into it by a market
        // change): the event belongs to it like any other, so the day gets its close.
        boolean inProgress =
                s.openDay == NONE
                        && closeTime(d) > s.clock
                        && (s.ringLastDay == NONE || d > s.ringLastDay);
        boolean openDay = d == s.openDay || inProgress;
        if (inProgress) {
            s.openDay = d;
        }
        if (e.type == TreasuryEventType.BALANCE) {
            applyBalance(s, e);
        } else {
            applyAmount(s, e);
        }
        if (e.type == TreasuryEventType.COST) {
            if (openDay) {
                addCost(s, e);
                costSaving = checkCostSaving(s);
                out.cost(costRecord(s, e, s.openDayCost, true));
                out.dailyCost(dailyCost(s, s.clock, false));
            } else {
                out.cost(costRecord(s, e, correctClosedDay(s, d, e.amount), true));
            }
        }
        evaluate(
                s,
                s.clock,
                burnBefore(s, day(s.clock)),
                e.trigger(),
                TreasurySnapshot.EVENT,
                costSaving,
                s.crashOverride,
                out);
        return Outcome.APPLIED_LATE;
    }

    private void applyBalance(TreasuryState s, TreasuryEvent e) {
        s.balance = e.balanceUsd;
        s.balanceSetTime = Math.max(s.balanceSetTime, e.timestamp);
        if (!Double.isNaN(e.burnEstimate)) {
            s.burnEstimate = e.burnEstimate;
        }
    }

    /**
     * Costs and withdrawals subtract, deposits add. A deposit or withdrawal on an unknown balance
     * starts it from 0; a cost leaves an unknown balance unknown (it says nothing of what the agent
     * holds).
     */
    private static void applyAmount(TreasuryState s, TreasuryEvent e) {
        switch (e.type) {
            case COST -> {
                if (s.hasBalance()) {
                    s.balance -= e.amount;
                }
            }
            case DEPOSIT -> s.balance = (s.hasBalance() ? s.balance : 0.0) + e.amount;
            case WITHDRAWAL -> s.balance = (s.hasBalance() ? s.balance : 0.0) - e.amount;
            default -> throw new IllegalArgumentException("not an amount: " + e.type);
        }
        s.lastDeltaTime = Math.max(s.lastDeltaTime, e.timestamp);
    }

    private static void addCost(TreasuryState s, TreasuryEvent e) {
        s.openDayCost += e.amount;
        s.openDayCostCount++;
        if (TreasuryEventParser.LLM_COST.equals(e.costType)) {
            s.openDayLlmCost += e.amount;
        } else if (TreasuryEventParser.API_COST.equals(e.costType)) {
            s.openDayApiCost += e.amount;
        } else {
            s.openDayOtherCost += e.amount;
        }
    }

    /** {@code "activated"} when the open day's cost has just passed the limit; else null. */
    private String checkCostSaving(TreasuryState s) {
        if (s.openDayCost > rules.maxDailyCostUsd() && s.costSavingDay != s.openDay) {
            s.costSavingActive = true;
            s.costSavingDay = s.openDay;
            return "activated";
        }
        return null;
    }

    private void closeDay(TreasuryState s) {
        long d = s.openDay;
        roll(s, d);
        s.dayCosts[ringIndex(s, d)] = s.openDayCost;
        s.clock = Math.max(s.clock, closeTime(d));
    }

    private void evaluateClose(TreasuryState s, TreasuryOutput out) {
        long d = s.openDay;
        String costSaving = null;
        if (s.costSavingActive) {
            s.costSavingActive = false;
            costSaving = "deactivated";
        }
        long time = closeTime(d);
        evaluate(
                s,
                s.clock,
                burnBefore(s, d + 1),
                "day_close:" + date(d),
                TreasurySnapshot.DAY_CLOSE,
                costSaving,
                s.crashOverride,
                out);
        out.dailyCost(dailyCost(s, time, true));
        s.openDay = NONE;
        s.openDayCost = 0;
        s.openDayCostCount = 0;
        s.openDayLlmCost = 0;
        s.openDayApiCost = 0;
        s.openDayOtherCost = 0;
    }

    private void applyMarket(TreasuryState s, long time, CrashTimeline market, TreasuryOutput out) {
        boolean before = s.crashOverride;
        s.clock = Math.max(s.clock, time);
        s.crashOverride = market.activeAt(s.clock);
        evaluate(
                s,
                s.clock,
                burnBefore(s, day(s.clock)),
                "market_snapshot:" + Instant.ofEpochMilli(time),
                TreasurySnapshot.MARKET,
                null,
                before,
                out);
    }

    /**
     * A late cost of a day already over: it corrects that day's cost in the ring, so later burn
     * rates include it; returns the corrected total, or NaN if the day is not kept.
     */
    private double correctClosedDay(TreasuryState s, long d, double amount) {
        if (s.firstDay == NONE || d < s.firstDay) {
            return Double.NaN;
        }
        if (s.ringLastDay == NONE || d > s.ringLastDay) {
            // A day without events between the last kept one and the open one: it was 0.
            roll(s, d);
        }
        if (d <= s.ringLastDay - s.dayCosts.length) {
            return Double.NaN;
        }
        int i = ringIndex(s, d);
        s.dayCosts[i] += amount;
        return s.dayCosts[i];
    }

    /** The cost of a completed day; days without costs, and days not kept, are 0. */
    private static double completedDayCost(TreasuryState s, long d) {
        if (s.ringLastDay == NONE || d > s.ringLastDay || d <= s.ringLastDay - s.dayCosts.length) {
            return 0.0;
        }
        return s.dayCosts[ringIndex(s, d)];
    }

    /** Makes {@code through} the newest kept day, the days in between costing 0. */
    private static void roll(TreasuryState s, long through) {
        int w = s.dayCosts.length;
        if (s.ringLastDay != NONE && through <= s.ringLastDay) {
            return;
        }
        long from =
                s.ringLastDay == NONE
                        ? through - w + 1
                        : Math.max(s.ringLastDay + 1, through - w + 1);
        for (long j = from; j <= through; j++) {
            s.dayCosts[ringIndex(s, j)] = 0.0;
        }
        s.ringLastDay = through;
    }

    private static int ringIndex(TreasuryState s, long day) {
        return (int) Math.floorMod(day, (long) s.dayCosts.length);
    }

    /** Creates the ring, or resizes it when the window changed across a savepoint. */
    private void ensureRing(TreasuryState s) {
        int w = rules.burnWindowDays();
        if (s.dayCosts != null && s.dayCosts.length == w) {
            return;
        }
        double[] ring = new double[w];
        if (s.dayCosts != null && s.ringLastDay != NONE) {
            int keep = Math.min(w, s.dayCosts.length);
            for (long j = s.ringLastDay - keep + 1; j <= s.ringLastDay; j++) {
                ring[(int) Math.floorMod(j, (long) w)] = completedDayCost(s, j);
            }
        }
        s.dayCosts = ring;
    }

    /**
     * Re-evaluates runway, emotional state and survival mode at {@code time} with {@code burn},
     * emits the transitions (with the cost-saving one, if any) and the snapshot of the step.
     */
    private void evaluate(
            TreasuryState s,
            long time,
            double burn,
            String trigger,
            String snapshotType,
            String costSaving,
            boolean overrideBefore,
            TreasuryOutput out) {
        s.sequence++;
        s.burnRate = burn;
        s.runway = runway(s.balance, burn);
        EmotionalState previous = s.emotionalState;
        boolean previousSurvival = s.survivalMode;
        EmotionalState previousBase = s.baseState;
        s.baseState = rules.next(s.baseState, s.runway);
        s.emotionalState = s.crashOverride ? EmotionalState.DESPERATE : s.baseState;
        s.survivalMode = s.emotionalState == EmotionalState.DESPERATE;

        List<TreasuryTransition> transitions = new ArrayList<>(3);
        String why = stateReason(s, previousBase, overrideBefore);
        if (s.emotionalState != previous) {
            transitions.add(
                    transition(
                            s,
                            time,
                            TreasuryTransition.EMOTIONAL_STATE,
                            "emotional_state_changed",
                            EmotionalState.label(previous),
                            s.emotionalState.label(),
                            why,
                            trigger));
        }
        if (s.survivalMode != previousSurvival) {
            transitions.add(
                    transition(
                            s,
                            time,
                            TreasuryTransition.SURVIVAL_MODE,
                            s.survivalMode
                                    ? "survival_mode_activated"
                                    : "survival_mode_deactivated",
                            String.valueOf(previousSurvival),
                            String.valueOf(s.survivalMode),
                            why,
                            trigger));
        }
        if (costSaving != null) {
            boolean on = costSaving.equals("activated");
            String reason =
                    on
                            ? String.format(
                                    Locale.ROOT,
                                    "daily cost %.4f USD passed the limit of %.2f USD",
                                    s.openDayCost,
                                    rules.maxDailyCostUsd())
                            : "the day closed";
            transitions.add(
                    transition(
                            s,
                            time,
                            TreasuryTransition.COST_SAVING_MODE,
                            "cost_saving_mode_" + costSaving,
                            String.valueOf(!on),
                            String.valueOf(on),
                            reason,
                            trigger));
        }
        for (TreasuryTransition t : transitions) {
            out.transition(t);
        }
        out.snapshot(snapshot(s, time, snapshotType, trigger, transitions));
    }

    private String stateReason(
            TreasuryState s, EmotionalState previousBase, boolean overrideBefore) {
        if (s.crashOverride && !overrideBefore) {
            return String.format(
                    Locale.ROOT,
                    "market crash override: a market snapshot had btc_24h_change <= %s or fear_greed_index <= %d",
                    number(rules.crash().triggerBtcChange()),
                    rules.crash().triggerFearGreed());
        }
        if (!s.crashOverride && overrideBefore) {
            return String.format(
                    Locale.ROOT,
                    "market crash override released: a market snapshot had btc_24h_change > %s and fear_greed_index >= %d; %s",
                    number(rules.crash().releaseBtcChange()),
                    rules.crash().releaseFearGreed(),
                    runwayText(s.runway));
        }
        if (Double.isNaN(s.runway)) {
            return "runway unknown (no balance, or a burn rate unknown or 0)";
        }
        if (previousBase == null) {
            return "first evaluation: " + runwayText(s.runway);
        }
        if (s.baseState.worseThan(previousBase)) {
            double threshold =
                    s.baseState == EmotionalState.DESPERATE
                            ? rules.desperateRunwayDays()
                            : rules.stableRunwayDays();
            return String.format(
                    Locale.ROOT, "%s, below %s days", runwayText(s.runway), number(threshold));
        }
        if (previousBase.worseThan(s.baseState)) {
            double threshold =
                    s.baseState == EmotionalState.STABLE
                            ? rules.stableRunwayDays()
                            : rules.desperateRunwayDays();
            return String.format(
                    Locale.ROOT,
                    "%s, reached %s days (%s x hysteresis %s)",
                    runwayText(s.runway),
                    number(threshold * rules.hysteresis()),
                    number(threshold),
                    number(rules.hysteresis()));
        }
        return runwayText(s.runway);
    }

    private static String runwayText(double runway) {
        return Double.isNaN(runway)
                ? "runway unknown"
                : String.format(Locale.ROOT, "runway %.2f days", runway);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    private TreasuryTransition transition(
            TreasuryState s,
            long time,
            String type,
            String event,
            String from,
            String to,
            String reason,
            String trigger) {
        TreasuryTransition t = new TreasuryTransition();
        t.transitionId =
                s.agentId
                        + "_"
                        + ID_TIME.format(Instant.ofEpochMilli(time))
                        + "_"
                        + s.sequence
                        + "_"
                        + type;
        t.agentId = s.agentId;
        t.timestamp = time;
        t.transitionType = type;
        t.event = event;
        t.from = from;
        t.to = to;
        t.reason = reason;
        t.trigger = trigger;
        t.balanceUsd = s.balance;
        t.daysUntilBankruptcy = s.runway;
        t.dailyBurnRate = s.burnRate;
        t.dailyCostUsd = s.openDay == day(time) ? s.openDayCost : 0.0;
        t.emotionalState = s.emotionalState.label();
        t.survivalModeActive = s.survivalMode;
        return t;
    }

    private TreasurySnapshot snapshot(
            TreasuryState s,
            long time,
            String type,
            String trigger,
            List<TreasuryTransition> transitions) {
        TreasurySnapshot snap = new TreasurySnapshot();
        snap.agentId = s.agentId;
        snap.timestamp = time;
        snap.snapshotType = type;
        snap.day = date(day(time));
        boolean today = s.openDay == day(time);
        snap.balanceUsd = s.balance;
        snap.dailyCostUsd = today ? s.openDayCost : 0.0;
        snap.dailyCostCount = today ? s.openDayCostCount : 0;
        snap.dailyBurnRate = s.burnRate;
        snap.daysUntilBankruptcy = s.runway;
        snap.emotionalState = s.emotionalState.label();
        TreasuryRules.Mood mood = rules.mood(s.emotionalState);
        snap.confidenceLevel = mood.confidenceLevel();
        snap.riskTolerance = mood.riskTolerance();
        snap.survivalModeActive = s.survivalMode;
        snap.costSavingModeActive = s.costSavingActive;
        snap.marketCrashOverride = s.crashOverride;
        snap.trigger = trigger;
        snap.transitions = new String[transitions.size()];
        for (int i = 0; i < transitions.size(); i++) {
            TreasuryTransition t = transitions.get(i);
            snap.transitions[i] = t.transitionType + ":" + t.from + "->" + t.to;
        }
        snap.sequence = s.sequence;
        return snap;
    }

    private static CostRecord costRecord(
            TreasuryState s, TreasuryEvent e, double dayTotal, boolean late) {
        CostRecord c = new CostRecord();
        c.agentId = s.agentId;
        c.eventId = e.eventId;
        c.timestamp = e.timestamp;
        c.day = date(day(e.timestamp));
        c.costType = e.costType;
        c.operation = e.operation;
        c.model = e.model;
        c.inputTokens = e.inputTokens;
        c.outputTokens = e.outputTokens;
        c.amount = e.amount;
        c.dailyTotal = dayTotal;
        c.late = late;
        return c;
    }

    private DailyCost dailyCost(TreasuryState s, long time, boolean closed) {
        DailyCost d = new DailyCost();
        d.agentId = s.agentId;
        d.day = date(s.openDay);
        d.timestamp = time;
        d.totalCost = s.openDayCost;
        d.costCount = s.openDayCostCount;
        d.llmCost = s.openDayLlmCost;
        d.apiCost = s.openDayApiCost;
        d.otherCost = s.openDayOtherCost;
        d.maxDailyCostUsd = rules.maxDailyCostUsd();
        d.costSavingModeActivated = s.costSavingDay == s.openDay;
        d.closed = closed;
        return d;
    }
}
