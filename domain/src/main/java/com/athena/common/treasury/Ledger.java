package com.athena.common.treasury;

import static com.athena.common.treasury.TreasuryState.NONE;

/**
 * The money side of an agent's state: the balance, and the costs of its open day with cost-saving
 * mode. Operates on the state's fields; holds nothing itself.
 */
final class Ledger {
    private Ledger() {}

    /** A balance report sets the balance, and the burn estimate if it carries one. */
    static void applyBalance(TreasuryState s, TreasuryEvent e) {
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
    static void applyAmount(TreasuryState s, TreasuryEvent e) {
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

    /** A balance event sets the balance; any other event moves it by its amount. */
    static void apply(TreasuryState s, TreasuryEvent e) {
        if (e.type == TreasuryEventType.BALANCE) {
            applyBalance(s, e);
        } else {
            applyAmount(s, e);
        }
    }

    /** Adds a cost to the open day's total and to its category's sub-total. */
    static void addCost(TreasuryState s, TreasuryEvent e) {
        s.openDayCost += e.amount;
        s.openDayCostCount++;
        switch (CostCategory.of(e.costType)) {
            case LLM_COST -> s.openDayLlmCost += e.amount;
            case API_COST -> s.openDayApiCost += e.amount;
            case OTHER -> s.openDayOtherCost += e.amount;
        }
    }

    /**
     * Activates cost-saving mode when the open day's cost has just passed {@code maxDailyCostUsd};
     * returns the transition event then, else null.
     */
    static TransitionEvent checkCostSaving(TreasuryState s, double maxDailyCostUsd) {
        if (s.openDayCost > maxDailyCostUsd && s.costSavingDay != s.openDay) {
            s.costSavingActive = true;
            s.costSavingDay = s.openDay;
            return TransitionEvent.COST_SAVING_MODE_ACTIVATED;
        }
        return null;
    }

    /** Deactivates cost-saving mode at a day's close; returns the transition event, or null. */
    static TransitionEvent endCostSaving(TreasuryState s) {
        if (s.costSavingActive) {
            s.costSavingActive = false;
            return TransitionEvent.COST_SAVING_MODE_DEACTIVATED;
        }
        return null;
    }

    /** Forgets the closed day's costs: no day is open until the next event. */
    static void clearOpenDay(TreasuryState s) {
        s.openDay = NONE;
        s.openDayCost = 0;
        s.openDayCostCount = 0;
        s.openDayLlmCost = 0;
        s.openDayApiCost = 0;
        s.openDayOtherCost = 0;
    }
}
