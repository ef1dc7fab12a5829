package com.athena.tools.ingest;

import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.market.Trade;
import com.athena.common.market.TradeParser;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The smoke pipeline over the real services: trades from Kafka, validated, into PostgreSQL, with
 * bad records in the dead-letter table.
 */
public final class TradeIngestJob {
    private final Source<RawRecord, ?, ?> trades;
    private final TradeParser parser;
    private final Sink<Trade> tradeSink;
    private final Sink<DeadLetter> deadLetterSink;

    public TradeIngestJob(
            Source<RawRecord, ?, ?> trades,
            TradeParser parser,
            Sink<Trade> tradeSink,
            Sink<DeadLetter> deadLetterSink) {
        this.trades = trades;
        this.parser = parser;
        this.tradeSink = tradeSink;
        this.deadLetterSink = deadLetterSink;
    }

    /** Adds the job's graph to the environment. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Trade> parsed =
                env.fromSource(
                                trades,
                                WatermarkStrategy.noWatermarks(),
                                TradeIngestNames.SOURCE_TRADES)
                        .uid(TradeIngestNames.SOURCE_TRADES)
                        .process(
                                new ParseOrDeadLetter<>(
                                        TradeIngestNames.DEAD_LETTER_SOURCE, parser::parse),
                                TypeInformation.of(Trade.class))
                        .uid(TradeIngestNames.PARSE_TRADES)
                        .name(TradeIngestNames.PARSE_TRADES);

        parsed.sinkTo(tradeSink)
                .uid(TradeIngestNames.SINK_TRADES)
                .name(TradeIngestNames.SINK_TRADES);
        parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS)
                .sinkTo(deadLetterSink)
                .uid(TradeIngestNames.SINK_DEAD_LETTERS)
                .name(TradeIngestNames.SINK_DEAD_LETTERS);
    }
}
