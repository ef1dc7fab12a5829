package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.jobs.reliability.TreasuryFeed.Event;
import com.athena.jobs.treasury.AgentMetric;
import com.athena.jobs.treasury.TreasuryDocuments;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;
import com.athena.testing.CollectSink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.athena.jobs.reliability.OutputDocuments.normalize;
import static com.athena.jobs.reliability.OutputRows.costKey;
import static com.athena.jobs.reliability.OutputRows.known;
import static com.athena.jobs.reliability.OutputRows.metricKey;
import static com.athena.jobs.reliability.OutputRows.snapshotKey;

/**
 * The treasury job's graph ({@link TreasuryJob}) over the same events, bounded, at parallelism 1 in
 * this JVM, with collecting sinks. The watermark waits for the end of the input (as in {@code
 * replay treasury}), so every event is applied in (time, event id) order: what a run without the
 * fault produces, since the feed never brings an event after the watermark.
 */
final class TreasuryReference {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<String> agents;

    private TreasuryReference(String name, List<String> agents) {
        this.name = name;
        this.agents = agents;
    }

    static TreasuryReference run(String name, List<Event> events, List<String> treasuryArgs)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(treasuryArgs.toArray(new String[0]));
        config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(100_000));
        config.set(TreasuryOptions.IDLENESS, Duration.ZERO);
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        TreasurySettings settings = new TreasurySettings(config);
        List<RawRecord> costs = new ArrayList<>();
        List<RawRecord> balances = new ArrayList<>();
        for (Event e : events) {
            (e.pubsub() ? costs : balances)
                    .add(new RawRecord(e.json(), name + "@" + e.id(), e.time()));
        }
        TreasuryJob.Sources sources =
                new TreasuryJob.Sources(
                        // An empty collection source fails; a feed of balance events has no costs.
                        costs.isEmpty()
                                ? null
                                : new TreasuryJob.Input<>(
                                        list(costs),
                                        settings.eventParser::parse,
                                        TreasuryNames.DLQ_COSTS),
                        new TreasuryJob.Input<>(
                                list(balances),
                                settings.eventParser::parse,
                                TreasuryNames.DLQ_BALANCES),
                        null,
                        null);
        TreasuryJob.Sinks sinks = sinks(name);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        new TreasuryJob(sources, sinks, settings).build(env);
        env.execute(name);
        List<String> agents =
                events.stream()
                        .map(Event::agent)
                        .distinct()
                        .filter(a -> !a.endsWith("-zz-tick"))
                        .sorted()
                        .collect(Collectors.toList());
        return new TreasuryReference(name, agents);
    }

    /** Collecting sinks, named after the run, for every output the graph writes. */
    private static TreasuryJob.Sinks sinks(String name) {
        return new TreasuryJob.Sinks(
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_TREASURY_FIRESTORE,
                                new CollectSink<TreasurySnapshot>(name + "-treasury"))),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_SNAPSHOTS_TIMESCALE,
                                new CollectSink<TreasurySnapshot>(name + "-history"))),
                List.of(),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_LOGS_FIRESTORE,
                                new CollectSink<TreasuryTransition>(name + "-transitions"))),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_COSTS_BIGQUERY,
                                new CollectSink<CostRecord>(name + "-costs"))),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_COSTS_FIRESTORE,
                                new CollectSink<DailyCost>(name + "-daily"))),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_METRICS_TIMESCALE,
                                new CollectSink<AgentMetric>(name + "-metrics"))),
                List.of(
                        NamedSink.of(
                                TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                new CollectSink<DeadLetter>(name + "-dead-letters"))));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SourceFactory<RawRecord> list(List<RawRecord> records) {
        return (env, name) -> env.fromData(records, TypeInformation.of(RawRecord.class));
    }

    List<DeadLetter> deadLetters() {
        return CollectSink.results(name + "-dead-letters");
    }

    /** What the named collecting sink received for the run's agents, in arrival order. */
    private <T> List<T> rows(String sink, Class<T> type, Function<T, String> agent) {
        List<T> rows = new ArrayList<>();
        for (Object o : CollectSink.results(name + "-" + sink)) {
            T row = type.cast(o);
            if (agents.contains(agent.apply(row))) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The history snapshots the graph emitted for the run's agents (BigQuery appends each). */
    List<TreasurySnapshot> historySnapshots() {
        return rows("history", TreasurySnapshot.class, x -> x.agentId);
    }

    /** The cost records the graph emitted for the run's agents (BigQuery appends each). */
    List<CostRecord> costRecords() {
        return rows("costs", CostRecord.class, x -> x.agentId);
    }

    List<String> agents() {
        return agents;
    }

    /** The rows as the upserts leave them: the last row of each key wins. */
    Map<String, List<Object>> snapshotRows() {
        Map<String, List<Object>> rows = new TreeMap<>();
        for (TreasurySnapshot s : rows("history", TreasurySnapshot.class, x -> x.agentId)) {
            rows.put(
                    snapshotKey(s.agentId, s.snapshotType, s.timestamp),
                    Arrays.asList(
                            s.day,
                            known(s.balanceUsd),
                            s.dailyCostUsd,
                            known(s.dailyBurnRate),
                            known(s.daysUntilBankruptcy),
                            s.emotionalState,
                            s.confidenceLevel,
                            s.riskTolerance,
                            s.survivalModeActive,
                            s.costSavingModeActive,
                            s.marketCrashOverride,
                            s.trigger,
                            s.hasTransitions() ? String.join(",", s.transitions) : null,
                            s.sequence));
        }
        return rows;
    }

    Map<String, List<Object>> costRows() {
        Map<String, List<Object>> rows = new TreeMap<>();
        for (CostRecord c : rows("costs", CostRecord.class, x -> x.agentId)) {
            rows.put(
                    costKey(c.agentId, c.eventId, c.timestamp),
                    Arrays.asList(
                            c.costType,
                            c.operation,
                            c.model,
                            c.inputTokens,
                            c.outputTokens,
                            c.amount,
                            known(c.dailyTotal),
                            c.late));
        }
        return rows;
    }

    Map<String, List<Object>> metricRows() {
        Map<String, List<Object>> rows = new TreeMap<>();
        for (AgentMetric m : rows("metrics", AgentMetric.class, x -> x.agentId)) {
            rows.put(
                    metricKey(m.agentId, m.metricName, m.timestamp),
                    Arrays.asList(m.value, json(m.labels)));
        }
        return rows;
    }

    List<Long> rowCounts() {
        return List.of(
                (long) snapshotRows().size(), (long) costRows().size(), (long) metricRows().size());
    }

    /** Each agent's treasury document: its newest snapshot (the sink never goes back). */
    Map<String, Map<String, Object>> treasuryDocs() {
        TreasuryDocuments.Treasury mapper = new TreasuryDocuments.Treasury();
        Map<String, TreasurySnapshot> newest = new TreeMap<>();
        for (Object o : CollectSink.results(name + "-treasury")) {
            TreasurySnapshot s = (TreasurySnapshot) o;
            if (agents.contains(s.agentId)) {
                newest.merge(
                        s.agentId,
                        s,
                        (x, y) ->
                                y.timestamp > x.timestamp
                                                || (y.timestamp == x.timestamp
                                                        && y.sequence > x.sequence)
                                        ? y
                                        : x);
            }
        }
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        newest.forEach(
                (agent, s) -> {
                    Map<String, Object> fields = new LinkedHashMap<>(mapper.fields(s));
                    fields.put(FirestoreSink.EVENT_TIME_FIELD, mapper.eventTime(s));
                    docs.put(mapper.documentId(s), normalize(fields));
                });
        return docs;
    }

    /**
     * Each agent's daily cost documents: the newest state of each day (the sink writes an equal
     * event time again, never an older one).
     */
    Map<String, Map<String, Object>> costDocs() {
        TreasuryDocuments.Costs mapper = new TreasuryDocuments.Costs();
        Map<String, DailyCost> newest = new TreeMap<>();
        for (Object o : CollectSink.results(name + "-daily")) {
            DailyCost d = (DailyCost) o;
            if (agents.contains(d.agentId)) {
                newest.merge(mapper.documentId(d), d, (x, y) -> y.timestamp >= x.timestamp ? y : x);
            }
        }
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        newest.forEach(
                (id, d) -> {
                    Map<String, Object> fields = new LinkedHashMap<>(mapper.fields(d));
                    fields.put(FirestoreSink.EVENT_TIME_FIELD, mapper.eventTime(d));
                    docs.put(id, normalize(fields));
                });
        return docs;
    }
}
