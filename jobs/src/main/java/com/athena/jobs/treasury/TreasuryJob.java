package com.athena.jobs.treasury;

import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.EventTimeParser;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.RecordParser;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryInput;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

import static com.athena.common.flink.Streams.attach;
import static com.athena.common.flink.Streams.reuseObjects;
import static com.athena.common.flink.Streams.union;

/**
 * The treasury job: cost events (Pub/Sub) and balance events (Kafka) become per-agent treasury
 * state in event time; market snapshots (Pub/Sub, broadcast) drive the market-crash override.
 * Snapshots, transitions, costs and daily costs go to Firestore, BigQuery, TimescaleDB and Kafka;
 * bad input and unusable late balance reports become dead letters.
 *
 * <pre>
 * costs ──parse──watermarks─┐
 * balances ─parse─watermarks┼─union─keyBy(agent_id)─┐
 * (mixed file: parse, split)┘                       ├─ treasury (keyed, broadcast state) ─► outputs
 * snapshots ─parse─watermarks─broadcast────────────┘
 * </pre>
 *
 * <p>It takes its sources and sinks in the constructor, so production, tests and replays run the
 * same graph; {@link #build} adds it to an environment.
 */
public final class TreasuryJob {

    /** A raw input and how to parse it. */
    public record Input<T>(
            SourceFactory<RawRecord> source, RecordParser<T> parser, String deadLetterSource) {}

    /**
     * The job's inputs; any may be absent. {@code mixed} carries events and snapshots in one input
     * (replays of a JSON-lines file).
     */
    public record Sources(
            Input<TreasuryEvent> costs,
            Input<TreasuryEvent> balances,
            Input<MarketSnapshot> snapshots,
            Input<TreasuryInput> mixed) {}

    /**
     * The job's outputs; each list may be empty.
     *
     * @param treasury every snapshot (Firestore {@code agent_data_treasury})
     * @param history day closes and snapshots with transitions, with a known balance (BigQuery
     *     {@code treasury_snapshots})
     * @param dayCloses day-close snapshots sorted by agent then day at the end of input (bounded
     *     runs: the replay's CSV); run at parallelism 1
     * @param transitions Kafka {@code agent.transitions}, Firestore {@code agent_data_system_logs}
     * @param costs every applied cost (BigQuery {@code cost_tracking})
     * @param dailyCosts Firestore {@code agent_data_costs}
     * @param metrics the metrics of every snapshot (TimescaleDB {@code agent_metrics})
     * @param deadLetters Kafka {@code treasury.dlq}
     */
    public record Sinks(
            List<NamedSink<TreasurySnapshot>> treasury,
            List<NamedSink<TreasurySnapshot>> history,
            List<NamedSink<TreasurySnapshot>> dayCloses,
            List<NamedSink<TreasuryTransition>> transitions,
            List<NamedSink<CostRecord>> costs,
            List<NamedSink<DailyCost>> dailyCosts,
            List<NamedSink<AgentMetric>> metrics,
            List<NamedSink<DeadLetter>> deadLetters) {}

    private final Sources sources;
    private final Sinks sinks;
    private final TreasurySettings settings;

    public TreasuryJob(Sources sources, Sinks sinks, TreasurySettings settings) {
        this.sources = sources;
        this.sinks = sinks;
        this.settings = settings;
    }

