package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/** What a treasury event does to an agent's balance. */
public enum TreasuryEventType implements Labeled {
    /** A cost (LLM tokens, an API call, or a given amount): subtracted from the balance. */
    COST("cost"),
    /** The balance as the treasury reports it: sets the balance, may carry a burn estimate. */
    BALANCE("balance"),
    /** Money in: added to the balance. */
    DEPOSIT("deposit"),
    /** Money out: subtracted from the balance. */
    WITHDRAWAL("withdrawal");

    private final String label;

    TreasuryEventType(String label) {
        this.label = label;
    }

    /** The name in the JSON events and in the outputs. */
    @Override
    public String label() {
        return label;
    }

    /** The type named {@code label}, or {@code null} if none is. */
    public static TreasuryEventType fromLabel(String label) {
        return Labeled.fromLabel(TreasuryEventType.class, label);
    }
}
