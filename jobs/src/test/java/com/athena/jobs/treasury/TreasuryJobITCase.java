package com.athena.jobs.treasury;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The treasury job end to end on the real services, wired by {@link TreasuryMain}: cost events
 * through the Pub/Sub emulator (a duplicate and a bad one among them), balance events through the
 * Kafka broker, market snapshots (a crash and its release) through Pub/Sub; out come the Firestore
 * emulator's documents, the rows committed to the local BigQuery Storage Write API, TimescaleDB's
 * rows and the Kafka transitions and dead letters, all asserted. Names are unique per run.
 *
 * <p>The agent is the seed's Scenario 3. The watermark allows 10 days of disorder, so every event
 * waits in state until a last "tick" event 30 days later, published once the job has read the rest:
 * the result cannot depend on the order Pub/Sub delivers in.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.FIRESTORE,
    RealService.TIMESCALEDB
})
class TreasuryJobITCase {
    private static final Logger LOG = LoggerFactory.getLogger(TreasuryJobITCase.class);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final double EPS = 1e-9;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String s3 = "it-" + run + "-s3";
    private final String saver = "it-" + run + "-saver";
    private final String tick = "it-" + run + "-tick";
    private final String eventsTopic = "it.treasury.events." + run;
    private final String transitionsTopic = "it.transitions." + run;
    private final String dlqTopic = "it.treasury.dlq." + run;
    private final String costsTopic = "it-costs-" + run;
    private final String costsSub = "it-costs-sub-" + run;
    private final String snapshotsTopic = "it-tsnap-" + run;
    private final String snapshotsSub = "it-tsnap-sub-" + run;

    private List<String> balanceEvents() {
        return List.of(
                "{\"event_id\":\"s3-balance\",\"agent_id\":\""
                        + s3
                        + "\",\"type\":\"balance\","
                        + "\"timestamp\":\"2024-01-15T00:00:00Z\",\"balance_usd\":30.00,"
                        + "\"daily_burn_rate\":3.50}",
                "{\"event_id\":\"saver-balance\",\"agent_id\":\""
                        + saver
                        + "\",\"type\":\"balance\","
                        + "\"timestamp\":\"2024-01-15T00:00:00Z\",\"balance_usd\":1000,"
                        + "\"daily_burn_rate\":2}",
                "{\"event_id\":\"bad-balance\",\"agent_id\":\""
                        + s3
                        + "\",\"type\":\"refund\","
                        + "\"timestamp\":\"2024-01-15T00:00:00Z\",\"amount\":5}");
    }

    private List<String> costEvents() {
        List<String> costs = new ArrayList<>();
        costs.add(cost(s3, "s3-d1-llm", "2024-01-15T09:00:00Z", 2.80, "llm_cost"));
        costs.add(cost(s3, "s3-d1-api", "2024-01-15T17:00:00Z", 0.70, "api_cost"));
        costs.add(cost(s3, "s3-d2-llm", "2024-01-16T09:00:00Z", 3.20, "llm_cost"));
        costs.add(cost(s3, "s3-d2-api", "2024-01-16T17:00:00Z", 0.65, "api_cost"));
        costs.add(cost(s3, "s3-d3-llm", "2024-01-17T09:00:00Z", 2.50, "llm_cost"));
        costs.add(cost(s3, "s3-d3-api", "2024-01-17T17:00:00Z", 0.60, "api_cost"));
        // A redelivery: the same event id again.
        costs.add(cost(s3, "s3-d2-llm", "2024-01-16T09:00:00Z", 3.20, "llm_cost"));
        // Priced by tokens: 1,000,000 / 1000 * 0.003 + 100,000 / 1000 * 0.015 = 4.50.
        costs.add(
                "{\"event_id\":\"saver-llm\",\"agent_id\":\""
                        + saver
                        + "\","
                        + "\"timestamp\":\"2024-01-15T08:00:00Z\",\"operation\":\"llm_call\","
                        + "\"model\":\"gpt-4\",\"input_tokens\":1000000,\"output_tokens\":100000}");
        costs.add(
                "{\"event_id\":\"saver-api\",\"agent_id\":\""
                        + saver
                        + "\","
                        + "\"timestamp\":\"2024-01-15T08:30:00Z\",\"operation\":\"api_call\"}");
        costs.add(cost(saver, "saver-more", "2024-01-15T09:00:00Z", 1.0, "llm_cost"));
        costs.add(
                "{\"event_id\":\"bad-cost\",\"agent_id\":\""
                        + saver
                        + "\","
                        + "\"timestamp\":\"2024-01-15T09:00:00Z\",\"operation\":\"llm_call\","
                        + "\"input_tokens\":-5,\"output_tokens\":3}");
        return costs;
    }

