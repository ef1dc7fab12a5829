package com.athena.jobs.activity;

/**
 * The activity job's operator uids (also their names) and dead-letter sources. A uid must never
 * change once released: savepoints map state by it.
 */
public final class ActivityNames {
    public static final String JOB_NAME = "athena-activity";

    public static final String SOURCE_ACTIVITY = "pubsub-agent-activity-source";
    public static final String SOURCE_TRANSITIONS = "kafka-agent-transitions-source";
    public static final String SOURCE_CONDITIONS = "kafka-market-conditions-source";

    public static final String PARSE_ACTIVITY = "parse-agent-activity";
    public static final String PARSE_TRANSITIONS = "parse-agent-transitions";
    public static final String PARSE_CONDITIONS = "parse-market-conditions";

    /** Without a conditions feed: an empty stream carrying the decisions' watermarks. */
    public static final String NO_CONDITIONS = "no-market-conditions";

    /** Keyed by agent: one event per event_id. */
    public static final String DEDUPLICATE = "deduplicate-activity";

    public static final String DECISIONS = "activity-decisions";
    public static final String CONTEXTS = "activity-agent-contexts";
    public static final String MEMORIES_FILTER = "activity-memory-events";
    public static final String METRICS_FILTER = "activity-performance-metrics";
    public static final String YIELDS_FILTER = "activity-protocol-yields";

    /** Keyed by agent, conditions broadcast: the event-time join. */
    public static final String ENRICH = "enrich-decisions";

    /** Keyed by memory id: recall counts. */
    public static final String MEMORIES = "memories";

    /** Keyed by agent: the bounded list of recent decisions. */
    public static final String RECENT_DECISIONS = "recent-decisions";

    public static final String MEMORY_FORMATIONS_FILTER = "memory-formations";

    public static final String SINK_DECISIONS_BIGQUERY = "bigquery-write-agent-decisions-sink";
    public static final String SINK_MEMORIES_BIGQUERY = "bigquery-write-memory-formations-sink";
    public static final String SINK_METRICS_BIGQUERY = "bigquery-write-performance-metrics-sink";
    public static final String SINK_DECISIONS_FIRESTORE = "firestore-agent-decisions-sink";
    public static final String SINK_PROTOCOLS_FIRESTORE = "firestore-agent-protocols-sink";
    public static final String SINK_YIELDS_TIMESCALE = "jdbc-protocol-yields-sink";
    public static final String SINK_MEMORIES_TIMESCALE = "jdbc-agent-memories-sink";
    public static final String SINK_DEAD_LETTERS_KAFKA = "kafka-activity-dead-letters-sink";
    public static final String SINK_DEAD_LETTERS_TIMESCALE = "jdbc-activity-dead-letters-sink";

    /** Dead-letter sources, as stored with each dead letter. */
    public static final String DLQ_ACTIVITY = "pubsub:agent-activity";

    public static final String DLQ_TRANSITIONS = "kafka:agent.transitions";
    public static final String DLQ_CONDITIONS = "kafka:market.conditions";

    /** Events whose id had been seen already. */
    public static final String DLQ_DUPLICATES = "duplicate-activity-events";

    public static final String DLQ_BIGQUERY_DECISIONS = "bigquery:agent_decisions";
    public static final String DLQ_BIGQUERY_MEMORIES = "bigquery:memory_formations";
    public static final String DLQ_BIGQUERY_METRICS = "bigquery:performance_metrics";

    private ActivityNames() {}

    /** The step after a BigQuery sink's commit that hands its rejected rows on. */
    public static String rejectedRows(String bigquerySinkUid) {
        return bigquerySinkUid + "-rejected-rows";
    }
}
