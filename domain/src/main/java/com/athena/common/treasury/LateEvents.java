package com.athena.common.treasury;

import java.io.Serializable;
import java.time.Instant;

import static com.athena.common.treasury.TreasuryEngine.closeTime;
import static com.athena.common.treasury.TreasuryEngine.day;
import static com.athena.common.treasury.TreasuryState.NONE;

/**
 * Events that come after the agent moved past them: before its clock, or on a day already closed.
 * Costs, deposits and withdrawals still count (they commute; a cost of a closed day corrects that
 * day in the ring); a {@code balance} report counts only if no newer treasury event was applied.
 * The state is then re-evaluated at the clock.
 */
record LateEvents(TreasuryRules rules, StateEvaluator evaluator, TreasuryRecords records)
        implements Serializable {

    /** Whether the agent has moved past {@code e}: its clock, or the close of its day. */
    static boolean isLate(TreasuryState s, TreasuryEvent e) {
        return s.clock != NONE
                && (e.timestamp < s.clock || DayCostRing.isClosed(s, day(e.timestamp)));
    }

    /** Applies a late event, or rejects a stale balance report. */
    TreasuryEngine.Outcome apply(TreasuryState s, TreasuryEvent e, TreasuryOutput out) {
        long d = day(e.timestamp);
        TransitionEvent costSaving = null;
        if (e.type == TreasuryEventType.BALANCE
                && (e.timestamp < s.balanceSetTime || e.timestamp < s.lastDeltaTime)) {
            out.rejected(
                    e,
                    "late balance event: treasury events after "
                            + Instant.ofEpochMilli(e.timestamp)
                            + " were already applied, so the reported balance is stale");
            return TreasuryEngine.Outcome.REJECTED_LATE;
        }
        // The agent's current day, not yet closed (its clock was moved into it by a market
        // change): the event belongs to it like any other, so the day gets its close.
        boolean inProgress =
                s.openDay == NONE && closeTime(d) > s.clock && !DayCostRing.isClosed(s, d);
        boolean openDay = d == s.openDay || inProgress;
        if (inProgress) {
            s.openDay = d;
        }
        Ledger.apply(s, e);
        if (e.type == TreasuryEventType.COST) {
            if (openDay) {
                Ledger.addCost(s, e);
                costSaving = Ledger.checkCostSaving(s, rules.maxDailyCostUsd());
                out.cost(TreasuryRecords.cost(s, e, s.openDayCost, true));
                out.dailyCost(records.dailyCost(s, s.clock, false));
            } else {
                out.cost(TreasuryRecords.cost(s, e, DayCostRing.correct(s, d, e.amount), true));
            }
        }
        evaluator.evaluate(
                s,
                s.clock,
                DayCostRing.burnBefore(s, day(s.clock), rules.burnWindowDays()),
                e.trigger(),
                SnapshotType.EVENT,
                costSaving,
                s.crashOverride,
                out);
        return TreasuryEngine.Outcome.APPLIED_LATE;
    }
}
