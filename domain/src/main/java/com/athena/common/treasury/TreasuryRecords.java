package com.athena.common.treasury;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static com.athena.common.treasury.TreasuryEngine.date;
import static com.athena.common.treasury.TreasuryEngine.day;

/** Builds what a treasury step outputs from the agent's state: records, not decisions. */
final class TreasuryRecords implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final TreasuryRules rules;

    TreasuryRecords(TreasuryRules rules) {
        this.rules = rules;
    }

    /** A transition at {@code time}, with the agent's numbers after the step. */
    TreasuryTransition transition(
            TreasuryState s,
            long time,
            TransitionEvent event,
            String from,
            String to,
            String reason,
            String trigger) {
        String type = event.type().label();
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
        t.event = event.label();
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

    /** The agent's snapshot after a step at {@code time}, naming the step's transitions. */
    TreasurySnapshot snapshot(
            TreasuryState s,
            long time,
            SnapshotType type,
            String trigger,
            List<TreasuryTransition> transitions) {
        TreasurySnapshot snap = new TreasurySnapshot();
        snap.agentId = s.agentId;
        snap.timestamp = time;
        snap.snapshotType = type.label();
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

    /** The record of one cost, with the total of its day after it (NaN: day not kept). */
    static CostRecord cost(TreasuryState s, TreasuryEvent e, double dayTotal, boolean late) {
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

    /** The open day's costs so far ({@code closed}: at its close). */
    DailyCost dailyCost(TreasuryState s, long time, boolean closed) {
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