    /** Adds the job's graph to the environment. */
    public void build(StreamExecutionEnvironment env) {
        reuseObjects(env);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        List<DataStream<TreasuryEvent>> events = new ArrayList<>();
        List<DataStream<MarketSnapshot>> snapshots = new ArrayList<>();

        if (sources.costs() != null) {
            events.add(
                    parse(
                            env,
                            sources.costs(),
                            eventTime(sources.costs(), e -> e.timestamp),
                            true,
                            TreasuryNames.SOURCE_COSTS,
                            TreasuryNames.PARSE_COSTS,
                            TreasuryEvent.class,
                            deadLetters));
        }
        if (sources.balances() != null) {
            events.add(
                    parse(
                            env,
                            sources.balances(),
                            eventTime(sources.balances(), e -> e.timestamp),
                            true,
                            TreasuryNames.SOURCE_BALANCES,
                            TreasuryNames.PARSE_BALANCES,
                            TreasuryEvent.class,
                            deadLetters));
        }
        if (sources.snapshots() != null) {
            snapshots.add(
                    parse(
                            env,
                            sources.snapshots(),
                            eventTime(sources.snapshots(), s -> s.timestamp),
                            true,
                            TreasuryNames.SOURCE_SNAPSHOTS,
                            TreasuryNames.PARSE_SNAPSHOTS,
                            MarketSnapshot.class,
                            deadLetters));
        }
        if (sources.mixed() != null) {
            SingleOutputStreamOperator<TreasuryInput> mixed =
                    parse(
                            env,
                            sources.mixed(),
                            // A replayed file in any order: the watermarks of events and snapshots
                            // are their own, after the split; the future bound holds for both.
                            eventTime(
                                    sources.mixed(),
                                    in ->
                                            in.event != null
                                                    ? in.event.timestamp
                                                    : in.snapshot.timestamp),
                            false,
                            TreasuryNames.SOURCE_MIXED,
                            TreasuryNames.PARSE_MIXED,
                            TreasuryInput.class,
                            deadLetters);
            events.add(
                    withWatermarks(
                            mixed.filter(in -> in.event != null)
                                    .uid(TreasuryNames.SPLIT_MIXED_EVENTS)
                                    .name(TreasuryNames.SPLIT_MIXED_EVENTS)
                                    .map(in -> in.event, TypeInformation.of(TreasuryEvent.class))
                                    .uid(TreasuryNames.SPLIT_MIXED_EVENTS + "-map")
                                    .name(TreasuryNames.SPLIT_MIXED_EVENTS),
                            TreasuryNames.WATERMARKS_MIXED));
            snapshots.add(
                    mixed.filter(in -> in.snapshot != null)
                            .uid(TreasuryNames.SPLIT_MIXED_SNAPSHOTS)
                            .name(TreasuryNames.SPLIT_MIXED_SNAPSHOTS)
                            .map(in -> in.snapshot, TypeInformation.of(MarketSnapshot.class))
                            .uid(TreasuryNames.SPLIT_MIXED_SNAPSHOTS + "-map")
                            .name(TreasuryNames.SPLIT_MIXED_SNAPSHOTS)
                            .assignTimestampsAndWatermarks(
                                    settings.<MarketSnapshot>watermarks(
                                            (s, previous) -> s.timestamp))
                            .uid(TreasuryNames.WATERMARKS_SNAPSHOTS)
                            .name(TreasuryNames.WATERMARKS_SNAPSHOTS));
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("The treasury job needs an event source");
        }

        DataStream<TreasuryEvent> allEvents = union(events);
        SingleOutputStreamOperator<TreasurySnapshot> treasury =
                treasury(allEvents, broadcastSnapshots(allEvents, snapshots));
        DataStream<TreasuryTransition> transitions =
                treasury.getSideOutput(TreasuryJobState.TRANSITIONS);
        DataStream<CostRecord> costs = treasury.getSideOutput(TreasuryJobState.COSTS);
        DataStream<DailyCost> dailyCosts = treasury.getSideOutput(TreasuryJobState.DAILY_COSTS);
        deadLetters.add(treasury.getSideOutput(TreasuryJobState.REJECTED));

        attach(treasury, sinks.treasury());
        attach(transitions, sinks.transitions());
        attach(costs, sinks.costs());
        attach(dailyCosts, sinks.dailyCosts());

        DataStream<TreasurySnapshot> history = null;
        if (!sinks.history().isEmpty()) {
            // BigQuery's balance_usd is NOT NULL: history needs a known balance.
            history =
                    treasury.filter(s -> s.isHistory() && !Double.isNaN(s.balanceUsd))
                            .uid(TreasuryNames.HISTORY_FILTER)
                            .name(TreasuryNames.HISTORY_FILTER);
            attach(history, sinks.history());
        }
        if (!sinks.dayCloses().isEmpty()) {
            attach(
                    treasury.filter(s -> TreasurySnapshot.DAY_CLOSE.equals(s.snapshotType))
                            .uid(TreasuryNames.DAY_CLOSE_FILTER)
                            .name(TreasuryNames.DAY_CLOSE_FILTER)
                            .keyBy(s -> 0, Types.INT)
                            .process(new SortedDayCloses())
                            .uid(TreasuryNames.SORT_DAY_CLOSES)
                            .name(TreasuryNames.SORT_DAY_CLOSES)
                            .setParallelism(1),
                    sinks.dayCloses());
        }

        DataStream<DeadLetter> allDeadLetters = union(deadLetters);
        attach(allDeadLetters, sinks.deadLetters());
        if (!sinks.metrics().isEmpty()) {
            attach(
                    treasury.flatMap(
                                    (TreasurySnapshot s, Collector<AgentMetric> out) ->
                                            AgentMetric.of(s).forEach(out::collect),
                                    TypeInformation.of(AgentMetric.class))
                            .uid(TreasuryNames.AGENT_METRICS)
                            .name(TreasuryNames.AGENT_METRICS),
                    sinks.metrics());
        }
    }

