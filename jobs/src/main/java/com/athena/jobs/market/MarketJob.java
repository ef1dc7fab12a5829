package com.athena.jobs.market;

import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.EventTimeParser;
import com.athena.common.flink.IdleAdvancingWatermarks;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.NoRecords;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.RecordParser;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.List;

import static com.athena.common.flink.Streams.attach;
import static com.athena.common.flink.Streams.reuseObjects;
import static com.athena.common.flink.Streams.union;

/**
 * The market job: trades become event-time OHLCV bars per symbol and timeframe, bars advance
 * TA-Lib-exact indicators in keyed state, and the rows go to TimescaleDB, BigQuery and the live
 * market view in Firestore. Market snapshots go to BigQuery and shape the market view. Bad input
 * and late trades become dead letters.
 *
 * <p>It takes its sources and sinks in the constructor, so production, tests and replays run the
 * same graph; {@link #build} adds it to an environment.
 */
public final class MarketJob {

    /** A raw input and how to parse it. */
    public record Input<T>(
            SourceFactory<RawRecord> source, RecordParser<T> parser, String deadLetterSource) {}

    /** The job's inputs; any may be absent. Bars enter at the indicator stage (replays of bars). */
    public record Sources(Input<Trade> trades, Input<Bar> bars, Input<MarketSnapshot> snapshots) {}

    /** The job's outputs; each list may be empty. */
    public record Sinks(
            List<NamedSink<MarketBar>> marketData,
            List<NamedSink<MarketSnapshot>> snapshots,
            List<NamedSink<MarketConditions>> conditions,
            List<NamedSink<DeadLetter>> deadLetters) {}

    private final Sources sources;
    private final Sinks sinks;
    private final MarketSettings settings;

    public MarketJob(Sources sources, Sinks sinks, MarketSettings settings) {
        this.sources = sources;
        this.sinks = sinks;
        this.settings = settings;
    }

    /** Adds the job's graph to the environment. */
    public void build(StreamExecutionEnvironment env) {
        reuseObjects(env);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        List<DataStream<Bar>> bars = new ArrayList<>();

        if (sources.trades() != null) {
            SingleOutputStreamOperator<Trade> trades =
                    parse(
                            env,
                            sources.trades(),
                            new EventTimeParser<>(
                                    sources.trades().parser(),
                                    trade -> trade.ts,
                                    settings.maxFuture),
                            MarketNames.SOURCE_TRADES,
                            MarketNames.PARSE_TRADES,
                            Trade.class,
                            deadLetters);
            bars.addAll(barsFrom(trades, deadLetters));
        }
        if (sources.bars() != null) {
            bars.add(
                    parse(
                            env,
                            sources.bars(),
                            null,
                            MarketNames.SOURCE_BARS,
                            MarketNames.PARSE_BARS,
                            Bar.class,
                            deadLetters));
        }
        DataStream<MarketSnapshot> snapshots = null;
        if (sources.snapshots() != null) {
            snapshots =
                    parse(
                            env,
                            sources.snapshots(),
                            null,
                            MarketNames.SOURCE_SNAPSHOTS,
                            MarketNames.PARSE_SNAPSHOTS,
                            MarketSnapshot.class,
                            deadLetters);
            attach(snapshots, sinks.snapshots());
        }

        if (!bars.isEmpty()) {
            // A job on the snapshots alone has no bars: no indicators, no conditions.
            DataStream<MarketBar> rows = indicators(union(bars));
            attach(rows, sinks.marketData());
            if (!sinks.conditions().isEmpty()) {
                attach(conditions(rows, snapshots, env), sinks.conditions());
            }
        }
        if (!deadLetters.isEmpty()) {
            attach(union(deadLetters), sinks.deadLetters());
        }
    }

    /**
     * The input parsed. With {@code parser} knowing event time, the source parses each record for
     * its timestamp and generates the watermarks (per Kafka partition); the parse step reuses that
     * parse. Without, the input carries no event time (bars and snapshots drive no timers).
     */
    private <T> SingleOutputStreamOperator<T> parse(
            StreamExecutionEnvironment env,
            Input<T> input,
            EventTimeParser<T> parser,
            String sourceUid,
            String parseUid,
            Class<T> type,
            List<DataStream<DeadLetter>> deadLetters) {
        WatermarkStrategy<RawRecord> watermarks =
                parser == null
                        ? null
                        : IdleAdvancingWatermarks.strategy(
                                settings.outOfOrderness,
                                settings.quietAdvance,
                                settings.idleness,
                                parser.timestamps());
        EventTimeParser<T> parse = parser != null ? parser : EventTimeParser.plain(input.parser());
        SingleOutputStreamOperator<T> parsed =
                input.source()
                        .create(env, sourceUid, watermarks)
                        .process(
                                new ParseOrDeadLetter<>(input.deadLetterSource(), parse),
                                TypeInformation.of(type))
                        .uid(parseUid)
                        .name(parseUid);
        deadLetters.add(parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS));
        return parsed;
    }

    private List<DataStream<Bar>> barsFrom(
            DataStream<Trade> trades, List<DataStream<DeadLetter>> deadLetters) {
        // One keyed step per trade: de-duplication and the open bar of every timeframe at once.
        // The trades carry the event time and watermarks of their source.
        SingleOutputStreamOperator<Bar> bars =
                trades.keyBy(trade -> trade.symbol)
                        .transform(
                                MarketNames.DEDUP_TRADES,
                                TypeInformation.of(Bar.class),
                                new TradeBarsOperator(
                                        new TradeBarsFunction(
                                                settings.timeframes, settings.dedupHorizon)))
                        .uid(MarketNames.TRADE_BARS)
                        .name(MarketNames.DEDUP_TRADES);
        deadLetters.add(bars.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS));
        return List.of(bars);
    }

    private DataStream<MarketBar> indicators(DataStream<Bar> bars) {
        return bars.keyBy(IndicatorFunction::key)
                .process(new IndicatorFunction(settings.thresholds, settings.idleRetention))
                .uid(MarketNames.INDICATORS)
                .name(MarketNames.INDICATORS);
    }

    private DataStream<MarketConditions> conditions(
            DataStream<MarketBar> rows,
            DataStream<MarketSnapshot> snapshots,
            StreamExecutionEnvironment env) {
        String timeframe = settings.conditionsTimeframe.label();
        DataStream<MarketSnapshot> broadcastInput =
                snapshots != null
                        ? snapshots
                        : env.addSource(
                                        new NoRecords<MarketSnapshot>(),
                                        MarketNames.NO_SNAPSHOTS,
                                        TypeInformation.of(MarketSnapshot.class))
                                .uid(MarketNames.NO_SNAPSHOTS)
                                .name(MarketNames.NO_SNAPSHOTS);
        BroadcastStream<MarketSnapshot> broadcast = broadcastInput.broadcast(MarketState.SNAPSHOTS);
        return rows.filter(row -> row.bar.timeframe.equals(timeframe))
                .uid(MarketNames.CONDITIONS_FILTER)
                .name(MarketNames.CONDITIONS_FILTER)
                .keyBy(row -> row.bar.symbol)
                .connect(broadcast)
                .process(
                        new ConditionsFunction(
                                settings.conditionsRules(),
                                settings.conditionsTimeframe,
                                settings.idleRetention))
                .uid(MarketNames.MARKET_CONDITIONS)
                .name(MarketNames.MARKET_CONDITIONS);
    }
}
