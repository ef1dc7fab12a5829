package com.athena.jobs.savepoint;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;
import com.athena.testing.CollectSink;
import com.athena.testing.ListSource;
import com.athena.testing.MiniClusters;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoint compatibility of the treasury job, like {@link MarketSavepointITCase}: the committed
 * {@code savepoints/treasury-v1} (per-agent treasury state, buffered events, timers) restored into
 * the current code must continue to the same day closes and final balances as one uninterrupted
 * run.
 *
 * <p>Regenerate: {@code mvn -B -ntp -pl jobs verify -Dspotless.check.skip=true -Dtest=NoSuchTest
 * -Dit.test=TreasurySavepointFixture -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TreasurySavepointITCase {
    static final String FIXTURE = "savepoints/treasury-v1";
    static final Path FIXTURE_SOURCE = Paths.get("src/test/resources", FIXTURE);
    static final LocalDate FIRST_DAY = LocalDate.of(2024, 1, 10);
    static final int DAYS = 12;
    static final int DAYS_BEFORE_SAVEPOINT = 6;
    static final List<String> AGENTS = List.of("agent-lean", "agent-rich");

    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.extension();

    @Test
    void restoresTheCommittedSavepointToTheSameBalancesAsAnUninterruptedRun() throws Exception {
        Run uninterrupted = new Run("treasury-uninterrupted");
        StreamExecutionEnvironment env =
                uninterrupted.env(costs(0, DAYS), balances(0, DAYS), false);
        env.execute(env.getStreamGraph());

        Run restored = new Run("treasury-restored");
        env =
                restored.env(
                        costs(DAYS_BEFORE_SAVEPOINT, DAYS),
                        balances(DAYS_BEFORE_SAVEPOINT, DAYS),
                        false);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(
                SavepointRestoreSettings.forPath(fixtureSavepoint(), false));
        env.execute(graph);

        Set<String> before = new HashSet<>(readLines(FIXTURE + "/day-closes-before-savepoint.txt"));
        Map<String, TreasurySnapshot> all = dayCloses(uninterrupted.snapshots());
        assertThat(all.keySet()).containsAll(before);
        assertThat(all).hasSize(AGENTS.size() * DAYS);
        Map<String, TreasurySnapshot> expected = new HashMap<>(all);
        expected.keySet().removeAll(before);
        // Each remaining day close exactly once, with the uninterrupted run's balance, burn rate,
        // runway and emotional state.
        assertThat(
                        restored.snapshots().stream()
                                .filter(TreasurySavepointITCase::isDayClose)
                                .count())
                .isEqualTo(expected.size());
        assertThat(dayCloses(restored.snapshots())).isEqualTo(expected);
        assertThat(lastByAgent(restored.snapshots()))
                .isEqualTo(lastByAgent(uninterrupted.snapshots()));
        assertThat(uninterrupted.deadLetters()).isEmpty();
        assertThat(restored.deadLetters()).isEmpty();
    }

    /** One run of the production graph with injected inputs and collecting sinks. */
    static final class Run {
        final String name;

        Run(String name) {
            this.name = name;
        }

        StreamExecutionEnvironment env(
                List<String> costs, List<String> balances, boolean stayOpen) {
            Configuration config = CommonOptions.fromArgs(new String[0]);
            // Nothing late (in-order input); no wall-clock advance: deterministic.
            // A day of disorder: the first days close before the savepoint (applied state), the
            // later ones are still buffered with their timers in it.
            config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(1));
            config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
            config.set(TreasuryOptions.IDLENESS, Duration.ofSeconds(1));
            TreasurySettings settings = new TreasurySettings(config);
            Configuration cluster = new Configuration();
            cluster.setString("state.backend.type", "rocksdb");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(cluster);
            env.setParallelism(MiniClusters.PARALLELISM);
            TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
            TreasuryJob.Sources sources =
                    new TreasuryJob.Sources(
                            new TreasuryJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(name + "-costs", costs, stayOpen), raw),
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_COSTS),
                            new TreasuryJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(name + "-balances", balances, stayOpen),
                                            raw),
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_BALANCES),
                            // An empty snapshot input rather than none: the job's stand-in for a
                            // missing one (fromData of an empty list) fails at runtime.
                            new TreasuryJob.Input<>(
                                    SourceFactory.legacy(
                                            new ListSource(
                                                    name + "-snapshots", List.of(), stayOpen),
                                            raw),
                                    settings.snapshotParser::parse,
                                    TreasuryNames.DLQ_SNAPSHOTS),
                            null);
            TreasuryJob.Sinks sinks =
                    new TreasuryJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_TREASURY_FIRESTORE,
                                            new CollectSink<TreasurySnapshot>(
                                                    name + "-snapshots"))),
                            List.of(),
                            List.of(),
                            List.of(),
                            List.of(),
                            List.of(),
                            List.of(),
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                            new CollectSink<DeadLetter>(name + "-dead-letters"))));
            new TreasuryJob(sources, sinks, settings).build(env);
            return env;
        }

        List<TreasurySnapshot> snapshots() {
            return CollectSink.results(name + "-snapshots");
        }

        List<DeadLetter> deadLetters() {
            return CollectSink.results(name + "-dead-letters");
        }
    }

    /** Costs of days [from, to): an LLM bill in the morning, an API bill in the afternoon. */
    static List<String> costs(int from, int to) {
        List<String> costs = new ArrayList<>();
        for (int d = from; d < to; d++) {
            String day = FIRST_DAY.plusDays(d).toString();
            for (String agent : AGENTS) {
                double scale = agent.equals("agent-lean") ? 1.0 : 3.0;
                costs.add(
                        cost(
                                agent,
                                agent + "-" + day + "-llm",
                                day + "T09:00:00Z",
                                scale * (2.5 + 0.1 * d),
                                "llm_cost"));
                costs.add(
                        cost(
                                agent,
                                agent + "-" + day + "-api",
                                day + "T17:00:00Z",
                                scale * 0.6,
                                "api_cost"));
            }
        }
        return costs;
    }

    /** A balance report at the start of each day [from, to): the lean agent runs down. */
    static List<String> balances(int from, int to) {
        List<String> balances = new ArrayList<>();
        for (int d = from; d < to; d++) {
            String day = FIRST_DAY.plusDays(d).toString();
            balances.add(balance("agent-lean", day, 40.0 - 3.4 * d));
            balances.add(balance("agent-rich", day, 1000.0 - 10 * d));
        }
        return balances;
    }

    static String cost(String agent, String id, String time, double amount, String type) {
        return "{\"event_id\":\""
                + id
                + "\",\"agent_id\":\""
                + agent
                + "\",\"timestamp\":\""
                + time
                + "\",\"amount\":"
                + amount
                + ",\"cost_type\":\""
                + type
                + "\"}";
    }

    static String balance(String agent, String day, double usd) {
        return "{\"event_id\":\""
                + agent
                + "-"
                + day
                + "-balance\",\"agent_id\":\""
                + agent
                + "\",\"type\":\"balance\",\"timestamp\":\""
                + day
                + "T00:00:00Z\",\"balance_usd\":"
                + usd
                + "}";
    }

    static boolean isDayClose(TreasurySnapshot s) {
        return TreasurySnapshot.DAY_CLOSE.equals(s.snapshotType);
    }

    static Map<String, TreasurySnapshot> dayCloses(List<TreasurySnapshot> all) {
        Map<String, TreasurySnapshot> closes = new HashMap<>();
        for (TreasurySnapshot s : all) {
            if (isDayClose(s)) {
                assertThat(closes.put(s.agentId + "|" + s.day, s))
                        .as("day close %s %s twice", s.agentId, s.day)
                        .isNull();
            }
        }
        return closes;
    }

    private static Map<String, TreasurySnapshot> lastByAgent(List<TreasurySnapshot> all) {
        Map<String, TreasurySnapshot> last = new HashMap<>();
        for (TreasurySnapshot s : all) {
            last.merge(
                    s.agentId,
                    s,
                    (a, b) ->
                            Comparator.comparingLong((TreasurySnapshot x) -> x.timestamp)
                                                    .thenComparingLong(x -> x.sequence)
                                                    .compare(b, a)
                                            > 0
                                    ? b
                                    : a);
        }
        return last;
    }

    static String fixtureSavepoint() throws Exception {
        java.net.URL url =
                TreasurySavepointITCase.class.getResource("/" + FIXTURE + "/savepoint/_metadata");
        assertThat(url)
                .as("no fixture savepoint on the classpath; generate it (see the class comment)")
                .isNotNull();
        return Paths.get(url.toURI()).getParent().toUri().toString();
    }

    static List<String> readLines(String resource) throws Exception {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                TreasurySavepointITCase.class.getResourceAsStream("/" + resource),
                                StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }
    }

    static void awaitQuiet(List<?> output) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        int last = -1;
        int stable = 0;
        while (stable < 6 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            int now = output.size();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }
}
