package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.jobs.activity.ActivityDocuments;
import com.athena.jobs.activity.ActivityJob;
import com.athena.jobs.activity.ActivityJobs;
import com.athena.jobs.activity.ActivityNames;
import com.athena.jobs.activity.ActivityOptions;
import com.athena.jobs.activity.ActivityRows;
import com.athena.testing.Feeds;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQL injection and hostile text through the activity job, as {@link InjectionITCase} does for the
 * other two: every free-text field of the activity events ({@link InjectionITCase#HOSTILE}, and a
 * string of all of them near the 10,000-character limit where the field is free text) goes in
 * through Pub/Sub and must come back exactly as it went in from every store the job writes:
 * BigQuery ({@code agent_decisions}, {@code memory_formations}, {@code performance_metrics}, local
 * Storage Write API), Firestore ({@code agent_data_decisions}, {@code agent_data_protocols}) and
 * TimescaleDB ({@code protocol_yields}, {@code agent_memories}), whose tables still exist with
 * exactly the rows written. The job runs with the shipped watermark settings; a tick 30 days later,
 * sent once the job has read the rest, releases the decisions from the event-time join.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.FIRESTORE,
    RealService.TIMESCALEDB
})
class ActivityInjectionITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTILE = InjectionITCase.HOSTILE;

    /** All of them, repeated to just under the 10,000 characters a free-text field takes. */
    private static final String LONG = String.join("|", HOSTILE).repeat(30);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String agent = "inj-act-" + run;
    private final String topic = "inj-act-" + run;
    private final String subscription = "inj-act-sub-" + run;

    @Test
    void everyActivityStoreKeepsHostileTextVerbatim() throws Exception {
        assertThat(LONG.length() + 32).isBetween(8_500, 10_000);
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        String transitions = "inj.act.transitions." + run;
        String conditions = "inj.act.conditions." + run;
        String dlq = "inj.act.dlq." + run;
        Feeds.createTopics(kafka, 1, transitions, conditions, dlq);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            events.add(decision(i).toString());
            events.add(memory(i).toString());
            events.add(metric(i).toString());
            events.add(protocolYield(i).toString());
        }
        Feeds.publish(pubsub, topic, subscription, events);

        try (LocalBigQueryWriteServer bigquery = LocalBigQueryWriteServer.start()) {
            bigquery.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    ActivityRows.DECISIONS_TABLE,
                    ActivityRows.MEMORIES_TABLE,
                    ActivityRows.METRICS_TABLE);
            Configuration config = CommonOptions.fromArgs(new String[0]);
            config.set(ActivityOptions.ACTIVITY_SUBSCRIPTION, subscription);
            config.set(ActivityOptions.TRANSITIONS_TOPIC, transitions);
            config.set(ActivityOptions.CONDITIONS_TOPIC, conditions);
            config.set(ActivityOptions.DLQ_TOPIC, dlq);
            config.set(CommonOptions.KAFKA_GROUP_ID, "inj-act-" + run);
            ActivityJob job =
                    ActivityJobs.wired(
                            config, services, bigquery.endpoint("athena-local", "athena_agent"));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(MiniClusters.PARALLELISM);
            env.enableCheckpointing(500);
            job.build(env);
            JobClient client = env.executeAsync("activity-injection-" + run);
            try {
                Waits.until(
                        "the job to read every event",
                        WAIT,
                        () ->
                                parsed(client, ParseOrDeadLetter.METRIC_RECORDS_IN)
                                                + parsed(
                                                        client,
                                                        ParseOrDeadLetter.METRIC_DEAD_LETTERS)
                                        == events.size());
                // None of them is a dead letter: every field takes free text.
                assertThat(parsed(client, ParseOrDeadLetter.METRIC_DEAD_LETTERS)).isZero();
                ObjectNode tick = metric(0);
                tick.put("event_id", "tick-" + run);
                tick.put("timestamp", Instant.ofEpochMilli(T0 + 30L * 86_400_000L).toString());
                Feeds.publish(pubsub, topic, subscription, List.of(tick.toString()));
                Waits.until(
                        "every row in BigQuery",
                        WAIT,
                        () ->
                                rows(bigquery, ActivityRows.DECISIONS_TABLE).size()
                                                == HOSTILE.size()
                                        && rows(bigquery, ActivityRows.MEMORIES_TABLE).size()
                                                == HOSTILE.size()
                                        && rows(bigquery, ActivityRows.METRICS_TABLE).size()
                                                == HOSTILE.size() + 1);
                assertBigQuery(bigquery);
                try (Firestore fs = firestore.open()) {
                    Waits.until(
                            "every decision and protocol in Firestore",
                            WAIT,
                            () -> firestoreComplete(fs));
                    assertFirestore(fs);
                }
                Waits.until(
                        "every yield and memory in TimescaleDB",
                        WAIT,
                        () ->
                                count(timescale, "protocol_yields") == HOSTILE.size()
                                        && count(timescale, "agent_memories") == HOSTILE.size());
                assertTimescale(timescale);
            } finally {
                client.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static long parsed(JobClient client, String metric) {
        return MiniClusters.counter(
                REPORTER, client.getJobID(), ActivityNames.PARSE_ACTIVITY, metric);
    }

    private ObjectNode event(int i, String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event_id", type + "-" + i + "-" + run);
        n.put("type", type);
        n.put("agent_id", agent);
        n.put("timestamp", Instant.ofEpochMilli(T0 + i * 60_000L).toString());
        return n;
    }

    private ObjectNode decision(int i) {
        String h = HOSTILE.get(i);
        ObjectNode n = event(i, "decision");
        n.put("decision_type", h);
        n.put("decision", h);
        n.put("reasoning", h + LONG);
        n.put("expected_outcome", h);
        n.put("outcome", h);
        n.put("confidence", 0.5);
        return n;
    }

    private ObjectNode memory(int i) {
        String h = HOSTILE.get(i);
        ObjectNode n = event(i, "memory_formation");
        n.put("memory_id", memoryId(i));
        n.put("category", h);
        n.put("importance", 0.5);
        n.put("content", h + LONG);
        n.putObject("metadata").put(h, h);
        n.put("trigger_event", h);
        n.put("formation_cost", 0.001);
        return n;
    }

    private ObjectNode metric(int i) {
        String h = HOSTILE.get(i);
        ObjectNode n = event(i, "performance_metric");
        n.put("metric_name", h);
        n.put("metric_value", i);
        n.put("metric_type", "gauge");
        n.put("unit", h);
        n.putObject("labels").put(h, h);
        return n;
    }

    private ObjectNode protocolYield(int i) {
        String h = HOSTILE.get(i);
        ObjectNode n = event(i, "protocol_yield");
        n.put("protocol", protocol(i));
        n.put("chain", h);
        n.put("pool", h);
        n.put("apy", 4.5);
        return n;
    }

    private String memoryId(int i) {
        return "m-" + i + "-" + run;
    }

    private String protocol(int i) {
        return "p-" + i + "-" + run;
    }

    private void assertBigQuery(LocalBigQueryWriteServer bigquery) throws Exception {
        Map<Long, Map<String, Object>> decisions =
                byEventTime(bigquery, ActivityRows.DECISIONS_TABLE);
        Map<String, Map<String, Object>> memories = new HashMap<>();
        for (Map<String, Object> r : rows(bigquery, ActivityRows.MEMORIES_TABLE)) {
            memories.put((String) r.get("memory_id"), r);
        }
        Map<Long, Map<String, Object>> metrics = byEventTime(bigquery, ActivityRows.METRICS_TABLE);
        for (int i = 0; i < HOSTILE.size(); i++) {
            String h = HOSTILE.get(i);
            long at = (T0 + i * 60_000L) * 1000;
            Map<String, Object> d = decisions.get(at);
            assertThat(d).as("decision %d", i).isNotNull();
            assertThat(d.get("decision_type")).isEqualTo(h);
            assertThat(d.get("decision")).isEqualTo(h);
            assertThat(d.get("reasoning")).isEqualTo(h + LONG);
            assertThat(d.get("expected_outcome")).isEqualTo(h);
            assertThat(d.get("outcome")).isEqualTo(h);
            Map<String, Object> m = memories.get(memoryId(i));
            assertThat(m).as("memory %d", i).isNotNull();
            assertThat(m.get("category")).isEqualTo(h);
            assertThat(m.get("content")).isEqualTo(h + LONG);
            assertThat(m.get("trigger_event")).isEqualTo(h);
            assertThat(JSON.readTree((String) m.get("metadata")).get(h).asText()).isEqualTo(h);
            Map<String, Object> x = metrics.get(at);
            assertThat(x).as("metric %d", i).isNotNull();
            assertThat(x.get("metric_name")).isEqualTo(h);
            assertThat(x.get("unit")).isEqualTo(h);
            assertThat(JSON.readTree((String) x.get("labels")).get(h).asText()).isEqualTo(h);
        }
    }

    @SuppressWarnings("unchecked")
    private void assertFirestore(Firestore fs) {
        List<Map<String, Object>> recent =
                (List<Map<String, Object>>)
                        doc(fs, ActivityDocuments.DECISIONS, agent).get("decisions");
        Map<String, Map<String, Object>> byId = new HashMap<>();
        for (Map<String, Object> d : recent) {
            byId.put((String) d.get("decision_id"), d);
        }
        for (int i = 0; i < HOSTILE.size(); i++) {
            String h = HOSTILE.get(i);
            Map<String, Object> d = byId.get("decision-" + i + "-" + run);
            assertThat(d).as("recent decision %d", i).isNotNull();
            assertThat(d.get("decision_type")).isEqualTo(h);
            assertThat(d.get("decision")).isEqualTo(h);
            assertThat(d.get("reasoning")).isEqualTo(h + LONG);
            assertThat(d.get("expected_outcome")).isEqualTo(h);
            assertThat(d.get("outcome")).isEqualTo(h);
            DocumentSnapshot p = doc(fs, ActivityDocuments.PROTOCOLS, protocol(i));
            assertThat(p.getString("chain")).isEqualTo(h);
            assertThat(p.getString("pool")).isEqualTo(h);
        }
    }

    private boolean firestoreComplete(Firestore fs) {
        DocumentSnapshot d = doc(fs, ActivityDocuments.DECISIONS, agent);
        if (d == null || !(d.get("decisions") instanceof List<?> l) || l.size() != HOSTILE.size()) {
            return false;
        }
        for (int i = 0; i < HOSTILE.size(); i++) {
            if (doc(fs, ActivityDocuments.PROTOCOLS, protocol(i)) == null) {
                return false;
            }
        }
        return true;
    }

    private void assertTimescale(JdbcEndpoint timescale) throws Exception {
        try (Connection c = timescale.open()) {
            for (int i = 0; i < HOSTILE.size(); i++) {
                String h = HOSTILE.get(i);
                try (PreparedStatement st =
                        c.prepareStatement(
                                "SELECT chain, pool FROM protocol_yields WHERE protocol = ?")) {
                    st.setString(1, protocol(i));
                    try (ResultSet rs = st.executeQuery()) {
                        assertThat(rs.next()).as("yield %d", i).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(h);
                        assertThat(rs.getString(2)).isEqualTo(h);
                        assertThat(rs.next()).isFalse();
                    }
                }
                try (PreparedStatement st =
                        c.prepareStatement(
                                "SELECT category FROM agent_memories WHERE memory_id = ?")) {
                    st.setString(1, memoryId(i));
                    try (ResultSet rs = st.executeQuery()) {
                        assertThat(rs.next()).as("memory %d", i).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(h);
                    }
                }
            }
        }
    }

    /** This run's rows of a table (the tick's metric included). */
    private List<Map<String, Object>> rows(LocalBigQueryWriteServer bigquery, String table) {
        return bigquery.committedRows(table).stream()
                .filter(r -> agent.equals(r.get("agent_id")))
                .toList();
    }

    /** This run's rows by their timestamp in microseconds (one decision or metric a minute). */
    private Map<Long, Map<String, Object>> byEventTime(
            LocalBigQueryWriteServer bigquery, String table) {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows(bigquery, table)) {
            out.put(((Number) r.get("timestamp")).longValue(), r);
        }
        return out;
    }

    private long count(JdbcEndpoint timescale, String table) {
        String column = table.equals("protocol_yields") ? "protocol" : "memory_id";
        try (Connection c = timescale.open();
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT count(*) FROM " + table + " WHERE " + column + " LIKE ?")) {
            st.setString(1, "%-" + run);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return -1;
        }
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
}
