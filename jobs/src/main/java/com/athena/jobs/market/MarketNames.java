package com.athena.jobs.market;

import com.athena.common.market.Timeframe;

/**
 * The uids and names of the market job's operators, sources and sinks. A uid is how a savepoint
 * finds an operator's state: these strings never change.
 */
public final class MarketNames {
    public static final String JOB_NAME = "athena-market";

    public static final String SOURCE_TRADES = "kafka-trades-source";
    public static final String SOURCE_BARS = "bars-source";
    public static final String SOURCE_SNAPSHOTS = "pubsub-snapshots-source";
    public static final String NO_SNAPSHOTS = "no-snapshots-source";

    public static final String PARSE_TRADES = "parse-trades";
    public static final String PARSE_BARS = "parse-bars";
    public static final String PARSE_SNAPSHOTS = "parse-snapshots";

    /**
     * Former graph: the stateless watermark step after parsing (now the source generates the
     * watermarks, per Kafka partition); a savepoint holds no state under it.
     */
    public static final String TRADE_WATERMARKS = "trade-watermarks";

    /**
     * The one keyed step per trade: de-duplication and the bars of every timeframe. Its name stays
     * {@link #DEDUP_TRADES}, so that the {@code duplicateTrades} metric keeps its operator name.
     */
    public static final String TRADE_BARS = "trade-bars";

    /** Former graph (state migrated by bin/state migrate market): the de-duplication operator. */
    public static final String DEDUP_TRADES = "dedup-trades";

    /** Former graph: the map from late trades to their dead letters, one per timeframe. */
    public static final String LATE_TRADES = "late-trades";

    public static final String INDICATORS = "indicators";
    public static final String MARKET_CONDITIONS = "market-conditions";
    public static final String CONDITIONS_FILTER = "market-conditions-timeframe";

    public static final String SINK_MARKET_DATA = "jdbc-market-data-sink";

    /**
     * The Storage Write API sinks of {@code market_indicators} and {@code market_data}: sinks with
     * a committer, so uids of their own (the former {@code insertAll} sinks kept no state).
     */
    public static final String SINK_INDICATORS_BIGQUERY = "bigquery-write-market-indicators-sink";

    public static final String SINK_SNAPSHOTS_BIGQUERY = "bigquery-write-market-data-sink";

    public static final String SINK_CONDITIONS = "firestore-market-conditions-sink";

    /** The conditions for the activity job's event-time join (Kafka market.conditions). */
    public static final String SINK_CONDITIONS_KAFKA = "kafka-market-conditions-sink";

    public static final String SINK_DEAD_LETTERS_KAFKA = "kafka-dead-letters-sink";
    public static final String SINK_DEAD_LETTERS_JDBC = "jdbc-dead-letters-sink";

    /** Dead-letter sources, as stored with each dead letter. */
    public static final String DLQ_TRADES = "kafka:market.trades";

    public static final String DLQ_SNAPSHOTS = "pubsub:market-snapshots";
    public static final String DLQ_LATE = "late-trades";
    public static final String DLQ_DUPLICATE_TRADES = "duplicate-trades";

    /** Rows BigQuery rejected for their content, per table. */
    public static final String DLQ_BIGQUERY_INDICATORS = "bigquery:market_indicators";

    public static final String DLQ_BIGQUERY_MARKET_DATA = "bigquery:market_data";

    private MarketNames() {}

    /**
     * Former graph (state migrated by bin/state migrate market): the window operator of one
     * timeframe; derived from the timeframe's fixed label.
     */
    public static String bars(Timeframe timeframe) {
        return "bars-" + timeframe.label();
    }

    /**
     * The step after a BigQuery sink's commit that hands its rejected rows on, and (with a suffix
     * naming the target) the dead-letter sinks it feeds; derived from the sink's uid.
     */
    public static String rejectedRows(String bigquerySinkUid) {
        return bigquerySinkUid + "-rejected-rows";
    }
}
