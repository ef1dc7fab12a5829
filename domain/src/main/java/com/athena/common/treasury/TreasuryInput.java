package com.athena.common.treasury;

import com.athena.common.market.MarketSnapshot;

/**
 * One line of a mixed input (the treasury replay): a cost or balance event, or a market snapshot. A
 * Flink POJO; exactly one field is set.
 */
public class TreasuryInput {
    public TreasuryEvent event;
    public MarketSnapshot snapshot;

    public TreasuryInput() {}

    public static TreasuryInput of(TreasuryEvent event) {
        TreasuryInput input = new TreasuryInput();
        input.event = event;
        return input;
    }

    public static TreasuryInput of(MarketSnapshot snapshot) {
        TreasuryInput input = new TreasuryInput();
        input.snapshot = snapshot;
        return input;
    }

    @Override
    public String toString() {
        return "TreasuryInput{" + (event != null ? event : snapshot) + "}";
    }
}
