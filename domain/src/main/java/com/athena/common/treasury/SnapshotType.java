package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/** What step a {@link TreasurySnapshot} follows; its label is the {@code snapshot_type} output. */
public enum SnapshotType implements Labeled {
    /** After a cost or balance event. */
    EVENT("event"),
    /** At the close of a UTC day on which the agent had an event. */
    DAY_CLOSE("day_close"),
    /** After the market-crash override changed for the agent. */
    MARKET("market");

    private final String label;

    SnapshotType(String label) {
        this.label = label;
    }

    /** The name in {@link TreasurySnapshot#snapshotType}, the rows, documents and JSON. */
    @Override
    public String label() {
        return label;
    }
}
