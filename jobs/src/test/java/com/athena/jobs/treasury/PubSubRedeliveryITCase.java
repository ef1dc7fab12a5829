package com.athena.jobs.treasury;

import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.JsonFields;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/Sub redelivers, costs count once. The treasury job reads costs from the Pub/Sub emulator; a
 * checkpoint completes after the first half (the source acknowledges them then), the second half is
 * read but the job is cancelled before any further checkpoint, so those messages are never
 * acknowledged. A second run restores the retained checkpoint: the emulator redelivers the second
 * half after the 10-s ack deadline (and any first-half message whose acknowledgement did not make
 * it, which the restored de-duplication state refuses). Asserted: the second run really received
 * redeliveries, every cost is stored once, and every day-close balance is exact to the cent.
 *
 * <p>The job runs without a snapshot feed on purpose: while the costs are idle, waiting out the ack
 * deadline, nothing may move the treasury clock on. (An empty snapshot source used to end with the
 * end-of-input watermark, which closed every day before the redelivered costs came back.)
 */
@RequiresServices({RealService.KAFKA, RealService.PUBSUB, RealService.POSTGRES})
class PubSubRedeliveryITCase {
    static final int AGENTS = 2;
    static final int COSTS_PER_AGENT = 150;
    static final int ACK_DEADLINE_SECONDS = 10;
    static final Instant DAY1 = TreasuryBadInputITCase.DAY1;
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String agents = "it-redeliver-" + run + "-a%";
    private final String eventsTopic = "it.redeliver.events." + run;
    private final String dlqTopic = "it.redeliver.dlq." + run;
    private final String costsTopic = "it-redeliver-costs-" + run;
    private final String costsSub = "it-redeliver-costs-sub-" + run;

    /** BigQuery on: the Storage Write sinks of treasury_snapshots and cost_tracking. */
    private LocalBigQueryWriteServer bigquery;

