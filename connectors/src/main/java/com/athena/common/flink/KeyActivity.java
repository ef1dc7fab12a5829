package com.athena.common.flink;

/**
 * A key's last activity and its one pending clean-up timer, kept in keyed state next to the key's
 * own state (a Flink POJO: public fields, no-argument constructor). {@link IdleKeys} advances it.
 */
public class KeyActivity {
    /** Event time of the newest activity of the key. */
    public long lastActivity = Long.MIN_VALUE;

    /** The event time of the key's pending clean-up timer. */
    public long timer = Long.MIN_VALUE;

    /**
     * The {@link LiveKeys#run() run} of the operator instance that counts the key as live; 0 when
     * no running instance counts it yet (restored state).
     */
    public long countedBy;

    public KeyActivity() {}
}
