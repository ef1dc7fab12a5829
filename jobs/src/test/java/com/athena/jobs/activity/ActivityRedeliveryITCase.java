package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.jobs.PubSubSources;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/Sub redelivers, activity counts once. The activity job reads a generated day of activity
 * ({@link ActivityDay}: decisions, memory formations and recalls, metrics, protocol yields) from
 * the Pub/Sub emulator; a checkpoint completes after the first half (the source acknowledges them
 * then), the second half is read but the job is cancelled before any further checkpoint, so those
 * messages are never acknowledged. A second run restores the retained checkpoint and the emulator
 * redelivers the second half once its 10-s ack deadline passes (and any first-half message whose
 * acknowledgement did not make it, which the restored de-duplication state refuses; the second half
 * also repeats a first-half decision, which only that state can refuse).
 *
 * <p>Asserted: the second run really received the redeliveries; BigQuery (the Storage Write sinks
 * on a local write server) holds every decision, memory formation and metric committed exactly
 * once; TimescaleDB's {@code agent_memories} has every memory's two recalls counted once with the
 * last recall's time, and {@code protocol_yields} every observation once, as in a run without the
 * fault ({@link ActivityJobITCase} asserts the same values). Duplicates the de-duplication refused
 * are expected and reported, never a loss or a double.
 *
 * <p>The job runs without the transitions and conditions inputs: while the activity waits out the
 * ack deadline nothing else may move the join's clock (the decisions of both halves wait in the
 * enrichment's state for the watermark, so the restore of that state is exercised too).
 */
@RequiresServices({RealService.KAFKA, RealService.PUBSUB, RealService.POSTGRES})
class ActivityRedeliveryITCase {
    static final int ACK_DEADLINE_SECONDS = 10;
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private final String run = "rd" + UUID.randomUUID().toString().substring(0, 6);
    private final ActivityDay day = new ActivityDay(run);
    private final String dlqTopic = "it.act.redeliver.dlq." + run;
    private final String activityTopic = "it-act-redeliver-" + run;
    private final String activitySub = "it-act-redeliver-sub-" + run;

    private LocalBigQueryWriteServer bigquery;