    @Test
    void redeliveredCostsCountOnce(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path checkpoints) throws Exception {
        try (LocalBigQueryWriteServer server = LocalBigQueryWriteServer.start()) {
            server.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    TreasuryRows.SNAPSHOTS_TABLE,
                    TreasuryRows.COSTS_TABLE);
            bigquery = server;
            run(cluster, checkpoints);
        }
    }

    private void run(MiniCluster cluster, Path checkpoints) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }
        Feeds.createTopics(kafka, 1, eventsTopic, dlqTopic);
        try (PubSubEndpoint.Clients clients = pubsub.clients()) {
            clients.ensureSubscription(costsSub, costsTopic, ACK_DEADLINE_SECONDS);
        }

        List<String> firstHalf = new ArrayList<>();
        List<String> secondHalf = new ArrayList<>();
        Map<String, Double> expectedCosts = new HashMap<>();
        Map<String, BigDecimal> expectedCloses = new TreeMap<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (int a = 0; a < AGENTS; a++) {
                String agent = "it-redeliver-" + run + "-a" + a;
                producer.send(
                        new ProducerRecord<>(
                                eventsTopic,
                                TreasuryBadInputITCase.event(
                                        agent,
                                        agent + "-balance",
                                        DAY1,
                                        "\"type\":\"balance\",\"balance_usd\":500,\"daily_burn_rate\":5")));
                BigDecimal[] days = {BigDecimal.ZERO, BigDecimal.ZERO};
                for (int k = 0; k < COSTS_PER_AGENT; k++) {
                    Instant at = DAY1.plus(Duration.ofMinutes(1 + 15L * k));
                    BigDecimal amount = BigDecimal.valueOf((k * 53L + 7 * a) % 300 + 1, 2);
                    String id = agent + "-cost-" + k;
                    (k % 2 == 0 ? firstHalf : secondHalf)
                            .add(
                                    TreasuryBadInputITCase.event(
                                            agent,
                                            id,
                                            at,
                                            "\"amount\":"
                                                    + amount
                                                    + ",\"cost_type\":\"api_cost\""));
                    expectedCosts.put(id, amount.doubleValue());
                    int day = at.isBefore(DAY1.plus(Duration.ofDays(1))) ? 0 : 1;
                    days[day] = days[day].add(amount);
                }
                BigDecimal close1 = new BigDecimal("500.00").subtract(days[0]);
                expectedCloses.put(agent + " 2024-03-01", close1);
                expectedCloses.put(agent + " 2024-03-02", close1.subtract(days[1]));
            }
            producer.flush();
        }

        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(TreasuryOptions.IDLENESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        TreasurySettings settings = new TreasurySettings(config);

        // Run 1: checkpoints only when the test asks, so the second half is never acknowledged.
        Feeds.publish(pubsub, costsTopic, costsSub, firstHalf);
        JobClient first = start(config, settings, kafka, pubsub, postgres, null);
        String checkpoint;
        try {
            waitFor(
                    "run 1 to read the first half",
                    () -> read(first.getJobID()) == firstHalf.size());
            checkpoint = MiniClusters.checkpoint(cluster, first.getJobID(), Duration.ofMinutes(2));
            Feeds.publish(pubsub, costsTopic, costsSub, secondHalf);
            waitFor(
                    "run 1 to read the second half",
                    () -> read(first.getJobID()) == firstHalf.size() + secondHalf.size());
        } finally {
            first.cancel().get(60, TimeUnit.SECONDS);
        }

        // Run 2: from the checkpoint; the second half comes again once its ack deadline passes.
        JobClient second = start(config, settings, kafka, pubsub, postgres, checkpoint);
        long redelivered;
        long refused;
        try {
            waitFor(
                    "run 2 to receive the second half again",
                    () -> read(second.getJobID()) >= secondHalf.size());
            Feeds.publish(
                    pubsub,
                    costsTopic,
                    costsSub,
                    List.of(
                            TreasuryBadInputITCase.event(
                                    "it-redeliver-" + run + "-tick",
                                    "tick",
                                    DAY1.plus(Duration.ofDays(30)),
                                    "\"amount\":0.01")));
            // The sink flushes on its batch interval (no checkpoint in this run): wait for it.
            waitFor(
                    "both day closes of every agent and every cost row",
                    () ->
                            TreasuryTables.dayCloses(postgres, agents).size() == 2 * AGENTS
                                    && costCount(postgres) >= expectedCosts.size());
            // BigQuery rows become visible when a checkpoint completes: take one.
            MiniClusters.checkpoint(cluster, second.getJobID(), Duration.ofMinutes(2));
            waitFor(
                    "every cost row and both day closes of every agent committed to BigQuery",
                    () ->
                            bigQueryCosts().size() >= expectedCosts.size()
                                    && bigQueryDayCloses().size() >= 2 * AGENTS);
            redelivered = read(second.getJobID()) - 1;
            refused =
                    MiniClusters.counter(
                            REPORTER,
                            second.getJobID(),
                            TreasuryNames.TREASURY,
                            TreasuryFunction.METRIC_DUPLICATES);
        } finally {
            second.cancel().get(60, TimeUnit.SECONDS);
        }

        Map<String, Double> stored = TreasuryTables.costs(postgres, agents);
        Map<String, BigDecimal> closes = TreasuryTables.dayCloses(postgres, agents);
        long lost = expectedCosts.keySet().stream().filter(id -> !stored.containsKey(id)).count();
        // BigQuery appends: each cost and each day close must be committed exactly once.
        List<String> bqCosts = bigQueryCosts();
        List<String> bqCloses = bigQueryDayCloses();
        long bqLost =
                expectedCosts.keySet().stream().filter(id -> !bqCosts.contains(id)).count()
                        + expectedCloses.keySet().stream()
                                .filter(k -> !bqCloses.contains(k))
                                .count();
        long bqDuplicates =
                (bqCosts.size() - new HashSet<>(bqCosts).size())
                        + (bqCloses.size() - new HashSet<>(bqCloses).size());
        long wrong =
                expectedCloses.entrySet().stream()
                        .filter(
                                e ->
                                        closes.get(e.getKey()) == null
                                                || closes.get(e.getKey()).compareTo(e.getValue())
                                                        != 0)
                        .count();
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "pubsub-redelivery",
                        String.format(
                                "%d agents x %d costs over Pub/Sub, %d balance events",
                                AGENTS, COSTS_PER_AGENT, AGENTS),
                        String.format(
                                "job cancelled after reading %d unacknowledged costs, restored from"
                                        + " the checkpoint before them; %d messages redelivered, %d"
                                        + " refused as already applied",
                                secondHalf.size(), redelivered, refused),
                        0,
                        lost + wrong + bqLost,
                        Math.max(0, stored.size() - expectedCosts.size()) + bqDuplicates,
                        "Day-close balances of every agent compared to the cent with the sums of"
                                + " their costs; `cost_events` holds each cost once. BigQuery"
                                + " (Storage Write sink, local write server): "
                                + bqCosts.size()
                                + " `cost_tracking` rows and "
                                + bqCloses.size()
                                + " day-close `treasury_snapshots` rows committed, "
                                + bqLost
                                + " lost, "
                                + bqDuplicates
                                + " doubled."));

        assertThat(redelivered)
                .as("messages redelivered to run 2")
                .isGreaterThanOrEqualTo(secondHalf.size());
        assertThat(stored).isEqualTo(expectedCosts);
        assertThat(closes).isEqualTo(expectedCloses);
        assertThat(bqCosts).containsExactlyInAnyOrderElementsOf(expectedCosts.keySet());
        assertThat(bqCloses).containsExactlyInAnyOrderElementsOf(expectedCloses.keySet());
    }

    /** The event ids of the run's committed {@code cost_tracking} rows, repeats kept. */
    private List<String> bigQueryCosts() {
        String prefix = "it-redeliver-" + run + "-a";
        return bigquery.committedRows(TreasuryRows.COSTS_TABLE).stream()
                .filter(r -> String.valueOf(r.get("agent_id")).startsWith(prefix))
                .map(r -> (String) r.get("event_id"))
                .collect(Collectors.toList());
    }

    /** "agent day" of the run's committed day-close {@code treasury_snapshots} rows. */
    private List<String> bigQueryDayCloses() {
        String prefix = "it-redeliver-" + run + "-a";
        List<String> closes = new ArrayList<>();
        for (Map<String, Object> r : bigquery.committedRows(TreasuryRows.SNAPSHOTS_TABLE)) {
            if (!String.valueOf(r.get("agent_id")).startsWith(prefix)) {
                continue;
            }
            try {
                JsonNode events = JsonFields.MAPPER.readTree((String) r.get("significant_events"));
                if (events.path("snapshot_type").asText().equals("day_close")) {
                    closes.add(r.get("agent_id") + " " + events.path("day").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return closes;
    }

    private JobClient start(
            Configuration config,
            TreasurySettings settings,
            KafkaEndpoint kafka,
            PubSubEndpoint pubsub,
            JdbcEndpoint postgres,
            String restoreFrom)
            throws Exception {
        TreasuryJob job =
                new TreasuryJob(
                        new TreasuryJob.Sources(
                                new TreasuryJob.Input<>(
                                        TreasuryTables.pubsub(pubsub, costsSub),
                                        settings.eventParser,
                                        TreasuryNames.DLQ_COSTS),
                                new TreasuryJob.Input<>(
                                        SourceFactory.of(
                                                KafkaSources.raw(
                                                        kafka,
                                                        eventsTopic,
                                                        "it-redeliver-" + run,
                                                        false),
                                                TypeInformation.of(RawRecord.class)),
                                        settings.eventParser,
                                        TreasuryNames.DLQ_BALANCES),
                                // No snapshot feed: while the costs wait for their
                                // redelivery, nothing else may move the treasury clock.
                                null,
                                null),
                        withBigQuery(
                                TreasuryTables.sinks(postgres, config, kafka, dlqTopic, List.of())),
                        settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        // Effectively never on its own: the test triggers the one checkpoint it wants.
        env.enableCheckpointing(Duration.ofHours(1).toMillis());
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("treasury-redelivery-it-" + run);
        if (restoreFrom != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom, false));
        }
        return env.executeAsync(graph);
    }

    /** The sinks with BigQuery's two Storage Write sinks added, as TreasuryMain wires them. */
    private TreasuryJob.Sinks withBigQuery(TreasuryJob.Sinks base) {
        var endpoint = bigquery.endpoint("athena-local", "athena_agent");
        List<NamedSink<TreasurySnapshot>> history = new ArrayList<>(base.history());
        history.add(
                NamedSink.of(
                        TreasuryNames.SINK_SNAPSHOTS_BIGQUERY,
                        StorageWriteSink.builder(endpoint, new TreasuryRows.Snapshots()).build()));
        List<NamedSink<CostRecord>> costs = new ArrayList<>(base.costs());
        costs.add(
                NamedSink.of(
                        TreasuryNames.SINK_COSTS_BIGQUERY,
                        StorageWriteSink.builder(endpoint, new TreasuryRows.Costs()).build()));
        return new TreasuryJob.Sinks(
                base.treasury(),
                history,
                base.dayCloses(),
                base.transitions(),
                costs,
                base.dailyCosts(),
                base.metrics(),
                base.deadLetters());
    }

    private long costCount(JdbcEndpoint postgres) {
        try {
            return TreasuryTables.costs(postgres, agents).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cost messages a run has received (parsed or dead-lettered). */
    private static long read(JobID job) {
        return MiniClusters.counter(
                        REPORTER,
                        job,
                        TreasuryNames.PARSE_COSTS,
                        ParseOrDeadLetter.METRIC_RECORDS_IN)
                + MiniClusters.counter(
                        REPORTER,
                        job,
                        TreasuryNames.PARSE_COSTS,
                        ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static void waitFor(String what, Waits.Condition condition) throws Exception {
        Waits.until(what, WAIT, condition);
    }
}