    private static String cost(String agent, String id, String time, double amount, String type) {
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

    /** Seed 002 Scenario 1's crash on day 2 at noon, released at 18:00. */
    private static final List<String> SNAPSHOTS =
            List.of(
                    "{\"timestamp\":\"2024-01-16T12:00:00Z\",\"btc_price\":38000,"
                            + "\"btc_24h_change\":-10.0,\"fear_greed_index\":15,\"data_source\":\"it\"}",
                    "{\"timestamp\":\"2024-01-16T15:00:00Z\",\"btc_price\":39000,"
                            + "\"btc_24h_change\":-7.0,\"fear_greed_index\":20,\"data_source\":\"it\"}",
                    "{\"timestamp\":\"2024-01-16T18:00:00Z\",\"btc_price\":41000,"
                            + "\"btc_24h_change\":-3.0,\"fear_greed_index\":30,\"data_source\":\"it\"}");

    @Test
    void eventsFromPubSubAndKafkaReachEverySink() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);

        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        Feeds.createTopics(kafka, 1, eventsTopic, transitionsTopic, dlqTopic);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (String event : balanceEvents()) {
                producer.send(new ProducerRecord<>(eventsTopic, s3, event));
            }
            producer.flush();
        }
        publish(pubsub, costsTopic, costsSub, costEvents());
        publish(pubsub, snapshotsTopic, snapshotsSub, SNAPSHOTS);

        try (LocalBigQueryWriteServer bigquery = LocalBigQueryWriteServer.start()) {
            bigquery.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    TreasuryRows.SNAPSHOTS_TABLE,
                    TreasuryRows.COSTS_TABLE);

            Configuration config = CommonOptions.fromArgs(new String[0]);
            config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
            config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
            config.set(TreasuryOptions.IDLENESS, Duration.ofSeconds(1));
            config.set(TreasuryOptions.EVENTS_TOPIC, eventsTopic);
            config.set(TreasuryOptions.TRANSITIONS_TOPIC, transitionsTopic);
            config.set(TreasuryOptions.DLQ_TOPIC, dlqTopic);
            config.set(TreasuryOptions.COSTS_SUBSCRIPTION, costsSub);
            config.set(TreasuryOptions.SNAPSHOTS_SUBSCRIPTION, snapshotsSub);
            config.set(CommonOptions.KAFKA_GROUP_ID, "it-" + run);
            config.set(CommonOptions.PUBSUB_PULL_TIMEOUT, Duration.ofSeconds(5));
            TreasuryJob job =
                    TreasuryMain.build(
                            config, services, bigquery.endpoint("athena-local", "athena_agent"));

            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(MiniClusters.PARALLELISM);
            env.enableCheckpointing(500);
            job.build(env);
            JobClient client = env.executeAsync("treasury-it-" + run);
            JobID id = client.getJobID();
            try {
                // Once everything else has been read, the tick moves the watermark past day 3.
                waitFor(
                        "the job to read every input",
                        () ->
                                parsed(id, TreasuryNames.PARSE_COSTS) == costEvents().size()
                                        && parsed(id, TreasuryNames.PARSE_BALANCES)
                                                == balanceEvents().size()
                                        && parsed(id, TreasuryNames.PARSE_SNAPSHOTS)
                                                == SNAPSHOTS.size());
                publish(
                        pubsub,
                        costsTopic,
                        costsSub,
                        List.of(cost(tick, "tick", "2024-02-14T00:00:00Z", 0.01, "api_cost")));

                waitFor(
                        "BigQuery rows",
                        () -> {
                            int history = rowsOf(bigquery, TreasuryRows.SNAPSHOTS_TABLE, s3).size();
                            int costRows = bigquery.committedRows(TreasuryRows.COSTS_TABLE).size();
                            LOG.info(
                                    "BigQuery: {} history rows of {}, {} cost rows committed, {} append requests",
                                    history,
                                    s3,
                                    costRows,
                                    bigquery.appendRequests());
                            // The tick itself waits for a watermark that never comes.
                            return history == 7 && costRows == 9;
                        });
                waitFor(
                        "Kafka transitions",
                        () -> {
                            int read = Feeds.readTopic(kafka, transitionsTopic).size();
                            LOG.info(
                                    "Kafka: {} transitions on {}, job {}",
                                    read,
                                    transitionsTopic,
                                    status(client));
                            return read >= 14;
                        });
                try (Firestore fs = firestore.open()) {
                    waitFor(
                            "the Firestore treasury document",
                            () -> {
                                DocumentSnapshot doc = doc(fs, TreasuryDocuments.TREASURY, s3);
                                return doc != null
                                        && Long.valueOf(closeOf("2024-01-17"))
                                                .equals(doc.getLong("event_time"));
                            });
                    waitFor(
                            "the Firestore system logs",
                            () -> logs(fs, s3).size() == 7 && logs(fs, saver).size() == 7);
                    assertFirestore(fs);
                }
            } finally {
                client.cancel().get(60, TimeUnit.SECONDS);
                waitFor("the job to stop", () -> status(client).isTerminalState());
            }
            assertBigQuery(bigquery);
        }
        assertKafka(kafka);
        assertTimescale(timescale);
    }

    private void assertFirestore(Firestore fs) throws Exception {
        DocumentSnapshot treasury = doc(fs, TreasuryDocuments.TREASURY, s3);
        assertThat(treasury.getString("agent_id")).isEqualTo(s3);
        assertThat(treasury.getDouble("balance_usd")).isCloseTo(19.55, within(EPS));
        assertThat(treasury.getDouble("daily_burn_rate"))
                .isCloseTo((3.50 + 3.85 + 3.10) / 3, within(EPS));
        assertThat(treasury.getDouble("days_until_bankruptcy"))
                .isCloseTo(19.55 / ((3.50 + 3.85 + 3.10) / 3), within(EPS));
        assertThat(treasury.getString("emotional_state")).isEqualTo("desperate");
        assertThat(treasury.getDouble("confidence_level")).isEqualTo(0.5);
        assertThat(treasury.getDouble("risk_tolerance")).isEqualTo(0.1);
        assertThat(treasury.getBoolean("survival_mode_active")).isTrue();
        assertThat(treasury.getString("snapshot_type")).isEqualTo("day_close");
        assertThat(treasury.getTimestamp("timestamp").toDate().getTime())
                .isEqualTo(closeOf("2024-01-17"));
        assertThat(treasury.getTimestamp("last_updated")).isNotNull();

        DocumentSnapshot day3 = doc(fs, TreasuryDocuments.COSTS, s3 + "_2024-01-17");
        assertThat(day3.getDouble("total_cost")).isCloseTo(3.10, within(EPS));
        assertThat(day3.getLong("cost_count")).isEqualTo(2L);
        assertThat(day3.getBoolean("closed")).isTrue();
        DocumentSnapshot day2 = doc(fs, TreasuryDocuments.COSTS, s3 + "_2024-01-16");
        // The redelivered cost counted once.
        assertThat(day2.getDouble("total_cost")).isCloseTo(3.85, within(EPS));
        assertThat(day2.getLong("cost_count")).isEqualTo(2L);
        DocumentSnapshot saverDay = doc(fs, TreasuryDocuments.COSTS, saver + "_2024-01-15");
        assertThat(saverDay.getDouble("total_cost")).isCloseTo(5.5001, within(EPS));
        assertThat(saverDay.getDouble("llm_cost")).isCloseTo(5.5, within(EPS));
        assertThat(saverDay.getDouble("api_cost")).isCloseTo(0.0001, within(EPS));
        assertThat(saverDay.getBoolean("cost_saving_mode_activated")).isTrue();
        assertThat(saverDay.getBoolean("closed")).isTrue();

        List<String> s3Logs =
                logs(fs, s3).stream()
                        .map(d -> d.getString("event") + ":" + d.getString("to"))
                        .collect(Collectors.toList());
        assertThat(s3Logs)
                .containsExactly(
                        "emotional_state_changed:cautious",
                        "emotional_state_changed:desperate",
                        "survival_mode_activated:true",
                        "emotional_state_changed:cautious",
                        "survival_mode_deactivated:false",
                        "emotional_state_changed:desperate",
                        "survival_mode_activated:true");
        QueryDocumentSnapshot crash = logs(fs, s3).get(1);
        assertThat(crash.getString("reason")).startsWith("market crash override");
        assertThat(crash.getString("level")).isEqualTo("warning");
        assertThat(crash.getString("trigger")).startsWith("market_snapshot:2024-01-16T12:00:00Z");
        List<String> saverLogs =
                logs(fs, saver).stream()
                        .map(d -> d.getString("event") + ":" + d.getString("to"))
                        .collect(Collectors.toList());
        assertThat(saverLogs)
                .containsExactly(
                        "emotional_state_changed:stable",
                        "cost_saving_mode_activated:true",
                        "cost_saving_mode_deactivated:false",
                        "emotional_state_changed:desperate",
                        "survival_mode_activated:true",
                        "emotional_state_changed:stable",
                        "survival_mode_deactivated:false");
    }

    private void assertBigQuery(LocalBigQueryWriteServer bigquery) throws Exception {
        List<Map<String, Object>> history = rowsOf(bigquery, TreasuryRows.SNAPSHOTS_TABLE, s3);
        List<String> closes = new ArrayList<>();
        for (Map<String, Object> row : history) {
            JsonNode events = JSON.readTree((String) row.get("significant_events"));
            if (events.get("snapshot_type").asText().equals("day_close")) {
                closes.add(
                        events.get("day").asText()
                                + " "
                                + String.format(
                                        "%.2f", ((Number) row.get("balance_usd")).doubleValue())
                                + " "
                                + row.get("emotional_state")
                                + " "
                                + row.get("survival_mode_active"));
            }
        }
        assertThat(closes)
                .containsExactlyInAnyOrder(
                        "2024-01-15 26.50 cautious false",
                        "2024-01-16 22.65 cautious false",
                        "2024-01-17 19.55 desperate true");
        List<Map<String, Object>> costs = bigquery.committedRows(TreasuryRows.COSTS_TABLE);
        Map<String, Object> priced =
                costs.stream()
                        .filter(r -> "saver-llm".equals(r.get("event_id")))
                        .findFirst()
                        .orElseThrow();
        assertThat(((Number) priced.get("amount")).doubleValue()).isCloseTo(4.5, within(EPS));
        assertThat(priced.get("cost_type")).isEqualTo("llm_cost");
        assertThat(priced.get("model")).isEqualTo("gpt-4");
        assertThat(((Number) priced.get("input_tokens")).longValue()).isEqualTo(1_000_000L);
        assertThat(costs.stream().filter(r -> s3.equals(r.get("agent_id"))).count()).isEqualTo(6);
    }

    private void assertKafka(KafkaEndpoint kafka) throws Exception {
        List<JsonNode> transitions = new ArrayList<>();
        // A fresh consumer's read has come back without the agent's records once in CI, right
        // after a complete one; read again until they are there, then assert them exactly.
        Waits.until(
                "agent " + s3 + "'s transitions in one read",
                Duration.ofSeconds(60),
                () -> {
                    transitions.clear();
                    for (ConsumerRecord<String, String> r :
                            Feeds.readTopic(kafka, transitionsTopic)) {
                        transitions.add(JSON.readTree(r.value()));
                    }
                    return transitions.stream()
                                    .filter(t -> t.get("agent_id").asText().equals(s3))
                                    .count()
                            >= 7;
                });
        List<String> s3Transitions =
                transitions.stream()
                        .filter(t -> t.get("agent_id").asText().equals(s3))
                        .map(t -> t.get("transition_type").asText() + ":" + t.get("to").asText())
                        .collect(Collectors.toList());
        // One agent's transitions share a key, so one partition keeps their order.
        assertThat(s3Transitions)
                .containsExactly(
                        "emotional_state:cautious",
                        "emotional_state:desperate",
                        "survival_mode:true",
                        "emotional_state:cautious",
                        "survival_mode:false",
                        "emotional_state:desperate",
                        "survival_mode:true");
        JsonNode last =
                transitions.stream()
                        .filter(t -> t.get("agent_id").asText().equals(s3))
                        .reduce((a, b) -> b)
                        .orElseThrow();
        assertThat(last.get("event").asText()).isEqualTo("survival_mode_activated");
        assertThat(last.get("balance_usd").asDouble()).isCloseTo(20.15, within(EPS));
        assertThat(last.get("trigger").asText()).isEqualTo("cost:s3-d3-llm");

        List<ConsumerRecord<String, String>> deadLetters = Feeds.readTopic(kafka, dlqTopic);
        assertThat(deadLetters)
                .extracting(r -> JSON.readTree(r.value()).get("reason").asText())
                .containsExactlyInAnyOrder(
                        "unknown type 'refund' (cost, balance, deposit or withdrawal)",
                        "input_tokens must not be negative, got -5.0",
                        // The redelivered cost: kept, not applied.
                        "duplicate event_id s3-d2-llm: already applied, not again");
    }

    private void assertTimescale(JdbcEndpoint timescale) throws Exception {
        try (Connection c = timescale.open()) {
            List<String> closes =
                    strings(
                            c,
                            "SELECT day::text || ' ' || round(balance_usd::numeric, 2) || ' '"
                                    + " || emotional_state || ' ' || survival_mode_active"
                                    + " FROM treasury_snapshots WHERE agent_id = ?"
                                    + " AND snapshot_type = 'day_close' ORDER BY ts",
                            s3);
            assertThat(closes)
                    .containsExactly(
                            "2024-01-15 26.50 cautious false",
                            "2024-01-16 22.65 cautious false",
                            "2024-01-17 19.55 desperate true");
            assertThat(count(c, "SELECT count(*) FROM treasury_snapshots WHERE agent_id = ?", s3))
                    .isEqualTo(7);
            assertThat(count(c, "SELECT count(*) FROM cost_events WHERE agent_id = ?", s3))
                    .isEqualTo(6);
            assertThat(
                            count(
                                    c,
                                    "SELECT count(*) FROM agent_metrics WHERE agent_id = ?"
                                            + " AND metric_name = 'balance_usd'",
                                    s3))
                    .isGreaterThanOrEqualTo(7);
            assertThat(
                            strings(
                                    c,
                                    "SELECT reason FROM dead_letters WHERE origin LIKE ?"
                                            + " ORDER BY reason",
                                    costsSub + "@%"))
                    .containsExactly("input_tokens must not be negative, got -5.0");
            assertThat(
                            strings(
                                    c,
                                    "SELECT reason FROM dead_letters WHERE origin LIKE ?",
                                    eventsTopic + "/%"))
                    .containsExactly(
                            "unknown type 'refund' (cost, balance, deposit or withdrawal)");
        }
    }

    // ---- helpers

    private static long closeOf(String day) {
        return java.time.LocalDate.parse(day)
                        .plusDays(1)
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant()
                        .toEpochMilli()
                - 1;
    }

    private static void publish(
            PubSubEndpoint pubsub, String topic, String subscription, List<String> bodies)
            throws Exception {
        Feeds.publish(pubsub, topic, subscription, bodies);
    }

    /** Records parsed plus dead-lettered by a parse operator of the job, over its subtasks. */
    private static long parsed(JobID job, String operator) {
        return MiniClusters.counter(REPORTER, job, operator, ParseOrDeadLetter.METRIC_RECORDS_IN)
                + MiniClusters.counter(
                        REPORTER, job, operator, ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static List<Map<String, Object>> rowsOf(
            LocalBigQueryWriteServer bigquery, String table, String agent) {
        return bigquery.committedRows(table).stream()
                .filter(r -> agent.equals(r.get("agent_id")))
                .collect(Collectors.toList());
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

    /** The agent's system-log entries in event-time order, then by id (the step number). */
    private static List<QueryDocumentSnapshot> logs(Firestore fs, String agent) {
        try {
            List<QueryDocumentSnapshot> docs =
                    new ArrayList<>(
                            fs.collection(TreasuryDocuments.SYSTEM_LOGS)
                                    .whereEqualTo("agent_id", agent)
                                    .get()
                                    .get(30, TimeUnit.SECONDS)
                                    .getDocuments());
            docs.sort(
                    java.util.Comparator.<QueryDocumentSnapshot>comparingLong(
                                    d -> d.getLong("event_time"))
                            .thenComparing(d -> step(d.getId()))
                            .thenComparing(
                                    d ->
                                            "emotional_state".equals(d.getString("transition_type"))
                                                    ? 0
                                                    : 1));
            return docs;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The step number inside a transition id {@code <agent>_<time>_<step>_<type>}. */
    private static long step(String id) {
        String[] parts = id.split("_");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (parts[i].matches("\\d+")) {
                return Long.parseLong(parts[i]);
            }
        }
        return 0;
    }

    private static List<String> strings(Connection c, String sql, String arg) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        }
    }

    private static long count(Connection c, String sql, String arg) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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