    @Test
    void redeliveredActivityCountsOnce(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path checkpoints) throws Exception {
        try (LocalBigQueryWriteServer server = LocalBigQueryWriteServer.start()) {
            server.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    ActivityRows.DECISIONS_TABLE,
                    ActivityRows.MEMORIES_TABLE,
                    ActivityRows.METRICS_TABLE);
            bigquery = server;
            run(cluster, checkpoints);
        }
    }

    private void run(MiniCluster cluster, Path checkpoints) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        Feeds.createTopics(kafka, 1, dlqTopic);
        try (PubSubEndpoint.Clients clients = pubsub.clients()) {
            clients.ensureSubscription(activitySub, activityTopic, ACK_DEADLINE_SECONDS);
        }

        List<String> decisions = day.decisions();
        List<String> metrics = day.metrics();
        List<String> all = new ArrayList<>(decisions);
        all.addAll(day.memories());
        all.addAll(metrics);
        all.addAll(day.yields());
        List<String> firstHalf = new ArrayList<>();
        List<String> secondHalf = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 2 == 0 ? firstHalf : secondHalf).add(all.get(i));
        }
        // A repeat of an acknowledged first-half decision: after the restore only the restored
        // de-duplication state can refuse it.
        secondHalf.add(firstHalf.get(0));

        Configuration config = CommonOptions.fromArgs(new String[0]);
        // Redelivered events are seconds of wall time but up to a day of event time behind the
        // newest one read; the tick closes the day.
        config.set(ActivityOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
        config.set(ActivityOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(ActivityOptions.IDLENESS, Duration.ofSeconds(1));
        config.set(CommonOptions.PUBSUB_PULL_TIMEOUT, Duration.ofSeconds(5));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        ActivitySettings settings = new ActivitySettings(config);

        // Run 1: checkpoints only when the test asks, so the second half is never acknowledged.
        Feeds.publish(pubsub, activityTopic, activitySub, firstHalf);
        JobClient first = start(config, settings, pubsub, kafka, timescale, null);
        String checkpoint;
        try {
            waitFor(
                    "run 1 to read the first half",
                    () -> read(first.getJobID()) == firstHalf.size());
            checkpoint = MiniClusters.checkpoint(cluster, first.getJobID(), Duration.ofMinutes(2));
            Feeds.publish(pubsub, activityTopic, activitySub, secondHalf);
            waitFor(
                    "run 1 to read the second half",
                    () -> read(first.getJobID()) == firstHalf.size() + secondHalf.size());
        } finally {
            first.cancel().get(60, TimeUnit.SECONDS);
        }

        // Run 2: from the checkpoint; the second half comes again once its ack deadline passes.
        JobClient second = start(config, settings, pubsub, kafka, timescale, checkpoint);
        long redelivered;
        long refused;
        long deadLetters;
        try {
            waitFor(
                    "run 2 to receive the second half again",
                    () -> read(second.getJobID()) >= secondHalf.size());
            // Far ahead in event time: moves the watermark past the day, so the decisions join.
            Feeds.publish(
                    pubsub,
                    activityTopic,
                    activitySub,
                    List.of(
                            "{\"event_id\":\"tick\",\"type\":\"performance_metric\",\"agent_id\":\""
                                    + day.tick
                                    + "\",\"timestamp\":\""
                                    + ActivityDay.iso(ActivityDay.D0 + 30 * 24 * ActivityDay.HOUR)
                                    + "\",\"metric_name\":\"tick\",\"metric_value\":1}"));
            waitFor(
                    "every memory's recalls and every yield in TimescaleDB",
                    () -> memories(timescale).size() == 8 && yields(timescale).size() == 8);
            // The decisions join once the tick's watermark passes them (after the idleness of the
            // other source subtask); only then may the checkpoint that commits them be taken.
            waitFor(
                    "every decision joined",
                    () ->
                            MiniClusters.counter(
                                            REPORTER,
                                            second.getJobID(),
                                            ActivityNames.ENRICH,
                                            "numRecordsOut")
                                    >= decisions.size());
            // BigQuery rows become visible when a checkpoint completes: take one.
            MiniClusters.checkpoint(cluster, second.getJobID(), Duration.ofMinutes(2));
            waitFor(
                    "every decision, memory formation and metric committed to BigQuery",
                    () ->
                            decisionIds().size() >= decisions.size()
                                    && memoryIds().size() >= 8
                                    && metricKeys().size() >= metrics.size());
            redelivered = read(second.getJobID()) - 1;
            refused =
                    MiniClusters.counter(
                            REPORTER,
                            second.getJobID(),
                            ActivityNames.DEDUPLICATE,
                            DeduplicateActivity.METRIC_DUPLICATES);
            deadLetters = parseDeadLetters(first.getJobID()) + parseDeadLetters(second.getJobID());
        } finally {
            second.cancel().get(60, TimeUnit.SECONDS);
        }

        List<String> bqDecisions = decisionIds();
        List<String> bqMemories = memoryIds();
        List<String> bqMetrics = metricKeys();
        List<String> expectedDecisions = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            String agent = a == 0 ? day.agentA : day.agentB;
            long offset = a == 0 ? 7 * ActivityDay.MINUTE : 13 * ActivityDay.MINUTE;
            for (int i = 0; offset + 20L * ActivityDay.MINUTE * i < 24 * ActivityDay.HOUR; i++) {
                expectedDecisions.add(agent + "-d" + i);
            }
        }
        List<String> expectedMemories = new ArrayList<>();
        Map<String, String> expectedRecalls = new TreeMap<>();
        for (String agent : List.of(day.agentA, day.agentB)) {
            for (int m = 0; m < 4; m++) {
                expectedMemories.add(agent + "-m" + m);
                // Two recalls, the last two hours after the formation at (1 + 6m) h.
                expectedRecalls.put(
                        agent + "-m" + m, "2 " + (ActivityDay.D0 + (3 + 6 * m) * ActivityDay.HOUR));
            }
        }
        List<String> expectedMetrics = new ArrayList<>();
        for (String agent : List.of(day.agentA, day.agentB)) {
            for (int h = 0; h < 24; h++) {
                long at = ActivityDay.D0 + h * ActivityDay.HOUR + 30 * ActivityDay.MINUTE;
                expectedMetrics.add(agent + " llm_latency_ms " + at + " " + (800.0 + 10 * h));
                expectedMetrics.add(agent + " decisions_per_hour " + at + " 3.0");
            }
        }
        Map<String, Double> expectedYields = new TreeMap<>();
        for (String protocol : List.of(day.protocol("aave"), day.protocol("compound"))) {
            for (int i = 0; i < 4; i++) {
                expectedYields.put(
                        protocol + " " + (ActivityDay.D0 + (3 + 6 * i) * ActivityDay.HOUR),
                        4 + i * 0.5);
            }
        }
        Map<String, String> storedRecalls = memories(timescale);
        Map<String, Double> storedYields = yields(timescale);

        long bqLost =
                missing(expectedDecisions, bqDecisions)
                        + missing(expectedMemories, bqMemories)
                        + missing(expectedMetrics, bqMetrics);
        long bqDuplicates = doubled(bqDecisions) + doubled(bqMemories) + doubled(bqMetrics);
        long wrong =
                expectedRecalls.entrySet().stream()
                                .filter(e -> !e.getValue().equals(storedRecalls.get(e.getKey())))
                                .count()
                        + expectedYields.entrySet().stream()
                                .filter(e -> !e.getValue().equals(storedYields.get(e.getKey())))
                                .count();
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "pubsub-redelivery-activity",
                        String.format(
                                "%d activity events over Pub/Sub for 2 agents: %d decisions, 8"
                                        + " memories with 16 recalls, %d metrics, 8 protocol"
                                        + " yields, and a repeated decision",
                                all.size(), decisions.size(), metrics.size()),
                        String.format(
                                "activity job cancelled after reading %d unacknowledged events,"
                                        + " restored from the checkpoint before them; %d messages"
                                        + " redelivered, %d refused as already applied",
                                secondHalf.size(), redelivered, refused),
                        0,
                        bqLost + wrong,
                        bqDuplicates,
                        "BigQuery (Storage Write sinks, local write server): "
                                + bqDecisions.size()
                                + " `agent_decisions`, "
                                + bqMemories.size()
                                + " `memory_formations` and "
                                + bqMetrics.size()
                                + " `performance_metrics` rows committed, "
                                + bqLost
                                + " lost, "
                                + bqDuplicates
                                + " doubled. TimescaleDB: every memory's `recall_count` and"
                                + " `last_recalled` and every `protocol_yields` row equal the"
                                + " run without the fault ("
                                + wrong
                                + " differ). Duplicates refused by the event-id de-duplication"
                                + " are expected: "
                                + refused
                                + "."));

        assertThat(redelivered)
                .as("messages redelivered to run 2")
                .isGreaterThanOrEqualTo(secondHalf.size());
        assertThat(deadLetters).as("parse dead letters").isZero();
        assertThat(refused).as("duplicates refused by the restored de-duplication").isPositive();
        assertThat(bqDecisions).containsExactlyInAnyOrderElementsOf(expectedDecisions);
        assertThat(bqMemories).containsExactlyInAnyOrderElementsOf(expectedMemories);
        assertThat(bqMetrics).containsExactlyInAnyOrderElementsOf(expectedMetrics);
        assertThat(storedRecalls).isEqualTo(expectedRecalls);
        assertThat(storedYields).isEqualTo(expectedYields);
    }

    private static long missing(List<String> expected, List<String> stored) {
        Set<String> present = new HashSet<>(stored);
        return expected.stream().filter(id -> !present.contains(id)).count();
    }

    private static long doubled(List<String> stored) {
        return stored.size() - new HashSet<>(stored).size();
    }

    /** The decision ids of the run's committed {@code agent_decisions} rows, repeats kept. */
    private List<String> decisionIds() {
        return mine(ActivityRows.DECISIONS_TABLE).stream()
                .map(r -> (String) r.get("decision_id"))
                .collect(Collectors.toList());
    }

    /** The memory ids of the run's committed {@code memory_formations} rows, repeats kept. */
    private List<String> memoryIds() {
        return mine(ActivityRows.MEMORIES_TABLE).stream()
                .map(r -> (String) r.get("memory_id"))
                .collect(Collectors.toList());
    }

    /** "agent name micros/1000 value" of the run's committed metric rows, repeats kept. */
    private List<String> metricKeys() {
        return mine(ActivityRows.METRICS_TABLE).stream()
                .map(
                        r ->
                                r.get("agent_id")
                                        + " "
                                        + r.get("metric_name")
                                        + " "
                                        + ((Number) r.get("timestamp")).longValue() / 1000
                                        + " "
                                        + ((Number) r.get("metric_value")).doubleValue())
                .collect(Collectors.toList());
    }

    private List<Map<String, Object>> mine(String table) {
        return bigquery.committedRows(table).stream()
                .filter(
                        r ->
                                day.agentA.equals(r.get("agent_id"))
                                        || day.agentB.equals(r.get("agent_id")))
                .collect(Collectors.toList());
    }

    /** memory id to "recall_count last_recalled-millis". */
    private Map<String, String> memories(JdbcEndpoint timescale) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT memory_id, recall_count, last_recalled FROM agent_memories"
                                        + " WHERE agent_id IN (?, ?)")) {
            ps.setString(1, day.agentA);
            ps.setString(2, day.agentB);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getString(1),
                            rs.getLong(2)
                                    + " "
                                    + (rs.getTimestamp(3) == null
                                            ? "null"
                                            : rs.getTimestamp(3).getTime()));
                }
            }
        }
        // Complete only once every memory has both its recalls.
        return out.values().stream().allMatch(v -> v.startsWith("2 ")) ? out : Map.of();
    }

    /** "protocol ts-millis" to apy. */
    private Map<String, Double> yields(JdbcEndpoint timescale) throws Exception {
        Map<String, Double> out = new TreeMap<>();
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT protocol, ts, apy FROM protocol_yields WHERE protocol IN"
                                        + " (?, ?)")) {
            ps.setString(1, day.protocol("aave"));
            ps.setString(2, day.protocol("compound"));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1) + " " + rs.getTimestamp(2).getTime(), rs.getDouble(3));
                }
            }
        }
        return out;
    }

    private JobClient start(
            Configuration config,
            ActivitySettings settings,
            PubSubEndpoint pubsub,
            KafkaEndpoint kafka,
            JdbcEndpoint timescale,
            String restoreFrom)
            throws Exception {
        var endpoint = bigquery.endpoint("athena-local", "athena_agent");
        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        List<NamedSink<EnrichedDecision>> decisions =
                List.of(
                        NamedSink.of(
                                ActivityNames.SINK_DECISIONS_BIGQUERY,
                                StorageWriteSink.builder(endpoint, new ActivityRows.Decisions())
                                        .build()));
        List<NamedSink<MemoryRecord>> formations =
                List.of(
                        NamedSink.of(
                                ActivityNames.SINK_MEMORIES_BIGQUERY,
                                StorageWriteSink.builder(endpoint, new ActivityRows.Memories())
                                        .upsert(ActivityRows.Memories::sequenceNumber)
                                        .build()));
        List<NamedSink<ActivityEvent>> metrics =
                List.of(
                        NamedSink.of(
                                ActivityNames.SINK_METRICS_BIGQUERY,
                                StorageWriteSink.builder(endpoint, new ActivityRows.Metrics())
                                        .build()));
        ActivityJob job =
                new ActivityJob(
                        new ActivityJob.Sources(
                                new ActivityJob.Input<>(
                                        PubSubSources.raw(pubsub, activitySub, config),
                                        settings.eventParser,
                                        ActivityNames.DLQ_ACTIVITY),
                                // No transitions or conditions: while the activity waits for its
                                // redelivery, nothing else may move the join's clock.
                                null,
                                null),
                        new ActivityJob.Sinks(
                                decisions,
                                List.of(),
                                formations,
                                List.of(
                                        NamedSink.of(
                                                ActivityNames.SINK_MEMORIES_TIMESCALE,
                                                ActivityJdbcSinks.memories(timescale, jdbc))),
                                metrics,
                                List.of(
                                        NamedSink.of(
                                                ActivityNames.SINK_YIELDS_TIMESCALE,
                                                ActivityJdbcSinks.yields(timescale, jdbc))),
                                List.<NamedSink<DeadLetter>>of(
                                        NamedSink.of(
                                                ActivityNames.SINK_DEAD_LETTERS_KAFKA,
                                                KafkaSinks.deadLetters(kafka, dlqTopic)))),
                        settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        // Effectively never on its own: the test triggers the checkpoints it wants.
        env.enableCheckpointing(Duration.ofHours(1).toMillis());
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("activity-redelivery-it-" + run);
        if (restoreFrom != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom, false));
        }
        return env.executeAsync(graph);
    }

    /** Activity messages a run has received (parsed or dead-lettered). */
    private static long read(JobID job) {
        return MiniClusters.counter(
                        REPORTER,
                        job,
                        ActivityNames.PARSE_ACTIVITY,
                        ParseOrDeadLetter.METRIC_RECORDS_IN)
                + parseDeadLetters(job);
    }

    private static long parseDeadLetters(JobID job) {
        return MiniClusters.counter(
                REPORTER, job, ActivityNames.PARSE_ACTIVITY, ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static void waitFor(String what, Waits.Condition condition) throws Exception {
        Waits.until(what, WAIT, condition);
    }
}
