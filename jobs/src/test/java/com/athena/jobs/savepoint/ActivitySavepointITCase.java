package com.athena.jobs.savepoint;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.jobs.activity.ActivityJob;
import com.athena.jobs.activity.ActivityNames;
import com.athena.jobs.activity.ActivityOptions;
import com.athena.jobs.activity.ActivitySettings;
import com.athena.jobs.activity.RecentDecisions;
import com.athena.testing.CollectSink;
import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static com.athena.jobs.savepoint.TreasurySavepointITCase.readLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoint compatibility of the activity job, like {@link TreasurySavepointITCase}: the committed
 * {@code savepoints/activity-v1} (event-id de-duplication, the enrichment's buffered decisions,
 * agent contexts, broadcast market conditions and timers, the recent decisions per agent, the
 * memories' recall counts) restored into the current code, with non-restored state forbidden, must
 * continue to exactly the outputs of one uninterrupted run.
 *
 * <p>Regenerate: {@code mvn -B -ntp -pl jobs -am verify -Dspotless.check.skip=true
 * -Dtest=NoSuchTest -Dit.test=ActivitySavepointFixture -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ActivitySavepointITCase {
    static final String FIXTURE = "savepoints/activity-v1";
    static final Path FIXTURE_SOURCE = Paths.get("src/test/resources", FIXTURE);
    static final long D0 = Instant.parse("2024-01-10T00:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    /** Inputs before the savepoint are those before noon; the rest come after the restore. */
    static final long SPLIT = D0 + 12 * HOUR;

    static final List<String> AGENTS = List.of("agent-lean", "agent-rich");

    /** The stateful operators: each must find its state in the fixture. */
    static final List<String> STATEFUL =
            List.of(
                    ActivityNames.DEDUPLICATE,
                    ActivityNames.ENRICH,
                    ActivityNames.RECENT_DECISIONS,
                    ActivityNames.MEMORIES);

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void everyStatefulOperatorOfTheCurrentJobHasItsStateInTheFixture() throws Exception {
        CheckpointMetadata metadata =
                SavepointLoader.loadSavepointMetadata(
                        Paths.get(java.net.URI.create(fixtureSavepoint())).toString());
        Set<OperatorID> withState = new HashSet<>();
        for (OperatorState s : metadata.getOperatorStates()) {
            if (s.getStates().stream().anyMatch(st -> st.getStateSize() > 0)) {
                withState.add(s.getOperatorID());
            }
        }
        for (String uid : STATEFUL) {
            assertThat(withState).as(uid).contains(OperatorIDGenerator.fromUid(uid));
        }
    }

    @Test
    void restoresTheCommittedSavepointToTheOutputsOfAnUninterruptedRun() throws Exception {
        Run uninterrupted = new Run("activity-uninterrupted");
        StreamExecutionEnvironment env =
                uninterrupted.env(
                        before(activity()),
                        after(activity()),
                        before(transitions()),
                        after(transitions()),
                        before(conditions()),
                        after(conditions()),
                        false);
        env.execute(env.getStreamGraph());

        Run restored = new Run("activity-restored");
        env =
                restored.env(
                        List.of(),
                        after(activity()),
                        List.of(),
                        after(transitions()),
                        List.of(),
                        after(conditions()),
                        false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(fixtureSavepoint(), false));
        env.execute(graph);

        // Decisions: each one joined exactly once, with the uninterrupted run's context.
        Set<String> decisionsBefore =
                new HashSet<>(readLines(FIXTURE + "/decisions-before-savepoint.txt"));
        List<String> all = decisionKeys(uninterrupted.decisions());
        assertThat(all).hasSize(AGENTS.size() * 48).doesNotHaveDuplicates();
        assertThat(all).containsAll(decisionsBefore);
        List<String> expected = new ArrayList<>(all);
        expected.removeAll(decisionsBefore);
        // The fixture buffered some decisions in the enrichment's state: they join after restore.
        assertThat(expected.size()).isGreaterThan(AGENTS.size() * 24);
        assertThat(decisionKeys(restored.decisions()))
                .containsExactlyInAnyOrderElementsOf(expected);
        // Every decision in the uninterrupted run has a context and a market condition.
        assertThat(uninterrupted.decisions())
                .allSatisfy(
                        d -> {
                            assertThat(d.emotionalState).isNotNull();
                            assertThat(d.marketCondition).isNotNull();
                        });

        // Memories: the recall counts continue from the restored state. Which changes are
        // emitted depends on the order a memory's events meet in (the parse step runs in
        // parallel), so the final count and last recall of each memory are compared: m1's second
        // recall comes after the split and counts 2 only on top of the restored first one; m2 and
        // m3 are formed after it.
        Map<String, String> expectedMemories =
                new TreeMap<>(lastMemories(uninterrupted.memories()));
        assertThat(expectedMemories)
                .hasSize(AGENTS.size() * 4)
                .allSatisfy((id, m) -> assertThat(m).startsWith("2 "));
        expectedMemories.keySet().removeIf(id -> id.endsWith("-m0"));
        assertThat(lastMemories(restored.memories())).isEqualTo(expectedMemories);

        // Recent decisions: each agent's last list equals the uninterrupted run's.
        assertThat(lastRecent(restored.recent())).isEqualTo(lastRecent(uninterrupted.recent()));

        // Stateless outputs: the events after the split, once each.
        assertThat(restored.metrics()).hasSize(AGENTS.size() * 12);
        assertThat(restored.yields()).hasSize(2 * 2);

        // The duplicate after the split repeats an id read before it: the restored
        // de-duplication state refuses it, as the uninterrupted run refuses both.
        assertThat(restored.deadLetters())
                .extracting(d -> d.source)
                .containsExactly(ActivityNames.DLQ_DUPLICATES);
        assertThat(uninterrupted.deadLetters())
                .extracting(d -> d.source)
                .containsExactly(ActivityNames.DLQ_DUPLICATES, ActivityNames.DLQ_DUPLICATES);
    }

    /** One run of the production graph with injected inputs and collecting sinks. */
    static final class Run {
        final String name;

        Run(String name) {
            this.name = name;
        }

        /**
         * The job over the inputs (each input's two parts in order; a fixture run stays open so
         * that a savepoint can be taken while it runs).
         */
        StreamExecutionEnvironment env(
                List<String> activityBefore,
                List<String> activityAfter,
                List<String> transitionsBefore,
                List<String> transitionsAfter,
                List<String> conditionsBefore,
                List<String> conditionsAfter,
                boolean stayOpen) {
            Configuration config = CommonOptions.fromArgs(new String[0]);
            // Two hours of disorder: at the savepoint the decisions of the last two hours before
            // noon wait in the enrichment's state with their timers. No wall-clock advance.
            config.set(ActivityOptions.OUT_OF_ORDERNESS, Duration.ofHours(2));
            config.set(ActivityOptions.QUIET_ADVANCE, Duration.ZERO);
            config.set(ActivityOptions.IDLENESS, Duration.ofSeconds(1));
            config.set(ActivityOptions.RECENT_DECISIONS, 5);
            // The de-duplication forgets ids a TTL of processing time after it saw them, and a
            // restore measures that against the wall clock: the committed fixture's ids must
            // outlive any age of the fixture for its duplicate to be refused.
            config.set(ActivityOptions.DEDUP_TTL, Duration.ofDays(3650));
            ActivitySettings settings = new ActivitySettings(config);
            Configuration cluster = new Configuration();
            cluster.setString("state.backend.type", "rocksdb");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(cluster);
            env.setParallelism(MiniClusters.PARALLELISM);
            TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
            ActivityJob.Sources sources =
                    new ActivityJob.Sources(
                            new ActivityJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(
                                                    name + "-activity",
                                                    concat(activityBefore, activityAfter),
                                                    stayOpen),
                                            raw),
                                    settings.eventParser,
                                    ActivityNames.DLQ_ACTIVITY),
                            new ActivityJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(
                                                    name + "-transitions",
                                                    concat(transitionsBefore, transitionsAfter),
                                                    stayOpen),
                                            raw),
                                    settings.contextParser,
                                    ActivityNames.DLQ_TRANSITIONS),
                            new ActivityJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(
                                                    name + "-conditions",
                                                    concat(conditionsBefore, conditionsAfter),
                                                    stayOpen),
                                            raw),
                                    settings.conditionParser,
                                    ActivityNames.DLQ_CONDITIONS));
            ActivityJob.Sinks sinks =
                    new ActivityJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_DECISIONS_BIGQUERY,
                                            new CollectSink<EnrichedDecision>(
                                                    name + "-decisions"))),
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_DECISIONS_FIRESTORE,
                                            new CollectSink<RecentDecisions>(name + "-recent"))),
                            List.of(),
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_MEMORIES_TIMESCALE,
                                            new CollectSink<MemoryRecord>(name + "-memories"))),
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_METRICS_BIGQUERY,
                                            new CollectSink<ActivityEvent>(name + "-metrics"))),
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_YIELDS_TIMESCALE,
                                            new CollectSink<ActivityEvent>(name + "-yields"))),
                            List.of(
                                    NamedSink.of(
                                            ActivityNames.SINK_DEAD_LETTERS_KAFKA,
                                            new CollectSink<DeadLetter>(name + "-dead-letters"))));
            new ActivityJob(sources, sinks, settings).build(env);
            return env;
        }

        List<EnrichedDecision> decisions() {
            return CollectSink.results(name + "-decisions");
        }

        List<RecentDecisions> recent() {
            return CollectSink.results(name + "-recent");
        }

        List<MemoryRecord> memories() {
            return CollectSink.results(name + "-memories");
        }

        List<ActivityEvent> metrics() {
            return CollectSink.results(name + "-metrics");
        }

        List<ActivityEvent> yields() {
            return CollectSink.results(name + "-yields");
        }

        List<DeadLetter> deadLetters() {
            return CollectSink.results(name + "-dead-letters");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** The inputs (each a JSON object with "timestamp" or "event_time") before the split. */
    static List<String> before(List<Timed> inputs) {
        return inputs.stream().filter(t -> t.time < SPLIT).map(Timed::json).toList();
    }

    static List<String> after(List<Timed> inputs) {
        return inputs.stream().filter(t -> t.time >= SPLIT).map(Timed::json).toList();
    }

    /** An input and its event time, to split the inputs at the savepoint. */
    record Timed(long time, String json) {}

    /**
     * A day of activity for two agents, in event-time order: a decision every 30 minutes, a metric
     * every hour, four memories recalled twice each, a yield of two protocols every six hours, and
     * one repeated decision on each side of the split (the second repeats an id read before the
     * split).
     */
    static List<Timed> activity() {
        List<Timed> out = new ArrayList<>();
        for (int a = 0; a < AGENTS.size(); a++) {
            String agent = AGENTS.get(a);
            for (int i = 0; i < 48; i++) {
                long t = D0 + i * 30 * MINUTE + (a + 1) * MINUTE;
                out.add(
                        new Timed(
                                t,
                                "{\"event_id\":\""
                                        + agent
                                        + "-d"
                                        + i
                                        + "\",\"type\":\"decision\",\"agent_id\":\""
                                        + agent
                                        + "\",\"timestamp\":\""
                                        + iso(t)
                                        + "\",\"decision_type\":\"trade\",\"decision\":\"d"
                                        + i
                                        + "\",\"reasoning\":\"fixture\",\"confidence\":"
                                        + (0.3 + (i % 7) / 10.0)
                                        + ",\"memory_context\":[\""
                                        + agent
                                        + "-m"
                                        + (i % 4)
                                        + "\"],\"outcome\":\""
                                        + (i % 3 == 0 ? "failure" : "success")
                                        + "\"}"));
            }
            for (int h = 0; h < 24; h++) {
                long t = D0 + h * HOUR + 30 * MINUTE;
                out.add(
                        new Timed(
                                t,
                                "{\"event_id\":\""
                                        + agent
                                        + "-latency-"
                                        + h
                                        + "\",\"type\":\"performance_metric\",\"agent_id\":\""
                                        + agent
                                        + "\",\"timestamp\":\""
                                        + iso(t)
                                        + "\",\"metric_name\":\"llm_latency_ms\",\"metric_value\":"
                                        + (800 + 10 * h)
                                        + ",\"metric_type\":\"timer\",\"unit\":\"ms\"}"));
            }
            for (int m = 0; m < 4; m++) {
                long formed = D0 + (1 + 6 * m) * HOUR + 10 * MINUTE;
                out.add(
                        new Timed(
                                formed,
                                "{\"event_id\":\""
                                        + agent
                                        + "-f"
                                        + m
                                        + "\",\"type\":\"memory_formation\",\"agent_id\":\""
                                        + agent
                                        + "\",\"timestamp\":\""
                                        + iso(formed)
                                        + "\",\"memory_id\":\""
                                        + agent
                                        + "-m"
                                        + m
                                        + "\",\"category\":\"market_patterns\",\"importance\":0."
                                        + (5 + m)
                                        + ",\"content\":\"c\",\"trigger_event\":\"fixture\"}"));
                for (int r = 1; r <= 2; r++) {
                    // The recalls of the memory formed at 07:10 fall on both sides of the split.
                    long t = formed + r * 3 * HOUR;
                    out.add(
                            new Timed(
                                    t,
                                    "{\"event_id\":\""
                                            + agent
                                            + "-r"
                                            + m
                                            + "-"
                                            + r
                                            + "\",\"type\":\"memory_recall\",\"agent_id\":\""
                                            + agent
                                            + "\",\"timestamp\":\""
                                            + iso(t)
                                            + "\",\"memory_id\":\""
                                            + agent
                                            + "-m"
                                            + m
                                            + "\"}"));
                }
            }
        }
        for (String protocol : List.of("aave", "compound")) {
            for (int i = 0; i < 4; i++) {
                long t = D0 + (3 + 6 * i) * HOUR;
                out.add(
                        new Timed(
                                t,
                                "{\"event_id\":\""
                                        + protocol
                                        + "-"
                                        + i
                                        + "\",\"type\":\"protocol_yield\",\"agent_id\":\""
                                        + AGENTS.get(0)
                                        + "\",\"timestamp\":\""
                                        + iso(t)
                                        + "\",\"protocol\":\""
                                        + protocol
                                        + "\",\"chain\":\"ethereum\",\"pool\":\"USDC\",\"apy\":"
                                        + (4 + i * 0.5)
                                        + ",\"tvl_usd\":1.0E9}"));
            }
        }
        out.sort(Comparator.comparingLong(Timed::time));
        // Repeats of agent-lean-d1 (01:01): one before the split, one after it.
        String repeated =
                out.stream()
                        .filter(t -> t.json.contains("\"agent-lean-d1\""))
                        .findFirst()
                        .orElseThrow()
                        .json;
        int beforeSplit = (int) out.stream().filter(t -> t.time < SPLIT).count();
        out.add(beforeSplit, new Timed(SPLIT - 1, repeated));
        out.add(new Timed(D0 + 24 * HOUR, repeated));
        return out;
    }

    /** Each agent's treasury transitions: stable, cautious at 08:00, desperate at 16:00. */
    static List<Timed> transitions() {
        List<Timed> out = new ArrayList<>();
        String[] states = {"stable", "cautious", "desperate"};
        for (int k = 0; k < 3; k++) {
            for (String agent : AGENTS) {
                long t = D0 + k * 8 * HOUR;
                out.add(
                        new Timed(
                                t,
                                "{\"transition_id\":\""
                                        + agent
                                        + "-t"
                                        + k
                                        + "\",\"agent_id\":\""
                                        + agent
                                        + "\",\"event_time\":"
                                        + t
                                        + ",\"emotional_state\":\""
                                        + states[k]
                                        + "\",\"survival_mode_active\":"
                                        + (k == 2)
                                        + ",\"days_until_bankruptcy\":"
                                        + (30 - 10 * k)
                                        + "}"));
            }
        }
        return out;
    }

    /** BTC's condition every six hours: trend and volatility change. */
    static List<Timed> conditions() {
        List<Timed> out = new ArrayList<>();
        String[] trends = {"upward", "sideways", "downward", "downward"};
        String[] volatility = {"low", "medium", "high", "medium"};
        for (int k = 0; k < 4; k++) {
            long t = D0 + k * 6 * HOUR;
            out.add(
                    new Timed(
                            t,
                            "{\"symbol\":\"BTC\",\"event_time\":"
                                    + t
                                    + ",\"trend_direction\":\""
                                    + trends[k]
                                    + "\",\"volatility_level\":\""
                                    + volatility[k]
                                    + "\"}"));
        }
        return out;
    }

    /** A decision with everything the join added, as one comparable line. */
    static List<String> decisionKeys(List<EnrichedDecision> decisions) {
        return decisions.stream()
                .map(
                        d ->
                                String.join(
                                        "|",
                                        d.decision.decisionId,
                                        String.valueOf(d.emotionalState),
                                        String.valueOf(d.survivalModeActive),
                                        String.valueOf(d.daysUntilBankruptcy),
                                        String.valueOf(d.contextTime),
                                        String.valueOf(d.marketTrend),
                                        String.valueOf(d.marketVolatility),
                                        String.valueOf(d.marketCondition),
                                        String.valueOf(d.marketTime)))
                .collect(Collectors.toList());
    }

    /** Each memory's final "recall_count last_recalled". */
    private static Map<String, String> lastMemories(List<MemoryRecord> memories) {
        Map<String, String> last = new TreeMap<>();
        for (MemoryRecord m : memories) {
            last.merge(
                    m.memoryId,
                    m.recallCount + " " + m.lastRecalled,
                    (a, b) ->
                            Long.parseLong(b.split(" ")[0]) >= Long.parseLong(a.split(" ")[0])
                                    ? b
                                    : a);
        }
        return last;
    }

    /** Each agent's last recent-decisions list, as decision ids newest first. */
    private static Map<String, List<String>> lastRecent(List<RecentDecisions> recent) {
        Map<String, List<String>> last = new TreeMap<>();
        Map<String, Long> newest = new TreeMap<>();
        for (RecentDecisions r : recent) {
            if (newest.getOrDefault(r.agentId, Long.MIN_VALUE) <= r.timestamp) {
                newest.put(r.agentId, r.timestamp);
                last.put(
                        r.agentId,
                        Arrays.stream(r.decisions).map(d -> d.decision.decisionId).toList());
            }
        }
        return last;
    }

    static String fixtureSavepoint() throws Exception {
        java.net.URL url =
                ActivitySavepointITCase.class.getResource("/" + FIXTURE + "/savepoint/_metadata");
        assertThat(url)
                .as("no fixture savepoint on the classpath; generate it (see the class comment)")
                .isNotNull();
        return Paths.get(url.toURI()).getParent().toUri().toString();
    }
}
