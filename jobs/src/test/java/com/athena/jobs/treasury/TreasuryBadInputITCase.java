package com.athena.jobs.treasury;

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
import com.athena.common.treasury.TreasuryEvent;
import com.athena.jobs.reliability.BadInputCorpus;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile input never fails the treasury job, nor moves a balance. The generated
 * {@link BadInputCorpus} goes through all three inputs (Pub/Sub costs, Kafka balance events,
 * Pub/Sub snapshots), interleaved with the good events of four agents, and repeated event ids among
 * the costs. Asserted: no restart; every bad record in both dead-letter outputs (Kafka and the
 * {@code dead_letters} table) with its reason; exactly the good costs in {@code cost_events}; every
 * day-close balance to the cent; the metrics count every rejection.
 *
 * <p>The table sinks write to PostgreSQL here (the same DDL as TimescaleDB's without the hypertable
 * statements): the corpus is about the inputs, and TreasuryJobITCase covers the TimescaleDB tables.
 */
@RequiresServices({RealService.KAFKA, RealService.PUBSUB, RealService.POSTGRES})
class TreasuryBadInputITCase {
    static final int BAD_COSTS = 2500;
    static final int BAD_BALANCES = 1500;
    static final int BAD_SNAPSHOTS = 500;
    static final int AGENTS = 4;
    static final int COSTS_PER_AGENT = 200;
    static final int DUPLICATE_COSTS = 100;
    static final Instant DAY1 = Instant.parse("2024-03-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String eventsTopic = "it.bad.treasury.events." + run;
    private final String transitionsTopic = "it.bad.transitions." + run;
    private final String dlqTopic = "it.bad.treasury.dlq." + run;
    private final String costsTopic = "it-bad-costs-" + run;
    private final String costsSub = "it-bad-costs-sub-" + run;
    private final String snapshotsTopic = "it-bad-tsnap-" + run;
    private final String snapshotsSub = "it-bad-tsnap-sub-" + run;

    @Test
    void badEventsAreDeadLetteredAndBalancesStayExact() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }
        Feeds.createTopics(kafka, 1, eventsTopic, transitionsTopic, dlqTopic);

        Configuration config = CommonOptions.fromArgs(new String[0]);
        // Every event waits for the tick: the result cannot depend on the delivery order.
        config.set(TreasuryOptions.OUT_OF_ORDERNESS, Duration.ofDays(10));
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(TreasuryOptions.IDLENESS, Duration.ofSeconds(1));
        TreasurySettings settings = new TreasurySettings(config);

        // Good events: a balance and a deposit per agent on Kafka, costs over two days on Pub/Sub.
        List<String> balances = new ArrayList<>();
        List<String> costs = new ArrayList<>();
        Map<String, BigDecimal> expectedCloses = new TreeMap<>();
        Map<String, Double> expectedCosts = new HashMap<>();
        for (int a = 0; a < AGENTS; a++) {
            String agent = agent(a);
            balances.add(
                    event(
                            agent,
                            agent + "-balance",
                            DAY1,
                            "\"type\":\"balance\",\"balance_usd\":1000,\"daily_burn_rate\":10"));
            balances.add(
                    event(
                            agent,
                            agent + "-deposit",
                            DAY1.plus(Duration.ofHours(12)),
                            "\"type\":\"deposit\",\"amount\":50"));
            BigDecimal[] days = {BigDecimal.ZERO, BigDecimal.ZERO};
            for (int k = 0; k < COSTS_PER_AGENT; k++) {
                Instant at = DAY1.plus(Duration.ofMinutes(1 + 12L * k));
                BigDecimal amount = BigDecimal.valueOf((k * 37L + a) % 500 + 1, 2);
                String id = agent + "-cost-" + k;
                costs.add(
                        event(
                                agent,
                                id,
                                at,
                                "\"amount\":" + amount + ",\"cost_type\":\"llm_cost\""));
                expectedCosts.put(id, amount.doubleValue());
                int day = at.isBefore(DAY1.plus(Duration.ofDays(1))) ? 0 : 1;
                days[day] = days[day].add(amount);
            }
            // Balance 1000 and a deposit of 50 on day 1, less each day's costs.
            BigDecimal close1 = new BigDecimal("1050.00").subtract(days[0]);
            expectedCloses.put(agent + " 2024-03-01", close1);
            expectedCloses.put(agent + " 2024-03-02", close1.subtract(days[1]));
        }

