package com.athena.jobs.treasury;

/**
 * The uids and names of the treasury job's operators, sources and sinks. A uid is how a savepoint
 * finds an operator's state: these strings never change.
 */
public final class TreasuryNames {
    public static final String JOB_NAME = "athena-treasury";

    public static final String SOURCE_COSTS = "pubsub-costs-source";
    public static final String SOURCE_BALANCES = "kafka-treasury-events-source";
    public static final String SOURCE_SNAPSHOTS = "pubsub-treasury-snapshots-source";
    public static final String SOURCE_MIXED = "mixed-input-source";

    /** Without a snapshot feed: an empty stream carrying the events' watermarks. */
    public static final String NO_SNAPSHOTS = "no-snapshots";

    public static final String PARSE_COSTS = "parse-costs";
    public static final String PARSE_BALANCES = "parse-balances";
    public static final String PARSE_SNAPSHOTS = "parse-treasury-snapshots";
    public static final String PARSE_MIXED = "parse-mixed-input";
    public static final String SPLIT_MIXED_EVENTS = "mixed-input-events";
    public static final String SPLIT_MIXED_SNAPSHOTS = "mixed-input-snapshots";

    /**
     * Former graph: stateless watermark steps after parsing (the sources now generate them, per
     * Kafka partition); a savepoint holds no state under them.
     */
    public static final String WATERMARKS_COSTS = "costs-watermarks";

    public static final String WATERMARKS_BALANCES = "balances-watermarks";
    public static final String WATERMARKS_MIXED = "mixed-events-watermarks";
    public static final String WATERMARKS_SNAPSHOTS = "treasury-snapshots-watermarks";

    /** The keyed treasury operator: all per-agent state lives here. */
    public static final String TREASURY = "treasury";

    public static final String HISTORY_FILTER = "treasury-history";
    public static final String DAY_CLOSE_FILTER = "treasury-day-closes";
    public static final String SORT_DAY_CLOSES = "sort-day-closes";
    public static final String AGENT_METRICS = "agent-metrics";
    public static final String LATE_TO_DEAD_LETTERS = "late-balance-dead-letters";

    public static final String SINK_TREASURY_FIRESTORE = "firestore-treasury-sink";
    public static final String SINK_COSTS_FIRESTORE = "firestore-daily-costs-sink";
    public static final String SINK_LOGS_FIRESTORE = "firestore-system-logs-sink";
    public static final String SINK_TRANSITIONS_KAFKA = "kafka-transitions-sink";

    /**
     * The Storage Write API sinks of {@code treasury_snapshots} and {@code cost_tracking}: sinks
     * with a committer, so uids of their own (the former {@code insertAll} sinks kept no state).
     */
    public static final String SINK_SNAPSHOTS_BIGQUERY = "bigquery-write-treasury-snapshots-sink";

    public static final String SINK_COSTS_BIGQUERY = "bigquery-write-cost-tracking-sink";

    public static final String SINK_SNAPSHOTS_TIMESCALE = "jdbc-treasury-snapshots-sink";
    public static final String SINK_COSTS_TIMESCALE = "jdbc-cost-events-sink";
    public static final String SINK_METRICS_TIMESCALE = "jdbc-agent-metrics-sink";
    public static final String SINK_DEAD_LETTERS_TIMESCALE = "jdbc-treasury-dead-letters-sink";
    public static final String SINK_DEAD_LETTERS_KAFKA = "kafka-treasury-dead-letters-sink";

    /** Dead-letter sources, as stored with each dead letter. */
    public static final String DLQ_COSTS = "pubsub:agent-costs";

    public static final String DLQ_BALANCES = "kafka:treasury.events";
    public static final String DLQ_SNAPSHOTS = "pubsub:market-snapshots";

    /** Balance reports that came after newer treasury events had been applied. */
    public static final String DLQ_LATE_BALANCES = "late-balance-events";

    /** Events whose id had been applied already. */
    /** Dead-letter source of events that would move a balance beyond TreasuryBounds. */
    public static final String DLQ_OUT_OF_BOUNDS = "out-of-bounds-treasury-events";

    public static final String DLQ_DUPLICATES = "duplicate-treasury-events";

    /** Rows BigQuery rejected for their content, per table. */
    public static final String DLQ_BIGQUERY_SNAPSHOTS = "bigquery:treasury_snapshots";

    public static final String DLQ_BIGQUERY_COSTS = "bigquery:cost_tracking";

    private TreasuryNames() {}

    /**
     * The step after a BigQuery sink's commit that hands its rejected rows on, and (with a suffix
     * naming the target) the dead-letter sinks it feeds; derived from the sink's uid.
     */
    public static String rejectedRows(String bigquerySinkUid) {
        return bigquerySinkUid + "-rejected-rows";
    }
}