    private SingleOutputStreamOperator<TreasurySnapshot> treasury(
            DataStream<TreasuryEvent> events, BroadcastStream<MarketSnapshot> snapshots) {
        return events.keyBy(e -> e.agentId, Types.STRING)
                .connect(snapshots)
                .process(
                        new TreasuryFunction(
                                settings.rules,
                                settings.dedupTtl,
                                settings.signalRetention,
                                settings.maxAgentGauges,
                                settings.idleRetention),
                        TypeInformation.of(TreasurySnapshot.class))
                .uid(TreasuryNames.TREASURY)
                .name(TreasuryNames.TREASURY);
    }

    /**
     * The snapshots, with watermarks of their own: the treasury operator's watermark is the least
     * of both inputs', so the override is known up to the watermark (idleness keeps a quiet
     * snapshot feed from holding the treasury back).
     *
     * <p>Without snapshots, an empty stream derived from the events, so that it carries the events'
     * own watermarks and idleness and the treasury clock follows the events alone. An empty source
     * would end at once with the end-of-input watermark: while the events are idle (a restart
     * waiting for Pub/Sub to redeliver) that watermark alone would move every agent to the end of
     * time and make every redelivered event late.
     */
    private BroadcastStream<MarketSnapshot> broadcastSnapshots(
            DataStream<TreasuryEvent> events, List<DataStream<MarketSnapshot>> snapshots) {
        DataStream<MarketSnapshot> input;
        if (snapshots.isEmpty()) {
            input =
                    events.flatMap(
                                    (TreasuryEvent e, Collector<MarketSnapshot> out) -> {},
                                    TypeInformation.of(MarketSnapshot.class))
                            .uid(TreasuryNames.NO_SNAPSHOTS)
                            .name(TreasuryNames.NO_SNAPSHOTS);
        } else {
            // Each snapshot input carries its own watermarks (the feed's from its source).
            input = union(snapshots);
        }
        return input.broadcast(TreasuryJobState.CRASH_SIGNALS);
    }

    private DataStream<TreasuryEvent> withWatermarks(DataStream<TreasuryEvent> events, String uid) {
        return events.assignTimestampsAndWatermarks(
                        settings.<TreasuryEvent>watermarks((e, previous) -> e.timestamp))
                .uid(uid)
                .name(uid);
    }

    private <T> EventTimeParser<T> eventTime(Input<T> input, EventTimeParser.EventTime<T> ts) {
        return new EventTimeParser<>(input.parser(), ts, settings.maxFuture);
    }

    /**
     * The input parsed; with {@code sourceWatermarks}, the source parses each record for its event
     * time and generates the watermarks (per Kafka partition), and the parse step reuses that
     * parse.
     */
    private <T> SingleOutputStreamOperator<T> parse(
            StreamExecutionEnvironment env,
            Input<T> input,
            EventTimeParser<T> parser,
            boolean sourceWatermarks,
            String sourceUid,
            String parseUid,
            Class<T> type,
            List<DataStream<DeadLetter>> deadLetters) {
        SingleOutputStreamOperator<T> parsed =
                input.source()
                        .create(
                                env,
                                sourceUid,
                                sourceWatermarks
                                        ? settings.<RawRecord>watermarks(parser.timestamps())
                                        : null)
                        .process(
                                new ParseOrDeadLetter<>(input.deadLetterSource(), parser),
                                TypeInformation.of(type))
                        .uid(parseUid)
                        .name(parseUid);
        deadLetters.add(parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS));
        return parsed;
    }
}
