package com.athena.common.treasury;

import com.athena.common.json.Labeled;

/**
 * What step a {@link TreasurySnapshot} follows; its {@link #label() label} ({@code event}, {@code
 * day_close}, {@code market}) is the {@code snapshot_type} of the snapshots, rows and documents.
 */
public enum SnapshotType implements Labeled {
    /** After a cost or balance event. */
    EVENT,
    /** At the close of a UTC day on which the agent had an event. */
    DAY_CLOSE,
    /** After the market-crash override changed for the agent. */
    MARKET
}
