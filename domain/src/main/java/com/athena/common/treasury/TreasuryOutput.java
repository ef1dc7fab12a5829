package com.athena.common.treasury;

/** Where {@link TreasuryEngine} puts what a step produces; the Flink function routes each kind. */
public interface TreasuryOutput {
    void snapshot(TreasurySnapshot snapshot);

    void transition(TreasuryTransition transition);

    void cost(CostRecord cost);

    void dailyCost(DailyCost dailyCost);

    /** A valid event that cannot be applied (a late balance report superseded by newer events). */
    void rejected(TreasuryEvent event, String reason);

    /**
     * A valid event that would move the balance beyond {@link TreasuryBounds}; by default handled
     * as {@link #rejected}.
     */
    default void outOfBounds(TreasuryEvent event, String reason) {
        rejected(event, reason);
    }
}
