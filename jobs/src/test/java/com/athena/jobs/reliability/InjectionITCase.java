package com.athena.jobs.reliability;

import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.firestore.FirestoreSinkOptions;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.flink.Streams;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.json.JsonFields;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.jobs.market.MarketBarRows;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.AgentMetric;
import com.athena.jobs.treasury.TreasuryDocuments;
import com.athena.jobs.treasury.TreasuryJdbcSinks;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryKafkaSinks;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasuryRows;
import com.athena.jobs.treasury.TreasurySettings;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQL injection and hostile text through every writer that stores text: the JDBC upsert sinks
 * ({@code market_data}, {@code dead_letters}, every table of {@link TreasuryJdbcSinks}) on
 * PostgreSQL and on TimescaleDB, Firestore (emulator), BigQuery (the local Storage Write API) and
 * the Kafka sinks (dead letters, transitions). Every string must come back exactly as it went in,
 * and the tables must still exist with exactly the rows written: each statement binds its values,
 * none is built from data.
 *
 * <p>Where a validator guards a field (symbols, agent ids), the hostile record must reach the dead
 * letters verbatim instead. NUL is the one documented exception: PostgreSQL text cannot hold it, so
 * the {@code dead_letters} table stores U+FFFD in its place (Kafka keeps it), and a NUL in any
 * other field is a dead letter at parse time rather than a sink that fails on every retry.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.POSTGRES,
    RealService.TIMESCALEDB,
    RealService.FIRESTORE
})
class InjectionITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** The reason of a payload that is no JSON object (which parse error depends on the text). */
    private static final String NOT_JSON = "(invalid JSON|not a JSON object)";

    /** Hostile strings short enough for every column they go to (the narrowest is 32 chars). */
    static final List<String> HOSTILE =
            List.of(
                    "'; DROP TABLE market_data; --",
                    "' OR '1'='1",
                    "$$; DROP TABLE dead_letters;$$",
                    "\\'; SELECT pg_sleep(30); --",
                    "back\\slash \\\\ \\x00 \\n \\",
                    "100% _all_ LIKE '%_%' ESCAPE",
                    "\"dq\" `bt` \u2018s\u2019 \u201cd\u201d \u00ab\u00bb ''",
                    "\u03a9\u03bc\u03ad\u03b3\u03b1 \u4e2d\u6587 \ud83d\ude00 \u202eevil\u202c e\u0301",
                    "line\nbreak\r\n\ttab",
                    "E'\\x41' U&'\\0041' $q$x$q$",
                    "/* c */ SELECT 1; -- x",
                    "{\"a\":\"b\"} ${jndi:x} %s %n");

    /** A long string of all of them (about 32k chars, under the dead-letter payload cap). */
    static final String LONG = String.join("|", HOSTILE).repeat(100);

    private ServiceEnvironment services;
    private KafkaEndpoint kafka;
    private JdbcEndpoint postgres;
    private JdbcEndpoint timescale;
    private FirestoreEndpoint firestore;
    private LocalBigQueryWriteServer bigquery;
    private String run;

    @BeforeEach
    void setUp() throws Exception {
        for (String s : HOSTILE) {
            assertThat(s.codePointCount(0, s.length())).as(s).isLessThanOrEqualTo(32);
        }
        assertThat(LONG.length() + 32).isLessThan(DeadLetter.MAX_PAYLOAD_CHARS);
        services = ServiceEnvironment.load();
        kafka = KafkaEndpoint.from(services);
        postgres = JdbcEndpoint.postgres(services);
        timescale = JdbcEndpoint.timescale(services);
        firestore = FirestoreEndpoint.from(services);
        for (JdbcEndpoint db : List.of(postgres, timescale)) {
            try (Connection c = db.open()) {
                TestSchema.apply(c);
            }
        }
        bigquery = LocalBigQueryWriteServer.start();
        bigquery.defineTablesFromDdl(
                "athena-local",
                "athena_agent",
                Path.of("../sql/bigquery"),
                MarketBarRows.TABLE,
                TreasuryRows.COSTS_TABLE,
                TreasuryRows.SNAPSHOTS_TABLE);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() {
        bigquery.close();
    }

    @Test
    void everySinkStoresHostileTextVerbatim() throws Exception {
        String dlqTopic = "inj-dlq-" + run;
        String transitionsTopic = "inj-transitions-" + run;
        Feeds.createTopics(kafka, 1, dlqTopic, transitionsTopic);
        StorageWriteEndpoint bq = bigquery.endpoint("athena-local", "athena_agent");
        // A hostile label that is also this run's key (market_data.source is VARCHAR(50)).
        String source = run + HOSTILE.get(0);

        List<MarketBar> bars = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<TreasurySnapshot> treasurySnapshots = new ArrayList<>();
        List<AgentMetric> metrics = new ArrayList<>();
        List<DeadLetter> treasuryDeadLetters = new ArrayList<>();
        List<TreasuryTransition> transitions = new ArrayList<>();
        List<TreasurySnapshot> firestoreSnapshots = new ArrayList<>();
        List<CostRecord> costs = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            String h = HOSTILE.get(i);
            long t = T0 + i * 60_000L;
            bars.add(bar(h, t));
            deadLetters.add(new DeadLetter(source, h + "@" + run, t, h + LONG, h));
            TreasurySnapshot s = snapshot(run + h, t, h, new String[] {h, LONG});
            treasurySnapshots.add(s);
            metrics.addAll(AgentMetric.of(s));
            CostRecord c = cost(run + h, h + LONG.substring(0, 200), t, h);
            costs.add(c);
            treasuryDeadLetters.add(new DeadLetter(source, h + "#" + run, t, h + LONG, LONG + h));
            // Firestore document ids are the agent ids and transition ids, which the parsers
            // keep to a safe alphabet; the free text goes into the fields.
            firestoreSnapshots.add(snapshot("inj-" + run + "-" + i, t, h, new String[0]));
            transitions.add(transition("inj-" + run + "-" + i, t, h));
        }
        // NUL (stored as U+FFFD by the table, kept by Kafka) and a payload over the cap.
        deadLetters.add(
                new DeadLetter(source, "nul@" + run, T0, "reason\0with NUL", "pay\0load'\0"));
        String huge = ("'; DROP TABLE dead_letters; --" + "\u00e9").repeat(3000);
        deadLetters.add(new DeadLetter(source, "huge@" + run, T0, "huge", huge));

        Configuration config = CommonOptions.fromArgs(new String[0]);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        Streams.attach(
                from(env, "bars", bars, MarketBar.class),
                List.of(
                        NamedSink.of(
                                "pg-market-data",
                                MarketJdbcSinks.marketData(
                                        postgres, CommonOptions.jdbcExecution(config), source)),
                        NamedSink.of(
                                "tsdb-market-data",
                                MarketJdbcSinks.marketData(
                                        timescale, CommonOptions.jdbcExecution(config), source)),
                        NamedSink.of(
                                "bq-indicators",
                                StorageWriteSink.builder(bq, new MarketBarRows()).build())));
        Streams.attach(
                from(env, "dead-letters", deadLetters, DeadLetter.class),
                List.of(
                        NamedSink.of(
                                "pg-dlq",
                                JdbcSinks.deadLetters(
                                        postgres, CommonOptions.jdbcExecution(config))),
                        NamedSink.of(
                                "tsdb-dlq",
                                JdbcSinks.deadLetters(
                                        timescale, CommonOptions.jdbcExecution(config))),
                        NamedSink.of("kafka-dlq", KafkaSinks.deadLetters(kafka, dlqTopic))));
        for (JdbcEndpoint db : List.of(postgres, timescale)) {
            String name = db == postgres ? "pg" : "tsdb";
            JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
            Streams.attach(
                    from(
                            env,
                            name + "-treasury-snapshots-input",
                            treasurySnapshots,
                            TreasurySnapshot.class),
                    List.of(
                            NamedSink.of(
                                    name + "-treasury-snapshots",
                                    TreasuryJdbcSinks.snapshots(db, jdbc))));
            Streams.attach(
                    from(env, name + "-agent-metrics-input", metrics, AgentMetric.class),
                    List.of(
                            NamedSink.of(
                                    name + "-agent-metrics", TreasuryJdbcSinks.metrics(db, jdbc))));
            Streams.attach(
                    from(env, name + "-cost-events-input", costs, CostRecord.class),
                    List.of(
                            NamedSink.of(
                                    name + "-cost-events", TreasuryJdbcSinks.costs(db, jdbc))));
            Streams.attach(
                    from(env, name + "-treasury-dlq-input", treasuryDeadLetters, DeadLetter.class),
                    List.of(NamedSink.of(name + "-treasury-dlq", JdbcSinks.deadLetters(db, jdbc))));
        }
        Streams.attach(
                from(env, "transitions", transitions, TreasuryTransition.class),
                List.of(
                        NamedSink.of(
                                "kafka-transitions",
                                TreasuryKafkaSinks.transitions(
                                        kafka,
                                        transitionsTopic,
                                        DeliveryGuarantee.AT_LEAST_ONCE,
                                        "inj-" + run)),
                        NamedSink.of(
                                "firestore-logs",
                                new FirestoreSink<>(
                                        firestore,
                                        new TreasuryDocuments.SystemLogs(),
                                        FirestoreSinkOptions.builder().build()))));
        Streams.attach(
                from(env, "firestore-snapshots", firestoreSnapshots, TreasurySnapshot.class),
                List.of(
                        NamedSink.of(
                                "firestore-treasury",
                                new FirestoreSink<>(
                                        firestore,
                                        new TreasuryDocuments.Treasury(),
                                        FirestoreSinkOptions.builder().build())),
                        NamedSink.of(
                                "bq-snapshots",
                                StorageWriteSink.builder(bq, new TreasuryRows.Snapshots())
                                        .build())));
        Streams.attach(
                from(env, "costs", costs, CostRecord.class),
                List.of(
                        NamedSink.of(
                                "bq-costs",
                                StorageWriteSink.builder(bq, new TreasuryRows.Costs()).build())));
        env.execute("injection-sinks-it");

        for (JdbcEndpoint db : List.of(postgres, timescale)) {
            String where = db == postgres ? "PostgreSQL" : "TimescaleDB";
            try (Connection c = db.open()) {
                // market_data: each hostile symbol a row of its own, stored as sent.
                assertThat(strings(c, "SELECT symbol FROM market_data WHERE source = ?", source))
                        .as(where)
                        .containsExactlyInAnyOrderElementsOf(HOSTILE);

                // dead_letters: origin, reason, payload verbatim; NUL as U+FFFD; cut at the cap.
                Map<String, List<String>> dl =
                        rows(
                                c,
                                "SELECT origin, reason, payload FROM dead_letters WHERE source = ?",
                                source);
                assertThat(dl).as(where).hasSize(2 * HOSTILE.size() + 2);
                for (String h : HOSTILE) {
                    assertThat(dl.get(h + "@" + run)).as(where).containsExactly(h + LONG, h);
                    assertThat(dl.get(h + "#" + run)).as(where).containsExactly(h + LONG, LONG + h);
                }
                assertThat(dl.get("nul@" + run))
                        .containsExactly("reason\uFFFDwith NUL", "pay\uFFFDload'\uFFFD");
                assertThat(dl.get("huge@" + run))
                        .containsExactly("huge", huge.substring(0, DeadLetter.MAX_PAYLOAD_CHARS));

                for (String h : HOSTILE) {
                    String agent = run + h;
                    assertThat(
                                    rows(
                                            c,
                                            "SELECT agent_id, trigger, transitions FROM"
                                                    + " treasury_snapshots WHERE agent_id = ?",
                                            agent))
                            .as(where)
                            .containsExactly(Map.entry(agent, List.of(h, h + "," + LONG)));
                    assertThat(
                                    rows(
                                            c,
                                            "SELECT event_id, cost_type, operation, model FROM"
                                                    + " cost_events WHERE agent_id = ?",
                                            agent))
                            .as(where)
                            .containsExactly(
                                    Map.entry(h + LONG.substring(0, 200), List.of(h, h, h)));
                    // The labels are JSON built by Jackson, cast by the server: the trigger inside
                    // is still the string sent.
                    assertThat(
                                    strings(
                                            c,
                                            "SELECT DISTINCT labels->>'trigger' FROM agent_metrics"
                                                    + " WHERE agent_id = ?",
                                            agent))
                            .as(where)
                            .containsExactly(h);
                    assertThat(
                                    strings(
                                            c,
                                            "SELECT metric_name FROM agent_metrics WHERE agent_id = ?",
                                            agent))
                            .as(where)
                            .hasSize(AgentMetric.of(snapshot(agent, 0, h, null)).size());
                }
                assertTablesExist(c, where);
            }
        }

        // Kafka: the dead letters and transitions as JSON, every string as sent, NUL included.
        Map<String, JsonNode> dlq = byField(readTopic(dlqTopic, deadLetters.size()), "origin");
        assertThat(dlq).hasSize(deadLetters.size());
        for (DeadLetter d : deadLetters) {
            JsonNode node = dlq.get(d.origin);
            assertThat(node.get("source").asText()).isEqualTo(source);
            assertThat(node.get("reason").asText()).isEqualTo(d.reason);
            assertThat(node.get("payload").asText()).isEqualTo(d.payload);
        }
        Map<String, JsonNode> kafkaTransitions =
                byField(readTopic(transitionsTopic, transitions.size()), "transition_id");
        assertThat(kafkaTransitions).hasSize(transitions.size());

        // Firestore: the free-text fields, as sent.
        try (Firestore db = firestore.open()) {
            for (int i = 0; i < HOSTILE.size(); i++) {
                String h = HOSTILE.get(i);
                TreasuryTransition t = transitions.get(i);
                JsonNode k = kafkaTransitions.get(t.transitionId);
                assertThat(k.get("reason").asText()).isEqualTo(h);
                assertThat(k.get("trigger").asText()).isEqualTo(h);
                DocumentSnapshot log =
                        db.collection(TreasuryDocuments.SYSTEM_LOGS)
                                .document(t.transitionId)
                                .get()
                                .get(30, TimeUnit.SECONDS);
                assertThat(log.getString("reason")).isEqualTo(h);
                assertThat(log.getString("trigger")).isEqualTo(h);
                DocumentSnapshot treasury =
                        db.collection(TreasuryDocuments.TREASURY)
                                .document(firestoreSnapshots.get(i).agentId)
                                .get()
                                .get(30, TimeUnit.SECONDS);
                assertThat(treasury.getString("trigger")).isEqualTo(h);
            }
        }

        // BigQuery: the rows committed through the Storage Write API, as sent.
        assertThat(
                        bigquery.committedRows(MarketBarRows.TABLE).stream()
                                .map(r -> r.get("symbol"))
                                .collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(HOSTILE);
        assertThat(
                        bigquery.committedRows(TreasuryRows.COSTS_TABLE).stream()
                                .map(
                                        r ->
                                                List.of(
                                                        r.get("event_id"),
                                                        r.get("cost_type"),
                                                        r.get("model")))
                                .collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(
                        HOSTILE.stream()
                                .map(h -> List.<Object>of(h + LONG.substring(0, 200), h, h))
                                .collect(Collectors.toList()));
        // The snapshot's trigger travels inside the JSON column significant_events.
        List<String> bqTriggers = new ArrayList<>();
        for (Map<String, Object> r : bigquery.committedRows(TreasuryRows.SNAPSHOTS_TABLE)) {
            bqTriggers.add(
                    JsonFields.MAPPER
                            .readTree((String) r.get("significant_events"))
                            .get("trigger")
                            .asText());
        }
        assertThat(bqTriggers).containsExactlyInAnyOrderElementsOf(HOSTILE);
    }

    @Test
    void validatorsDeadLetterHostileIdsAndFreeTextIsStoredVerbatim() throws Exception {
        String eventsTopic = "inj-treasury-events-" + run;
        String tradesTopic = "inj-trades-" + run;
        String dlqTopic = "inj-treasury-dlq-" + run;
        String marketDlqTopic = "inj-market-dlq-" + run;
        String transitionsTopic = "inj-treasury-transitions-" + run;
        Feeds.createTopics(
                kafka, 1, eventsTopic, tradesTopic, dlqTopic, marketDlqTopic, transitionsTopic);

        // Treasury: a valid (if unusual) agent id whose events carry hostile free text, and hostile
        // agent ids, which the parser refuses.
        String agent = "inj." + run + ":a@b+c-d";
        List<String> events = new ArrayList<>();
        events.add(
                json(
                        Map.of(
                                "type",
                                "balance",
                                "event_id",
                                "b-" + run,
                                "agent_id",
                                agent,
                                "timestamp",
                                T0,
                                "balance_usd",
                                100.0)));
        Map<String, String> costTypes = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            String h = HOSTILE.get(i);
            String eventId = h + "#" + i;
            costTypes.put(eventId, h);
            events.add(
                    json(
                            Map.of(
                                    "event_id", eventId,
                                    "agent_id", agent,
                                    "timestamp", T0 + (i + 1) * 1000L,
                                    "amount", 0.01,
                                    "cost_type", h)));
            String llmId = h + "#llm" + i;
            models.put(llmId, h);
            events.add(
                    json(
                            Map.of(
                                    "event_id",
                                    llmId,
                                    "agent_id",
                                    agent,
                                    "timestamp",
                                    T0 + (i + 1) * 1000L + 500,
                                    "operation",
                                    "llm_call",
                                    "input_tokens",
                                    10,
                                    "output_tokens",
                                    1,
                                    "model",
                                    h)));
        }
        Map<String, String> badTreasury = new LinkedHashMap<>();
        for (String h : HOSTILE) {
            badTreasury.put(
                    json(
                            Map.of(
                                    "event_id",
                                    "x-" + run,
                                    "agent_id",
                                    h,
                                    "timestamp",
                                    T0,
                                    "amount",
                                    1.0)),
                    "agent_id ");
            // Not a JSON object at all: the raw text is the payload.
            badTreasury.put(h, NOT_JSON);
        }
        badTreasury.put(
                json(
                        Map.of(
                                "event_id",
                                "nul-" + run,
                                "agent_id",
                                agent,
                                "timestamp",
                                T0,
                                "amount",
                                1.0,
                                "cost_type",
                                "a\0b")),
                "cost_type contains NUL");
        events.addAll(badTreasury.keySet());
        produce(eventsTopic, agent, events);

        // Market: a valid unusual symbol is stored; hostile symbols are dead letters.
        String symbol = "Z9.a:B/c-" + run;
        List<String> trades = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            trades.add(
                    json(
                            Map.of(
                                    "symbol",
                                    symbol,
                                    "ts",
                                    T0 + i * 60_000L,
                                    "price",
                                    100.0 + i,
                                    "size",
                                    1.0)));
        }
        Map<String, String> badTrades = new LinkedHashMap<>();
        for (String h : HOSTILE) {
            badTrades.put(
                    json(Map.of("symbol", h, "ts", T0, "price", 1.0, "size", 1.0)), "symbol ");
            badTrades.put(h + "\u0000", NOT_JSON);
        }
        trades.addAll(badTrades.keySet());
        produce(tradesTopic, symbol, trades);

        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(TreasuryOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.TIMEFRAMES, "1m");
        TreasurySettings treasurySettings = new TreasurySettings(config);
        MarketSettings marketSettings = new MarketSettings(config);
        StorageWriteEndpoint bq = bigquery.endpoint("athena-local", "athena_agent");
        String marketSource = run + HOSTILE.get(1);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        new TreasuryJob(
                        new TreasuryJob.Sources(
                                null,
                                new TreasuryJob.Input<>(
                                        kafkaSource(eventsTopic),
                                        treasurySettings.eventParser,
                                        TreasuryNames.DLQ_BALANCES),
                                null,
                                null),
                        new TreasuryJob.Sinks(
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                TreasuryNames.SINK_SNAPSHOTS_TIMESCALE,
                                                TreasuryJdbcSinks.snapshots(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config)))),
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                TreasuryNames.SINK_TRANSITIONS_KAFKA,
                                                TreasuryKafkaSinks.transitions(
                                                        kafka,
                                                        transitionsTopic,
                                                        DeliveryGuarantee.AT_LEAST_ONCE,
                                                        "inj-" + run))),
                                List.of(
                                        NamedSink.of(
                                                TreasuryNames.SINK_COSTS_BIGQUERY,
                                                StorageWriteSink.builder(
                                                                bq, new TreasuryRows.Costs())
                                                        .build()),
                                        NamedSink.of(
                                                TreasuryNames.SINK_COSTS_TIMESCALE,
                                                TreasuryJdbcSinks.costs(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config)))),
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                TreasuryNames.SINK_METRICS_TIMESCALE,
                                                TreasuryJdbcSinks.metrics(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config)))),
                                List.of(
                                        NamedSink.of(
                                                TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                                KafkaSinks.deadLetters(kafka, dlqTopic)),
                                        NamedSink.of(
                                                TreasuryNames.SINK_DEAD_LETTERS_TIMESCALE,
                                                JdbcSinks.deadLetters(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config))))),
                        treasurySettings)
                .build(env);
        new MarketJob(
                        new MarketJob.Sources(
                                new MarketJob.Input<>(
                                        kafkaSource(tradesTopic),
                                        marketSettings.tradeParser::parse,
                                        MarketNames.DLQ_TRADES),
                                null,
                                null),
                        new MarketJob.Sinks(
                                List.of(
                                        NamedSink.of(
                                                MarketNames.SINK_MARKET_DATA,
                                                MarketJdbcSinks.marketData(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config),
                                                        marketSource))),
                                List.of(),
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                MarketNames.SINK_DEAD_LETTERS_KAFKA,
                                                KafkaSinks.deadLetters(kafka, marketDlqTopic)),
                                        NamedSink.of(
                                                MarketNames.SINK_DEAD_LETTERS_JDBC,
                                                JdbcSinks.deadLetters(
                                                        postgres,
                                                        CommonOptions.jdbcExecution(config))))),
                        marketSettings)
                .build(env);
        env.execute("injection-validators-it");

        try (Connection c = postgres.open()) {
            // Treasury free text, verbatim, in cost_events and in the snapshots' triggers.
            Map<String, List<String>> costRows =
                    rows(
                            c,
                            "SELECT event_id, cost_type, model FROM cost_events WHERE agent_id = ?",
                            agent);
            assertThat(costRows).hasSize(costTypes.size() + models.size());
            costTypes.forEach(
                    (id, h) -> assertThat(costRows.get(id)).as(id).containsExactly(h, null));
            models.forEach(
                    (id, h) -> assertThat(costRows.get(id)).as(id).containsExactly("llm_cost", h));
            List<String> triggers =
                    strings(
                            c,
                            "SELECT trigger FROM treasury_snapshots WHERE agent_id = ?"
                                    + " AND trigger LIKE 'cost:%'",
                            agent);
            assertThat(triggers)
                    .allSatisfy(
                            t ->
                                    assertThat(costTypes.keySet())
                                            .contains(t.substring("cost:".length())));

            // Hostile ids: dead letters with the payload as sent (NUL as U+FFFD in the table).
            Map<String, String> expectedMarketDl = new HashMap<>();
            badTrades.forEach((p, r) -> expectedMarketDl.put(p.replace('\0', '\uFFFD'), r));
            assertReasons(deadLetters(c, tradesTopic), expectedMarketDl);
            assertReasons(deadLetters(c, eventsTopic), badTreasury);
            assertThat(strings(c, "SELECT symbol FROM market_data WHERE source = ?", marketSource))
                    .hasSize(5)
                    .containsOnly(symbol);
            assertTablesExist(c, "PostgreSQL");
        }
        Map<String, String> treasuryKafka = new HashMap<>();
        for (JsonNode node : readTopic(dlqTopic, badTreasury.size())) {
            treasuryKafka.put(node.get("payload").asText(), node.get("reason").asText());
        }
        assertReasons(treasuryKafka, badTreasury);
        Map<String, String> marketKafka = new HashMap<>();
        for (JsonNode node : readTopic(marketDlqTopic, badTrades.size())) {
            marketKafka.put(node.get("payload").asText(), node.get("reason").asText());
        }
        assertReasons(marketKafka, badTrades);

        // BigQuery cost_tracking: the hostile cost types and models as sent.
        Map<Object, Map<String, Object>> bqCosts =
                bigquery.committedRows(TreasuryRows.COSTS_TABLE).stream()
                        .collect(Collectors.toMap(r -> r.get("event_id"), Function.identity()));
        assertThat(bqCosts).hasSize(costTypes.size() + models.size());
        costTypes.forEach((id, h) -> assertThat(bqCosts.get(id).get("cost_type")).isEqualTo(h));
        models.forEach((id, h) -> assertThat(bqCosts.get(id).get("model")).isEqualTo(h));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Exactly the expected payloads, each with a reason starting with the expected pattern. */
    private static void assertReasons(Map<String, String> actual, Map<String, String> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (payload, reason) ->
                        assertThat(actual.get(payload))
                                .as(payload)
                                .matches(Pattern.compile(reason + ".*", Pattern.DOTALL)));
    }

    /** Payload to reason of the dead letters that came from a topic. */
    private static Map<String, String> deadLetters(Connection c, String topic) throws SQLException {
        Map<String, String> result = new HashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT payload, reason FROM dead_letters WHERE origin LIKE ?")) {
            ps.setString(1, topic + "/%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(result.put(rs.getString(1), rs.getString(2))).isNull();
                }
            }
        }
        return result;
    }

    private static <T> DataStream<T> from(
            StreamExecutionEnvironment env, String name, Collection<T> data, Class<T> type) {
        return env.fromData(data, TypeInformation.of(type)).name(name).uid(name);
    }

    private SourceFactory<RawRecord> kafkaSource(String topic) {
        return SourceFactory.of(
                KafkaSources.raw(kafka, topic, "inj-" + run, true),
                TypeInformation.of(RawRecord.class));
    }

    private static MarketBar bar(String symbol, long openTime) {
        return new MarketBar(
                new Bar(symbol, "1m", openTime, 1, 2, 0.5, 1.5, 10, 3), new IndicatorValues());
    }

    private static TreasurySnapshot snapshot(
            String agent, long t, String trigger, String[] transitions) {
        TreasurySnapshot s = new TreasurySnapshot();
        s.agentId = agent;
        s.timestamp = t;
        s.snapshotType = TreasurySnapshot.EVENT;
        s.day = "2024-01-15";
        s.balanceUsd = 100;
        s.dailyCostUsd = 1;
        s.emotionalState = "stable";
        s.confidenceLevel = 0.75;
        s.riskTolerance = 0.6;
        s.trigger = trigger;
        s.transitions = transitions == null ? new String[0] : transitions;
        return s;
    }

    private static CostRecord cost(String agent, String eventId, long t, String text) {
        CostRecord c = new CostRecord();
        c.agentId = agent;
        c.eventId = eventId;
        c.timestamp = t;
        c.day = "2024-01-15";
        c.costType = text;
        c.operation = text;
        c.model = text;
        c.amount = 0.5;
        return c;
    }

    private static TreasuryTransition transition(String agent, long t, String text) {
        TreasuryTransition x = new TreasuryTransition();
        x.transitionId = agent + "_" + t + "_1_emotional_state_changed";
        x.agentId = agent;
        x.timestamp = t;
        x.transitionType = TreasuryTransition.EMOTIONAL_STATE;
        x.event = "emotional_state_changed";
        x.from = "stable";
        x.to = "cautious";
        x.reason = text;
        x.trigger = text;
        x.emotionalState = "cautious";
        return x;
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JsonFields.MAPPER.writeValueAsString(fields);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void produce(String topic, String key, List<String> values) throws Exception {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, key, v)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private List<JsonNode> readTopic(String topic, int expected) throws Exception {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "inj-read-" + run + "-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonNode> values = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(JsonFields.MAPPER.readTree(r.value()));
                }
            }
            // Anything beyond the expected count would be a duplicate or a stray record.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                values.add(JsonFields.MAPPER.readTree(r.value()));
            }
        }
        assertThat(values).as("records in " + topic).hasSize(expected);
        return values;
    }

    private static Map<String, JsonNode> byField(List<JsonNode> nodes, String field) {
        Map<String, JsonNode> result = new HashMap<>();
        for (JsonNode n : nodes) {
            result.put(n.get(field).asText(), n);
        }
        return result;
    }

    /** The first column of every row of a query with one string parameter. */
    private static List<String> strings(Connection c, String sql, String param)
            throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    /** Rows keyed by their first column, the other columns as a list. */
    private static Map<String, List<String>> rows(Connection c, String sql, String param)
            throws SQLException {
        Map<String, List<String>> result = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> rest = new ArrayList<>();
                    for (int i = 2; i <= columns; i++) {
                        rest.add(rs.getString(i));
                    }
                    assertThat(result.put(rs.getString(1), rest))
                            .as("one row per key: " + rs.getString(1))
                            .isNull();
                }
            }
        }
        return result;
    }

    /** Every table the sinks write is still there. */
    private static void assertTablesExist(Connection c, String where) throws SQLException {
        List<String> tables =
                List.of(
                        "market_data",
                        "dead_letters",
                        "trades",
                        "treasury_snapshots",
                        "cost_events",
                        "agent_metrics");
        for (String table : tables) {
            assertThat(strings(c, "SELECT to_regclass(?)::text", "public." + table))
                    .as(where + " still has " + table)
                    .containsExactly(table);
        }
    }
}
