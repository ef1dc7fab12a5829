package com.athena.jobs.activity;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.jobs.BigQuerySinks;
import com.athena.jobs.PubSubSources;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketKafkaSinks;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.market.MarketSnapshotRows;
import com.athena.jobs.reliability.BadInputCorpus;
import com.athena.jobs.treasury.TreasuryJobs;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasuryRows;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The market, treasury and activity jobs together on the real services, over a generated day of two
 * agents with a market crash at noon: the market job writes its conditions to Kafka, the treasury
 * job its transitions (the crash override makes both agents desperate mid-day), and the activity
 * job joins every decision with both in event time. Each decision's emotional state, survival mode,
 * runway and market condition is asserted against a direct computation from the transitions and
 * conditions read back from Kafka; memories, metrics, yields and dead letters are asserted in
 * BigQuery, Firestore, TimescaleDB and Kafka.
 *
 * <p>The activity and treasury jobs allow 10 days of disorder, so everything waits in state until a
 * tick 30 days later, sent once the job has read the rest: the result cannot depend on the order of
 * delivery.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.FIRESTORE,
    RealService.TIMESCALEDB
})
class ActivityJobITCase {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityJobITCase.class);
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    /** Four jobs at parallelism 1: a slot each. */
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = extension();

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final ActivityDay day = new ActivityDay(run);
    private final String tradesTopic = "it.act.trades." + run;
    private final String conditionsTopic = "it.act.conditions." + run;
    private final String eventsTopic = "it.act.treasury.events." + run;
    private final String transitionsTopic = "it.act.transitions." + run;
    private final String treasuryDlq = "it.act.treasury.dlq." + run;
    private final String activityDlq = "it.act.activity.dlq." + run;
    private final String marketDlq = "it.act.market.dlq." + run;
    private final String costsTopic = "it-act-costs-" + run;
    private final String costsSub = "it-act-costs-sub-" + run;
    private final String snapshotsTopic = "it-act-snap-" + run;
    private final String snapshotsSub = "it-act-snap-sub-" + run;
    private final String marketSnapshotsSub = "it-act-snap-market-sub-" + run;
    private final String activityTopic = "it-act-activity-" + run;
    private final String activitySub = "it-act-activity-sub-" + run;

    /** Generated bad activity events, each to become a dead letter with its reason. */
    private final List<BadInputCorpus.Bad> corpus =
            BadInputCorpus.activityEvents(300, 31, "act" + run);

    static MiniClusterExtension extension() {
        Configuration config = new Configuration();
        config.setString("pipeline.auto-generate-uids", "false");
        config.setString("pipeline.generic-types", "false");
        REPORTER.addToConfiguration(config);
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(4)
                        .build());
    }

    @Test
    void decisionsCarryTheTreasuryAndMarketStateOfTheirEventTime() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        Feeds.createTopics(
                kafka,
                1,
                tradesTopic,
                conditionsTopic,
                eventsTopic,
                transitionsTopic,
                treasuryDlq,
                activityDlq,
                marketDlq);
        produce(kafka, tradesTopic, day.trades());
        produce(kafka, eventsTopic, day.balances());
        Feeds.publish(pubsub, costsTopic, costsSub, day.costs());
        try (PubSubEndpoint.Clients clients = pubsub.clients()) {
            // The market job reads the same snapshots for market_data: its own subscription.
            clients.ensureSubscription(marketSnapshotsSub, snapshotsTopic, 30);
        }
        Feeds.publish(pubsub, snapshotsTopic, snapshotsSub, day.snapshots());
        List<String> activity = new ArrayList<>();
        activity.addAll(day.decisions());
        activity.addAll(day.memories());
        activity.addAll(day.metrics());
        activity.addAll(day.yields());
        activity.add(day.decisions().get(5)); // a redelivery: counts once
        activity.addAll(ActivityDay.BAD);
        activity.addAll(corpus.stream().map(BadInputCorpus.Bad::payload).toList());
        Feeds.publish(pubsub, activityTopic, activitySub, activity);

        List<JobClient> jobs = new ArrayList<>();
        try (LocalBigQueryWriteServer bigquery = LocalBigQueryWriteServer.start()) {
            bigquery.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    ActivityRows.DECISIONS_TABLE,
                    ActivityRows.MEMORIES_TABLE,
                    ActivityRows.METRICS_TABLE,
                    TreasuryRows.SNAPSHOTS_TABLE,
                    TreasuryRows.COSTS_TABLE,
                    MarketSnapshotRows.TABLE);
            try {
                JobClient market = startMarket(kafka);
                jobs.add(market);
                jobs.add(startMarketSnapshots(kafka, pubsub, timescale, bigquery));
                JobClient treasury = startTreasury(services, bigquery);
                jobs.add(treasury);
                JobClient activityJob = startActivity(services, bigquery);
                jobs.add(activityJob);
                JobID treasuryId = treasury.getJobID();
                JobID activityId = activityJob.getJobID();

                waitFor(
                        "the market job to finish its bounded trades",
                        () -> status(market) == JobStatus.FINISHED);
                waitFor(
                        "the treasury job to read every input",
                        () ->
                                parsed(treasuryId, TreasuryNames.PARSE_COSTS) == day.costs().size()
                                        && parsed(treasuryId, TreasuryNames.PARSE_BALANCES)
                                                == day.balances().size()
                                        && parsed(treasuryId, TreasuryNames.PARSE_SNAPSHOTS)
                                                == day.snapshots().size());
                Feeds.publish(
                        pubsub,
                        costsTopic,
                        costsSub,
                        List.of(
                                ActivityDay.cost(
                                        day.tick,
                                        "tick",
                                        ActivityDay.D0 + 30 * 24 * ActivityDay.HOUR,
                                        0.01)));
                // The crash's release at 18:00 is the day's last transition before its close.
                waitFor(
                        "the treasury's transitions up to the release",
                        () -> {
                            List<JsonNode> t = readJson(kafka, transitionsTopic);
                            LOG.info("Kafka: {} transitions on {}", t.size(), transitionsTopic);
                            return releasedBoth(t);
                        });
                int conditionCount = readJson(kafka, conditionsTopic).size();
                waitFor(
                        "the activity job to read every input",
                        () -> {
                            int transitions = readJson(kafka, transitionsTopic).size();
                            return parsed(activityId, ActivityNames.PARSE_ACTIVITY)
                                            == activity.size()
                                    && parsed(activityId, ActivityNames.PARSE_TRANSITIONS)
                                            == transitions
                                    && parsed(activityId, ActivityNames.PARSE_CONDITIONS)
                                            == conditionCount;
                        });
                Feeds.publish(
                        pubsub,
                        activityTopic,
                        activitySub,
                        List.of(
                                "{\"event_id\":\"tick\",\"type\":\"performance_metric\","
                                        + "\"agent_id\":\""
                                        + day.tick
                                        + "\",\"timestamp\":\""
                                        + ActivityDay.iso(
                                                ActivityDay.D0 + 30 * 24 * ActivityDay.HOUR)
                                        + "\",\"metric_name\":\"tick\",\"metric_value\":1}"));
                int decisions = day.decisions().size();
                waitFor(
                        "BigQuery decision rows",
                        () -> {
                            int rows = mine(bigquery, ActivityRows.DECISIONS_TABLE).size();
                            LOG.info("BigQuery: {} of {} decision rows", rows, decisions);
                            return rows == decisions;
                        });
                // A memory's row shows at its formation; its recalls update it in place.
                waitFor(
                        "BigQuery memory rows with both recalls, and metric rows",
                        () ->
                                mine(bigquery, ActivityRows.MEMORIES_TABLE).size() == 8
                                        && mine(bigquery, ActivityRows.MEMORIES_TABLE).stream()
                                                .allMatch(
                                                        r ->
                                                                Long.valueOf(2)
                                                                        .equals(
                                                                                r.get(
                                                                                        "recall_count")))
                                        && mine(bigquery, ActivityRows.METRICS_TABLE).size()
                                                == day.metrics().size());
                try (Firestore fs = firestore.open()) {
                    waitFor(
                            "Firestore recent decisions and protocols",
                            () ->
                                    recentDecisionsComplete(fs, day.agentA)
                                            && recentDecisionsComplete(fs, day.agentB)
                                            && protocolsComplete(fs));
                    assertEnrichment(kafka, bigquery, fs);
                    assertProtocols(fs);
                }
                waitFor(
                        "BigQuery treasury day closes, costs and market snapshots",
                        () -> {
                            List<ActivityViews.Snapshot> closes =
                                    views(bigquery).snapshots().stream()
                                            .filter(r -> r.type().equals("day_close"))
                                            .filter(
                                                    r ->
                                                            ActivityViews.date(r.millis())
                                                                    .equals(ActivityDay.DAY))
                                            .toList();
                            int costs = mine(bigquery, TreasuryRows.COSTS_TABLE).size();
                            int snapshots = bigquery.committedRows(MarketSnapshotRows.TABLE).size();
                            LOG.info(
                                    "BigQuery: {} day closes, {} costs, {} market snapshots",
                                    closes.size(),
                                    costs,
                                    snapshots);
                            return closes.size() == 2
                                    && costs == day.costs().size()
                                    && snapshots == day.snapshots().size();
                        });
                waitFor(
                        "TimescaleDB yields and memories",
                        () -> count(timescale) == day.yields().size() + 8);
            } finally {
                for (JobClient job : jobs) {
                    if (!status(job).isTerminalState()) {
                        job.cancel().get(60, TimeUnit.SECONDS);
                    }
                }
                for (JobClient job : jobs) {
                    waitFor("the job to stop", () -> status(job).isTerminalState());
                }
            }
            assertMemoriesAndMetrics(bigquery);
            assertViews(bigquery);
        }
        assertTimescale(timescale);
        assertDeadLetters(kafka);
    }

    private JobClient startMarket(KafkaEndpoint kafka) throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.TIMEFRAMES, "5m");
        config.set(MarketOptions.CONDITIONS_TIMEFRAME, "5m");
        MarketSettings settings = new MarketSettings(config);
        MarketJob job =
                new MarketJob(
                        new MarketJob.Sources(
                                new MarketJob.Input<>(
                                        SourceFactory.of(
                                                KafkaSources.raw(
                                                        kafka, tradesTopic, "it-" + run, true),
                                                TypeInformation.of(RawRecord.class)),
                                        settings.tradeParser::parse,
                                        MarketNames.DLQ_TRADES),
                                null,
                                null),
                        new MarketJob.Sinks(
                                List.of(),
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                MarketNames.SINK_CONDITIONS_KAFKA,
                                                MarketKafkaSinks.conditions(
                                                        kafka, conditionsTopic))),
                                List.of()),
                        settings);
        return execute(config, job::build, "market-" + run);
    }

    /** The market job on the snapshots alone, writing market_data as MarketMain wires it. */
    private JobClient startMarketSnapshots(
            KafkaEndpoint kafka,
            PubSubEndpoint pubsub,
            JdbcEndpoint timescale,
            LocalBigQueryWriteServer bigquery)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(CommonOptions.PUBSUB_PULL_TIMEOUT, Duration.ofSeconds(5));
        MarketSettings settings = new MarketSettings(config);
        MarketJob job =
                new MarketJob(
                        new MarketJob.Sources(
                                null,
                                null,
                                new MarketJob.Input<>(
                                        PubSubSources.raw(pubsub, marketSnapshotsSub, config),
                                        settings.snapshotParser::parse,
                                        MarketNames.DLQ_SNAPSHOTS)),
                        new MarketJob.Sinks(
                                List.of(),
                                List.of(
                                        BigQuerySinks.storageWrite(
                                                bigquery.endpoint("athena-local", "athena_agent"),
                                                new MarketSnapshotRows(),
                                                MarketNames.SINK_SNAPSHOTS_BIGQUERY,
                                                MarketNames.rejectedRows(
                                                        MarketNames.SINK_SNAPSHOTS_BIGQUERY),
                                                MarketNames.DLQ_BIGQUERY_MARKET_DATA,
                                                kafka,
                                                marketDlq,
                                                timescale,
                                                config)),
                                List.of(),
                                List.of()),
                        settings);
        return execute(config, job::build, "market-snapshots-" + run);
    }

    private JobClient startTreasury(ServiceEnvironment services, LocalBigQueryWriteServer bigquery)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(TreasuryOptions.IDLENESS, Duration.ofSeconds(1));
        config.set(TreasuryOptions.EVENTS_TOPIC, eventsTopic);
        config.set(TreasuryOptions.TRANSITIONS_TOPIC, transitionsTopic);
        config.set(TreasuryOptions.DLQ_TOPIC, treasuryDlq);
        config.set(TreasuryOptions.COSTS_SUBSCRIPTION, costsSub);
        config.set(TreasuryOptions.SNAPSHOTS_SUBSCRIPTION, snapshotsSub);
        config.set(CommonOptions.KAFKA_GROUP_ID, "it-treasury-" + run);
        config.set(CommonOptions.PUBSUB_PULL_TIMEOUT, Duration.ofSeconds(5));
        config.set(CommonOptions.FIRESTORE_ENABLED, false);
        return execute(
                config,
                TreasuryJobs.wired(
                                config, services, bigquery.endpoint("athena-local", "athena_agent"))
                        ::build,
                "treasury-" + run);
    }

    private JobClient startActivity(ServiceEnvironment services, LocalBigQueryWriteServer bigquery)
            throws Exception {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(ActivityOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
        config.set(ActivityOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(ActivityOptions.IDLENESS, Duration.ofSeconds(1));
        config.set(ActivityOptions.ACTIVITY_SUBSCRIPTION, activitySub);
        config.set(ActivityOptions.TRANSITIONS_TOPIC, transitionsTopic);
        config.set(ActivityOptions.CONDITIONS_TOPIC, conditionsTopic);
        config.set(ActivityOptions.DLQ_TOPIC, activityDlq);
        config.set(ActivityOptions.MARKET_SYMBOL, day.symbol);
        config.set(CommonOptions.KAFKA_GROUP_ID, "it-activity-" + run);
        config.set(CommonOptions.PUBSUB_PULL_TIMEOUT, Duration.ofSeconds(5));
        ActivityJob job =
                ActivityMain.build(
                        config, services, bigquery.endpoint("athena-local", "athena_agent"));
        return execute(config, job::build, "activity-" + run);
    }

    private interface Graph {
        void build(StreamExecutionEnvironment env);
    }

    private static JobClient execute(Configuration config, Graph graph, String name)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        graph.build(env);
        return env.executeAsync(name);
    }

    // ---- the direct computation -------------------------------------------------------------

    /** What held at a decision's time: the latest input at or before it, by event time. */
    private static JsonNode atOrBefore(List<JsonNode> sorted, long time) {
        JsonNode found = null;
        for (JsonNode n : sorted) {
            if (n.get("event_time").asLong() <= time) {
                found = n;
            }
        }
        return found;
    }

    /** Per agent, its transitions sorted by event time (ties in topic order). */
    private Map<String, List<JsonNode>> transitionsByAgent(List<JsonNode> transitions) {
        Map<String, List<JsonNode>> byAgent = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode t : transitions) {
            if (seen.add(t.get("transition_id").asText())) {
                byAgent.computeIfAbsent(t.get("agent_id").asText(), a -> new ArrayList<>()).add(t);
            }
        }
        byAgent.values()
                .forEach(l -> l.sort(Comparator.comparingLong(t -> t.get("event_time").asLong())));
        return byAgent;
    }

    private static String label(JsonNode condition) {
        if (condition == null) {
            return null;
        }
        String trend = text(condition, "trend_direction");
        String volatility = text(condition, "volatility_level");
        if ("high".equals(volatility)) {
            return "high_volatility";
        }
        if (trend != null) {
            return trend + "_trend";
        }
        return volatility == null ? null : volatility + "_volatility";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void assertEnrichment(
            KafkaEndpoint kafka, LocalBigQueryWriteServer bigquery, Firestore fs) throws Exception {
        Map<String, List<JsonNode>> transitions =
                transitionsByAgent(readJson(kafka, transitionsTopic));
        List<JsonNode> conditions = new ArrayList<>(readJson(kafka, conditionsTopic));
        conditions.sort(Comparator.comparingLong(c -> c.get("event_time").asLong()));
        assertThat(conditions).as("market conditions").hasSizeGreaterThan(100);

        List<Map<String, Object>> rows = mine(bigquery, ActivityRows.DECISIONS_TABLE);
        assertThat(rows).hasSize(day.decisions().size());
        Map<String, Set<String>> statesSeen = new HashMap<>();
        Set<String> marketSeen = new HashSet<>();
        for (Map<String, Object> row : rows) {
            String agent = (String) row.get("agent_id");
            // TIMESTAMP as the proto carried it: epoch microseconds.
            long time = ((Number) row.get("timestamp")).longValue() / 1000;
            JsonNode context = atOrBefore(transitions.getOrDefault(agent, List.of()), time);
            JsonNode market = atOrBefore(conditions, time);
            assertThat(row.get("emotional_state"))
                    .as("emotional_state of %s", row.get("decision_id"))
                    .isEqualTo(text(context, "emotional_state"));
            assertThat(row.get("market_condition"))
                    .as("market_condition of %s", row.get("decision_id"))
                    .isEqualTo(label(market));
            statesSeen
                    .computeIfAbsent(agent, a -> new HashSet<>())
                    .add((String) row.get("emotional_state"));
            marketSeen.add((String) row.get("market_condition"));
        }
        LOG.info("Emotional states seen: {}; market conditions seen: {}", statesSeen, marketSeen);
        // The crash changed both agents' states mid-day, and the market's condition.
        assertThat(statesSeen.get(day.agentA)).contains("desperate").hasSizeGreaterThan(1);
        assertThat(statesSeen.get(day.agentB)).contains("desperate").hasSizeGreaterThan(1);
        assertThat(marketSeen).hasSizeGreaterThan(1);

        // Firestore: the agent's 20 most recent decisions, with survival mode and runway.
        for (String agent : List.of(day.agentA, day.agentB)) {
            List<Map<String, Object>> recent = recentDecisions(fs, agent);
            assertThat(recent).hasSize(20);
            long previous = Long.MAX_VALUE;
            for (Map<String, Object> d : recent) {
                long time = ((com.google.cloud.Timestamp) d.get("timestamp")).toDate().getTime();
                assertThat(time).isLessThan(previous);
                previous = time;
                JsonNode context = atOrBefore(transitions.getOrDefault(agent, List.of()), time);
                JsonNode market = atOrBefore(conditions, time);
                assertThat(d.get("emotional_state")).isEqualTo(text(context, "emotional_state"));
                assertThat(d.get("survival_mode_active"))
                        .isEqualTo(
                                context == null
                                        ? null
                                        : context.get("survival_mode_active").asBoolean());
                JsonNode runway = context == null ? null : context.get("days_until_bankruptcy");
                assertThat(d.get("days_until_bankruptcy"))
                        .isEqualTo(runway == null || runway.isNull() ? null : runway.asDouble());
                assertThat(d.get("market_trend")).isEqualTo(text(market, "trend_direction"));
                assertThat(d.get("market_volatility")).isEqualTo(text(market, "volatility_level"));
                assertThat(d.get("market_condition")).isEqualTo(label(market));
            }
        }
    }

    /**
     * What {@code daily_performance} and {@code emotional_correlation} return, computed as their
     * SQL says from the rows the three jobs wrote, equals the same computation over the tables
     * derived independently from the day's inputs and the documented treasury rules ({@link
     * ActivityViews}, {@link ReferenceTreasury}): every column, both agents.
     */
    private void assertViews(LocalBigQueryWriteServer bigquery) throws Exception {
        ActivityViews.Facts written = views(bigquery);
        ActivityViews.Facts expected = ActivityViews.fromInputs(day);
        for (String agent : List.of(day.agentA, day.agentB)) {
            ActivityViews.DailyPerformance daily =
                    ActivityViews.dailyPerformance(written, agent, ActivityDay.DAY);
            LOG.info("daily_performance of {}: {}", agent, daily);
            assertThat(daily)
                    .as("daily_performance of %s", agent)
                    .isEqualTo(ActivityViews.dailyPerformance(expected, agent, ActivityDay.DAY));
            Map<String, ActivityViews.EmotionalCorrelation> emotions =
                    ActivityViews.emotionalCorrelation(written, agent);
            LOG.info("emotional_correlation of {}: {}", agent, emotions);
            assertThat(emotions)
                    .as("emotional_correlation of %s", agent)
                    .isEqualTo(ActivityViews.emotionalCorrelation(expected, agent));
            // The day as the rules make it: the crash's six desperate hours, survival mode, costs.
            assertThat(emotions).containsKey("desperate");
            assertThat(emotions.get("desperate").decisionsMade()).isEqualTo(18);
            assertThat(daily.survivalModeActive()).isTrue();
            assertThat(daily.operations()).isEqualTo(12);
            assertThat(daily.memoriesFormed()).isEqualTo(4);
            assertThat(daily.memoryFormationCost()).isCloseTo(0.01, within(1e-12));
            assertThat(daily.systemMetrics().get("llm_latency_ms"))
                    .containsExactly("ms", 24L, 915.0, 1030.0);
        }
        ActivityViews.DailyPerformance a =
                ActivityViews.dailyPerformance(written, day.agentA, ActivityDay.DAY);
        assertThat(a.openingBalance()).isEqualTo(300.0);
        assertThat(a.closingBalance()).isEqualTo(282.0);
        assertThat(a.closingState()).isEqualTo("cautious");
    }

    /** The committed rows of the tables the views read, of the day's two agents. */
    private ActivityViews.Facts views(LocalBigQueryWriteServer bigquery) {
        return ActivityViews.fromRows(
                mine(bigquery, TreasuryRows.SNAPSHOTS_TABLE),
                mine(bigquery, TreasuryRows.COSTS_TABLE),
                mine(bigquery, ActivityRows.DECISIONS_TABLE),
                mine(bigquery, ActivityRows.MEMORIES_TABLE),
                mine(bigquery, ActivityRows.METRICS_TABLE),
                bigquery.committedRows(MarketSnapshotRows.TABLE));
    }

    private void assertProtocols(Firestore fs) throws Exception {
        for (String name : List.of("aave", "compound")) {
            DocumentSnapshot doc = doc(fs, ActivityDocuments.PROTOCOLS, day.protocol(name));
            assertThat(doc.getDouble("apy")).isEqualTo(5.5);
            assertThat(doc.getString("chain")).isEqualTo("ethereum");
            assertThat(doc.getLong("event_time")).isEqualTo(ActivityDay.D0 + 21 * ActivityDay.HOUR);
        }
    }

    private void assertMemoriesAndMetrics(LocalBigQueryWriteServer bigquery) {
        List<Map<String, Object>> memories = mine(bigquery, ActivityRows.MEMORIES_TABLE);
        assertThat(memories)
                .extracting(m -> (String) m.get("memory_id"))
                .containsExactlyInAnyOrder(
                        day.agentA + "-m0",
                        day.agentA + "-m1",
                        day.agentA + "-m2",
                        day.agentA + "-m3",
                        day.agentB + "-m0",
                        day.agentB + "-m1",
                        day.agentB + "-m2",
                        day.agentB + "-m3");
        // One row per memory (upserts on memory_id), with the final recall count and the event
        // time of the later of its two recalls, as agent_memories in TimescaleDB has them.
        for (Map<String, Object> m : memories) {
            String id = (String) m.get("memory_id");
            int n = Integer.parseInt(id.substring(id.length() - 1));
            assertThat(m.get("recall_count")).as(id).isEqualTo(2L);
            assertThat(m.get("last_recalled"))
                    .as(id)
                    .isEqualTo(
                            (ActivityDay.D0 + (1 + 6 * n) * ActivityDay.HOUR + 2 * ActivityDay.HOUR)
                                    * 1000L);
        }
        List<Map<String, Object>> metrics = mine(bigquery, ActivityRows.METRICS_TABLE);
        double latencySum =
                metrics.stream()
                        .filter(m -> "llm_latency_ms".equals(m.get("metric_name")))
                        .mapToDouble(m -> ((Number) m.get("metric_value")).doubleValue())
                        .sum();
        // 2 agents x sum over 24 hours of 800 + 10h.
        assertThat(latencySum).isEqualTo(2 * (24 * 800 + 10 * 276.0));
    }

    private void assertTimescale(JdbcEndpoint timescale) throws Exception {
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT memory_id, recall_count, last_recalled FROM agent_memories"
                                        + " WHERE agent_id IN (?, ?) ORDER BY memory_id")) {
            ps.setString(1, day.agentA);
            ps.setString(2, day.agentB);
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    int m =
                            Integer.parseInt(
                                    rs.getString(1).substring(rs.getString(1).length() - 1));
                    assertThat(rs.getLong(2)).as(rs.getString(1)).isEqualTo(2);
                    assertThat(rs.getTimestamp(3).getTime())
                            .isEqualTo(
                                    ActivityDay.D0
                                            + (1 + 6 * m) * ActivityDay.HOUR
                                            + 2 * ActivityDay.HOUR);
                }
                assertThat(n).isEqualTo(8);
            }
        }
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*), max(apy) FROM protocol_yields WHERE protocol IN (?, ?)")) {
            ps.setString(1, day.protocol("aave"));
            ps.setString(2, day.protocol("compound"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(8);
                assertThat(rs.getDouble(2)).isEqualTo(5.5);
            }
        }
    }

    private void assertDeadLetters(KafkaEndpoint kafka) throws Exception {
        int expected = ActivityDay.BAD.size() + corpus.size() + 1;
        Waits.until(
                "the activity dead letters",
                WAIT,
                () -> readJson(kafka, activityDlq).size() >= expected);
        List<JsonNode> letters = readJson(kafka, activityDlq);
        Map<String, Long> bySource =
                letters.stream()
                        .collect(
                                Collectors.groupingBy(
                                        l -> l.get("source").asText(), Collectors.counting()));
        assertThat(bySource)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                ActivityNames.DLQ_ACTIVITY,
                                (long) ActivityDay.BAD.size() + corpus.size(),
                                ActivityNames.DLQ_DUPLICATES,
                                1L));
        List<String[]> parsed =
                letters.stream()
                        .filter(l -> ActivityNames.DLQ_ACTIVITY.equals(l.get("source").asText()))
                        .map(
                                l ->
                                        new String[] {
                                            l.get("payload").asText(), l.get("reason").asText()
                                        })
                        .toList();
        assertThat(BadInputCorpus.unmatched(corpus, parsed, false))
                .as("bad activity events without their dead letter")
                .isEmpty();
    }

    // ---- reading the services ---------------------------------------------------------------

    private boolean releasedBoth(List<JsonNode> transitions) {
        long release = ActivityDay.D0 + 18 * ActivityDay.HOUR;
        Set<String> released = new HashSet<>();
        for (JsonNode t : transitions) {
            if (t.get("event_time").asLong() >= release) {
                released.add(t.get("agent_id").asText());
            }
        }
        return released.contains(day.agentA) && released.contains(day.agentB);
    }

    private long count(JdbcEndpoint timescale) {
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT (SELECT count(*) FROM protocol_yields WHERE agent_id = ?)"
                                        + " + (SELECT count(*) FROM agent_memories"
                                        + " WHERE agent_id IN (?, ?) AND recall_count = 2)")) {
            ps.setString(1, day.agentA);
            ps.setString(2, day.agentA);
            ps.setString(3, day.agentB);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            LOG.info("TimescaleDB not readable yet: {}", e.toString());
            return -1;
        }
    }

    private List<Map<String, Object>> mine(LocalBigQueryWriteServer bigquery, String table) {
        return bigquery.committedRows(table).stream()
                .filter(
                        r ->
                                day.agentA.equals(r.get("agent_id"))
                                        || day.agentB.equals(r.get("agent_id")))
                .collect(Collectors.toList());
    }

    private boolean recentDecisionsComplete(Firestore fs, String agent) {
        List<Map<String, Object>> recent = recentDecisions(fs, agent);
        if (recent.size() != 20) {
            return false;
        }
        long newest =
                ((com.google.cloud.Timestamp) recent.get(0).get("timestamp")).toDate().getTime();
        long lastOfDay = -1;
        for (String d : day.decisions()) {
            if (d.contains("\"agent_id\":\"" + agent + "\"")) {
                try {
                    lastOfDay =
                            Math.max(
                                    lastOfDay,
                                    Instant.parse(JSON.readTree(d).get("timestamp").asText())
                                            .toEpochMilli());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return newest == lastOfDay;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> recentDecisions(Firestore fs, String agent) {
        DocumentSnapshot doc = doc(fs, ActivityDocuments.DECISIONS, agent);
        if (doc == null || doc.get("decisions") == null) {
            return List.of();
        }
        return (List<Map<String, Object>>) doc.get("decisions");
    }

    private boolean protocolsComplete(Firestore fs) {
        for (String name : List.of("aave", "compound")) {
            DocumentSnapshot doc = doc(fs, ActivityDocuments.PROTOCOLS, day.protocol(name));
            if (doc == null
                    || !Long.valueOf(ActivityDay.D0 + 21 * ActivityDay.HOUR)
                            .equals(doc.getLong("event_time"))) {
                return false;
            }
        }
        return true;
    }

    private static DocumentSnapshot doc(Firestore fs, String collection, String id) {
        try {
            DocumentSnapshot doc =
                    fs.collection(collection).document(id).get().get(30, TimeUnit.SECONDS);
            return doc.exists() ? doc : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void produce(KafkaEndpoint kafka, String topic, List<String> values) {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    private static List<JsonNode> readJson(KafkaEndpoint kafka, String topic) {
        List<JsonNode> nodes = new ArrayList<>();
        for (ConsumerRecord<String, String> r : Feeds.readTopic(kafka, topic)) {
            try {
                nodes.add(JSON.readTree(r.value()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return nodes;
    }

    /** Records parsed plus dead-lettered by a parse operator of the job. */
    private static long parsed(JobID job, String operator) {
        return MiniClusters.counter(REPORTER, job, operator, ParseOrDeadLetter.METRIC_RECORDS_IN)
                + MiniClusters.counter(
                        REPORTER, job, operator, ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return JobStatus.FAILED;
        }
    }

    private static void waitFor(String what, BooleanSupplier condition) throws Exception {
        Waits.until(what, WAIT, condition::getAsBoolean);
    }
}
