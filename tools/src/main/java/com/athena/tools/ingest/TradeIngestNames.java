package com.athena.tools.ingest;

/** The uids and names of the trade ingest job's operators; they never change. */
public final class TradeIngestNames {
    public static final String JOB_NAME = "athena-trade-ingest";
    public static final String SOURCE_TRADES = "kafka-trades-source";
    public static final String PARSE_TRADES = "parse-trades";
    public static final String SINK_TRADES = "jdbc-trades-sink";
    public static final String SINK_DEAD_LETTERS = "jdbc-dead-letters-sink";
    public static final String DEAD_LETTER_SOURCE = "kafka:market.trades";

    private TradeIngestNames() {}
}
