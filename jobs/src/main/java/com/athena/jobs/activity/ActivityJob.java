package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.ActivityType;
import com.athena.common.activity.AgentContext;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MarketCondition;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.EventTimeParser;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.RecordParser;

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
 * The activity job: agent activity events (Pub/Sub) become the rows of {@code agent_decisions},
 * {@code memory_formations} and {@code performance_metrics}, each agent's recent decisions and the
 * protocols' latest yields. Decisions are joined in event time with the agent's treasury context
 * (Kafka {@code agent.transitions}) and the market condition (Kafka {@code market.conditions}).
 *
 * <pre>
 * activity ─parse─keyBy(agent)─dedup─┬─decisions──┐
 * transitions ─parse─────────────────┼────────────┴─union─keyBy(agent)─┐
 * conditions ─parse─broadcast────────┼─────────────────────────────────┴─enrich─► decisions, recent
 *                                    ├─memories─keyBy(memory_id)─recalls─► memory rows
 *                                    ├─metrics───────────────────────────► metric rows
 *                                    └─yields────────────────────────────► protocols, yields
 * </pre>
 *
 * <p>It takes its sources and sinks in the constructor, so production and tests run the same graph;
 * {@link #build} adds it to an environment.
 */
public final class ActivityJob {

    /** A raw input and how to parse it. */
    public record Input<T>(
            SourceFactory<RawRecord> source, RecordParser<T> parser, String deadLetterSource) {}

    /** The job's inputs; transitions and conditions may be absent (no enrichment from them). */
    public record Sources(
            Input<ActivityEvent> activity,
            Input<AgentContext> transitions,
            Input<MarketCondition> conditions) {}

    /**
     * The job's outputs; each list may be empty.
     *
     * @param decisions every enriched decision (BigQuery {@code agent_decisions})
     * @param recentDecisions each agent's recent decisions (Firestore {@code agent_data_decisions})
     * @param memoryFormations each change of a memory, formation and recalls, as upserts (BigQuery
     *     {@code memory_formations}, one row per memory)
     * @param memories every change of a memory, recalls included (TimescaleDB {@code
     *     agent_memories})
     * @param metrics performance metric samples (BigQuery {@code performance_metrics})
     * @param yields protocol yield observations (Firestore {@code agent_data_protocols},
     *     TimescaleDB {@code protocol_yields})
     * @param deadLetters Kafka {@code activity.dlq}, TimescaleDB {@code dead_letters}
     */
    public record Sinks(
            List<NamedSink<EnrichedDecision>> decisions,
            List<NamedSink<RecentDecisions>> recentDecisions,
            List<NamedSink<MemoryRecord>> memoryFormations,
            List<NamedSink<MemoryRecord>> memories,
            List<NamedSink<ActivityEvent>> metrics,
            List<NamedSink<ActivityEvent>> yields,
            List<NamedSink<DeadLetter>> deadLetters) {}

    private final Sources sources;
    private final Sinks sinks;
    private final ActivitySettings settings;

    public ActivityJob(Sources sources, Sinks sinks, ActivitySettings settings) {
        this.sources = sources;
        this.sinks = sinks;
        this.settings = settings;
    }

    /** Adds the job's graph to the environment. */
    public void build(StreamExecutionEnvironment env) {
        reuseObjects(env);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

        SingleOutputStreamOperator<ActivityEvent> unique =
                parse(
                                env,
                                sources.activity(),
                                e -> e.timestamp,
                                ActivityNames.SOURCE_ACTIVITY,
                                ActivityNames.PARSE_ACTIVITY,
                                ActivityEvent.class,
                                deadLetters)
                        .keyBy(e -> e.agentId, Types.STRING)
                        .process(
                                new DeduplicateActivity(settings.dedupTtl),
                                TypeInformation.of(ActivityEvent.class))
                        .uid(ActivityNames.DEDUPLICATE)
                        .name(ActivityNames.DEDUPLICATE);
        deadLetters.add(unique.getSideOutput(DeduplicateActivity.DUPLICATES));

        List<DataStream<AgentInput>> agentInputs = new ArrayList<>();
        agentInputs.add(
                unique.filter(e -> e.is(ActivityType.DECISION))
                        .uid(ActivityNames.DECISIONS)
                        .name(ActivityNames.DECISIONS)
                        .map(AgentInput::decision, TypeInformation.of(AgentInput.class))
                        .uid(ActivityNames.DECISIONS + "-input")
                        .name(ActivityNames.DECISIONS));
        if (sources.transitions() != null) {
            agentInputs.add(
                    parse(
                                    env,
                                    sources.transitions(),
                                    c -> c.timestamp,
                                    ActivityNames.SOURCE_TRANSITIONS,
                                    ActivityNames.PARSE_TRANSITIONS,
                                    AgentContext.class,
                                    deadLetters)
                            .map(AgentInput::context, TypeInformation.of(AgentInput.class))
                            .uid(ActivityNames.CONTEXTS)
                            .name(ActivityNames.CONTEXTS));
        }
        DataStream<AgentInput> keyedInput = union(agentInputs);
        SingleOutputStreamOperator<EnrichedDecision> decisions =
                keyedInput
                        .keyBy(AgentInput::agentId, Types.STRING)
                        .connect(conditions(env, keyedInput, deadLetters))
                        .process(
                                new EnrichDecisions(
                                        settings.marketSymbol,
                                        settings.historyRetention.toMillis()),
                                TypeInformation.of(EnrichedDecision.class))
                        .uid(ActivityNames.ENRICH)
                        .name(ActivityNames.ENRICH);
        attach(decisions, sinks.decisions());
        if (!sinks.recentDecisions().isEmpty()) {
            attach(
                    decisions
                            .keyBy(d -> d.decision.agentId, Types.STRING)
                            .process(
                                    new RecentDecisionsFunction(settings.recentDecisions),
                                    TypeInformation.of(RecentDecisions.class))
                            .uid(ActivityNames.RECENT_DECISIONS)
                            .name(ActivityNames.RECENT_DECISIONS),
                    sinks.recentDecisions());
        }

        SingleOutputStreamOperator<MemoryRecord> memories =
                unique.filter(
                                e ->
                                        e.is(ActivityType.MEMORY_FORMATION)
                                                || e.is(ActivityType.MEMORY_RECALL))
                        .uid(ActivityNames.MEMORIES_FILTER)
                        .name(ActivityNames.MEMORIES_FILTER)
                        .keyBy(e -> e.memoryId, Types.STRING)
                        .process(new MemoryFunction(), TypeInformation.of(MemoryRecord.class))
                        .uid(ActivityNames.MEMORIES)
                        .name(ActivityNames.MEMORIES);
        attach(memories, sinks.memories());
        if (!sinks.memoryFormations().isEmpty()) {
            // Every change, formation and recalls: upserts on memory_id keep one row per memory
            // with its latest recall_count and last_recalled.
            attach(
                    memories.filter(m -> m.formation != null)
                            .uid(ActivityNames.MEMORY_FORMATIONS_FILTER)
                            .name(ActivityNames.MEMORY_FORMATIONS_FILTER),
                    sinks.memoryFormations());
        }
        attach(
                unique.filter(e -> e.is(ActivityType.PERFORMANCE_METRIC))
                        .uid(ActivityNames.METRICS_FILTER)
                        .name(ActivityNames.METRICS_FILTER),
                sinks.metrics());
        attach(
                unique.filter(e -> e.is(ActivityType.PROTOCOL_YIELD))
                        .uid(ActivityNames.YIELDS_FILTER)
                        .name(ActivityNames.YIELDS_FILTER),
                sinks.yields());
        attach(union(deadLetters), sinks.deadLetters());
    }

    /**
     * The market conditions, broadcast with their own watermarks. Without a conditions input, an
     * empty stream derived from the keyed input, so that the join's clock follows that input alone
     * (an empty source would end at once and move the watermark to the end of time).
     */
    private BroadcastStream<MarketCondition> conditions(
            StreamExecutionEnvironment env,
            DataStream<AgentInput> keyedInput,
            List<DataStream<DeadLetter>> deadLetters) {
        DataStream<MarketCondition> conditions;
        if (sources.conditions() != null) {
            conditions =
                    parse(
                            env,
                            sources.conditions(),
                            c -> c.timestamp,
                            ActivityNames.SOURCE_CONDITIONS,
                            ActivityNames.PARSE_CONDITIONS,
                            MarketCondition.class,
                            deadLetters);
        } else {
            conditions =
                    keyedInput
                            .flatMap(
                                    (AgentInput in, Collector<MarketCondition> out) -> {},
                                    TypeInformation.of(MarketCondition.class))
                            .uid(ActivityNames.NO_CONDITIONS)
                            .name(ActivityNames.NO_CONDITIONS);
        }
        return conditions.broadcast(EnrichDecisions.CONDITIONS);
    }

    /**
     * The input parsed; the source parses each record for its event time and generates the
     * watermarks (per Kafka partition), and the parse step reuses that parse.
     */
    private <T> SingleOutputStreamOperator<T> parse(
            StreamExecutionEnvironment env,
            Input<T> input,
            EventTimeParser.EventTime<T> eventTime,
            String sourceUid,
            String parseUid,
            Class<T> type,
            List<DataStream<DeadLetter>> deadLetters) {
        EventTimeParser<T> parser =
                new EventTimeParser<>(input.parser(), eventTime, settings.maxFuture);
        SingleOutputStreamOperator<T> parsed =
                input.source()
                        .create(env, sourceUid, settings.<RawRecord>watermarks(parser.timestamps()))
                        .process(
                                new ParseOrDeadLetter<>(input.deadLetterSource(), parser),
                                TypeInformation.of(type))
                        .uid(parseUid)
                        .name(parseUid);
        deadLetters.add(parsed.getSideOutput(ParseOrDeadLetter.DEAD_LETTERS));
        return parsed;
    }
}