        List<BadInputCorpus.Bad> badCosts =
                new ArrayList<>(BadInputCorpus.treasuryEvents(BAD_COSTS, 21, "c" + run));
        for (int i = 0; i < DUPLICATE_COSTS; i++) {
            String payload = costs.get((i * 7919) % costs.size());
            TreasuryEvent e = settings.eventParser.parse(payload, System.currentTimeMillis());
            if (badCosts.stream().anyMatch(b -> b.payload().equals(payload))) {
                continue;
            }
            badCosts.add(
                    new BadInputCorpus.Bad(
                            "duplicate-id",
                            payload,
                            "duplicate event_id " + e.eventId + ": already applied",
                            TreasuryDeadLetters.json(e)));
        }
        List<BadInputCorpus.Bad> badBalances =
                BadInputCorpus.treasuryEvents(BAD_BALANCES, 22, "b" + run);
        List<BadInputCorpus.Bad> badSnapshots = BadInputCorpus.snapshots(BAD_SNAPSHOTS, 23);
        int duplicates =
                (int) badCosts.stream().filter(b -> b.kind().equals("duplicate-id")).count();

        // Costs then repeats, the bad ones spread between them; balances likewise on Kafka.
        Feeds.publish(pubsub, costsTopic, costsSub, interleave(costs, badCosts));
        Feeds.publish(pubsub, snapshotsTopic, snapshotsSub, payloads(badSnapshots));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (String body : interleave(balances, badBalances)) {
                producer.send(new ProducerRecord<>(eventsTopic, body));
            }
            producer.flush();
        }

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
                                                        kafka, eventsTopic, "it-bad-" + run, false),
                                                TypeInformation.of(RawRecord.class)),
                                        settings.eventParser,
                                        TreasuryNames.DLQ_BALANCES),
                                new TreasuryJob.Input<>(
                                        TreasuryTables.pubsub(pubsub, snapshotsSub),
                                        settings.snapshotParser::parse,
                                        TreasuryNames.DLQ_SNAPSHOTS),
                                null),
                        TreasuryTables.sinks(
                                postgres,
                                config,
                                kafka,
                                dlqTopic,
                                List.of(
                                        NamedSink.of(
                                                "kafka-transitions",
                                                TreasuryKafkaSinks.transitions(
                                                        kafka,
                                                        transitionsTopic,
                                                        settings.transitionsDelivery,
                                                        "it-bad-" + run)))),
                        settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(MiniClusters.PARALLELISM);
        env.enableCheckpointing(500);
        job.build(env);
        long started = System.nanoTime();
        JobClient client = env.executeAsync("treasury-bad-input-it-" + run);
        int badCount = badCosts.size() + badBalances.size() + badSnapshots.size();
        List<String[]> kafkaLetters;
        long restarts;
        try {
            waitFor(
                    "every input read and the rejections counted",
                    () ->
                            rejected(client, TreasuryNames.PARSE_COSTS)
                                            == badCosts.size() - duplicates
                                    && parsed(client, TreasuryNames.PARSE_COSTS)
                                            == costs.size() + duplicates
                                    && rejected(client, TreasuryNames.PARSE_BALANCES)
                                            == badBalances.size()
                                    && parsed(client, TreasuryNames.PARSE_BALANCES)
                                            == balances.size()
                                    && rejected(client, TreasuryNames.PARSE_SNAPSHOTS)
                                            == badSnapshots.size()
                                    && MiniClusters.counter(
                                                    REPORTER,
                                                    client.getJobID(),
                                                    TreasuryNames.TREASURY,
                                                    TreasuryFunction.METRIC_DUPLICATES)
                                            == duplicates);
            // Once everything is read, the tick moves the watermark past both days.
            Feeds.publish(
                    pubsub,
                    costsTopic,
                    costsSub,
                    List.of(
                            event(
                                    "it-bad-" + run + "-tick",
                                    "tick",
                                    DAY1.plus(Duration.ofDays(30)),
                                    "\"amount\":0.01")));
            waitFor(
                    "both day closes of every agent",
                    () ->
                            TreasuryTables.dayCloses(postgres, "it-bad-" + run + "-a%").size()
                                    == 2 * AGENTS);
            kafkaLetters = readDeadLetters(kafka, badCount);
            assertThat(client.getJobStatus().get(10, TimeUnit.SECONDS))
                    .isEqualTo(JobStatus.RUNNING);
            restarts = MiniClusters.restarts(REPORTER, client.getJobID());
        } finally {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        List<BadInputCorpus.Bad> all = new ArrayList<>(badCosts);
        all.addAll(badBalances);
        all.addAll(badSnapshots);
        List<BadInputCorpus.Bad> missingInKafka =
                BadInputCorpus.unmatched(all, kafkaLetters, false);
        List<String[]> tableLetters = tableDeadLetters(postgres);
        List<BadInputCorpus.Bad> missingInTable = BadInputCorpus.unmatched(all, tableLetters, true);
        Map<String, Double> storedCosts = TreasuryTables.costs(postgres, "it-bad-" + run + "-a%");
        Map<String, BigDecimal> closes =
                TreasuryTables.dayCloses(postgres, "it-bad-" + run + "-a%");
        long lostCosts =
                expectedCosts.keySet().stream().filter(id -> !storedCosts.containsKey(id)).count();
        long extraCosts =
                storedCosts.keySet().stream().filter(id -> !expectedCosts.containsKey(id)).count();
        long wrongCloses =
                expectedCloses.entrySet().stream()
                        .filter(
                                e ->
                                        closes.get(e.getKey()) == null
                                                || closes.get(e.getKey()).compareTo(e.getValue())
                                                        != 0)
                        .count();

        Map<String, List<BadInputCorpus.Bad>> byInput = new LinkedHashMap<>();
        byInput.put("Pub/Sub agent-costs", badCosts);
        byInput.put("Kafka treasury.events", badBalances);
        byInput.put("Pub/Sub market-snapshots", badSnapshots);
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "bad-input-treasury",
                        String.format(
                                "%d agents: %,d costs, %d balance events, %d s",
                                AGENTS, costs.size(), balances.size(), seconds),
                        "none (hostile input only); restarts: " + restarts,
                        badCount,
                        missingInKafka.size() + missingInTable.size() + lostCosts + wrongCloses,
                        Math.max(0, tableLetters.size() - badCount) + extraCosts,
                        BadInputCorpus.kindsTable(byInput)
                                + "\nBalances checked: "
                                + expectedCloses.size()
                                + " day closes to the cent; costs checked: "
                                + expectedCosts.size()
                                + " rows of `cost_events`.\n"));

        assertThat(restarts).as("job restarts").isZero();
        assertThat(missingInKafka).as("bad records missing from the Kafka dead letters").isEmpty();
        assertThat(kafkaLetters).hasSize(badCount);
        assertThat(missingInTable).as("bad records missing from the dead_letters table").isEmpty();
        assertThat(tableLetters).hasSize(badCount);
        assertThat(storedCosts).isEqualTo(expectedCosts);
        assertThat(closes).isEqualTo(expectedCloses);
    }

    private String agent(int a) {
        return "it-bad-" + run + "-a" + a;
    }

    static String event(String agent, String id, Instant at, String fields) {
        return "{\"event_id\":\""
                + id
                + "\",\"agent_id\":\""
                + agent
                + "\",\"timestamp\":\""
                + at
                + "\","
                + fields
                + "}";
    }

    private static List<String> interleave(List<String> good, List<BadInputCorpus.Bad> bad) {
        List<String> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < good.size(); i++) {
            out.add(good.get(i));
            while (next < (long) bad.size() * (i + 1) / good.size()) {
                out.add(bad.get(next++).payload());
            }
        }
        return out;
    }

    private static List<String> payloads(List<BadInputCorpus.Bad> bad) {
        return bad.stream().map(BadInputCorpus.Bad::payload).toList();
    }

    private static long rejected(JobClient job, String operator) {
        return MiniClusters.counter(
                REPORTER, job.getJobID(), operator, ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static long parsed(JobClient job, String operator) {
        return MiniClusters.counter(
                REPORTER, job.getJobID(), operator, ParseOrDeadLetter.METRIC_RECORDS_IN);
    }

    private List<String[]> tableDeadLetters(JdbcEndpoint db) throws Exception {
        List<String[]> letters = new ArrayList<>();
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT payload, reason FROM dead_letters"
                                        + " WHERE origin LIKE ? OR origin LIKE ? OR origin LIKE ? OR origin LIKE ?")) {
            ps.setString(1, costsSub + "@%");
            ps.setString(2, eventsTopic + "/%");
            ps.setString(3, snapshotsSub + "@%");
            ps.setString(4, "it-bad-" + run + "-a%/%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return letters;
    }

    private List<String[]> readDeadLetters(KafkaEndpoint kafka, int expected) throws Exception {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-bad-dlq-" + run);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String[]> letters = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(dlqTopic));
            while (letters.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode node = JsonFields.MAPPER.readTree(r.value());
                    letters.add(
                            new String[] {
                                node.get("payload").asText(), node.get("reason").asText()
                            });
                }
            }
        }
        return letters;
    }

    private static void waitFor(String what, Waits.Condition condition) throws Exception {
        Waits.until(what, WAIT, condition);
    }
}
