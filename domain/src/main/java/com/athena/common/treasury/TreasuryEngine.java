package com.athena.common.treasury;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;

import static com.athena.common.treasury.TreasuryState.NONE;

/**
 * The treasury rules, applied to one agent's {@link TreasuryState}: costs and balance events, day
 * closes, burn rate, runway, emotional state with hysteresis, survival mode with the market-crash
 * override, cost-saving mode, and the transitions between them. Pure Java: the Flink function only
 * orders the calls (event time) and routes the output.
 *
 * <p>The engine orchestrates; the pieces live apart: the balance and open day's costs ({@link
 * Ledger}), the ring of completed days' costs and the burn rate ({@link DayCostRing}), the
 * evaluation with its reasons ({@link StateEvaluator}, {@link TransitionReasons}), late events
 * ({@link LateEvents}) and the output records ({@link TreasuryRecords}). None of them is kept in
 * state: they hold only the rules.
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
        REJECTED_LATE,
        /** An event that would move the balance beyond {@link TreasuryBounds}: ignored. */
        REJECTED_BOUNDS
    }

    private final TreasuryRules rules;
    private final TreasuryRecords records;
    private final StateEvaluator evaluator;
    private final LateEvents lateEvents;

    public TreasuryEngine(TreasuryRules rules) {
        this.rules = rules;
        this.records = new TreasuryRecords(rules);
        this.evaluator = new StateEvaluator(rules, records);
        this.lateEvents = new LateEvents(rules, evaluator, records);
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
        // Every record of a step names its day, and almost every step is on the day before it.
        DayText last = lastDay;
        if (last.day != day) {
            last = new DayText(day, LocalDate.ofEpochDay(day).toString());
            lastDay = last;
        }
        return last.text;
    }

    private static volatile DayText lastDay = new DayText(0, LocalDate.ofEpochDay(0).toString());

    /** A day and its ISO date, replaced whole so that a reader never sees one without the other. */
    private record DayText(long day, String text) {}

    /** Applies one event; see the class comment for late events. */
    public Outcome onEvent(
            TreasuryState s, TreasuryEvent e, CrashTimeline market, TreasuryOutput out) {
        // Checked first, late or not: amounts commute, so the balance after it is the same.
        String outOfBounds = TreasuryBounds.balanceOutOfBounds(s, e);
        if (outOfBounds != null) {
            out.outOfBounds(e, outOfBounds);
            return Outcome.REJECTED_BOUNDS;
        }
        if (s.agentId == null) {
            s.agentId = e.agentId;
            s.firstDay = day(e.timestamp);
            s.crashOverride = market.activeAt(e.timestamp);
        }
        DayCostRing.ensure(s, rules.burnWindowDays());
        long d = day(e.timestamp);
        if (LateEvents.isLate(s, e)) {
            return lateEvents.apply(s, e, out);
        }
        advance(s, e.timestamp, false, market, out);
        if (s.openDay == NONE) {
            s.openDay = d;
        }
        TransitionEvent costSaving = null;
        Ledger.apply(s, e);
        if (e.type == TreasuryEventType.COST) {
            Ledger.addCost(s, e);
            costSaving = Ledger.checkCostSaving(s, rules.maxDailyCostUsd());
            out.cost(TreasuryRecords.cost(s, e, s.openDayCost, false));
            out.dailyCost(records.dailyCost(s, e.timestamp, false));
        }
        s.clock = e.timestamp;
        evaluator.evaluate(
                s,
                e.timestamp,
                burnBefore(s, d),
                e.trigger(),
                SnapshotType.EVENT,
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
                closeDay(s, out);
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
        return DayCostRing.burnBefore(s, d, rules.burnWindowDays());
    }

    /** {@code balance / burn}; NaN while either is unknown or the burn is 0. */
    public static double runway(double balance, double burn) {
        if (Double.isNaN(balance) || Double.isNaN(burn) || burn == 0) {
            return Double.NaN;
        }
        return balance / burn;
    }

    /** Closes the open day: its cost goes to the ring, the state is evaluated at its close. */
    private void closeDay(TreasuryState s, TreasuryOutput out) {
        long d = s.openDay;
        DayCostRing.close(s, d, s.openDayCost);
        s.clock = Math.max(s.clock, closeTime(d));
        TransitionEvent costSaving = Ledger.endCostSaving(s);
        long time = closeTime(d);
        evaluator.evaluate(
                s,
                s.clock,
                burnBefore(s, d + 1),
                "day_close:" + date(d),
                SnapshotType.DAY_CLOSE,
                costSaving,
                s.crashOverride,
                out);
        out.dailyCost(records.dailyCost(s, time, true));
        Ledger.clearOpenDay(s);
    }

    private void applyMarket(TreasuryState s, long time, CrashTimeline market, TreasuryOutput out) {
        boolean before = s.crashOverride;
        s.clock = Math.max(s.clock, time);
        s.crashOverride = market.activeAt(s.clock);
        evaluator.evaluate(
                s,
                s.clock,
                burnBefore(s, day(s.clock)),
                "market_snapshot:" + Instant.ofEpochMilli(time),
                SnapshotType.MARKET,
                null,
                before,
                out);
    }
}
