package com.athena.tools.setup;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.sql.SchemaMigrator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates what the jobs expect to exist, idempotently: the Kafka topics, the Pub/Sub topics and
 * subscriptions, and the schema of {@code sql/timescaledb} on TimescaleDB and PostgreSQL.
 */
public final class SetupMain {
    private static final Logger LOG = LoggerFactory.getLogger(SetupMain.class);

    /** The Kafka topics of both jobs. */
    public static final List<String> KAFKA_TOPICS =
            List.of(
                    "market.trades",
                    "market.dlq",
                    "treasury.events",
                    "treasury.dlq",
                    "agent.transitions");

    /** Pub/Sub subscriptions and their topics. */
    public static final List<List<String>> PUBSUB_SUBSCRIPTIONS =
            List.of(
                    List.of("market-snapshots-sub", "market-snapshots"),
                    // The treasury reads the snapshots too: its own subscription, so that the
                    // two jobs do not split the messages between them.
                    List.of("treasury-market-snapshots-sub", "market-snapshots"),
                    List.of("agent-costs-sub", "agent-costs"));

    /**
     * Partitions of a new topic: at least 3, so that the jobs' sources spread over subtasks and the
     * per-partition watermarks are exercised as in production. Existing topics keep theirs.
     */
    public static final int PARTITIONS = 3;

    private SetupMain() {}

    public static void main(String[] args) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        createKafkaTopics(KafkaEndpoint.from(services));
        int ackDeadline =
                PubSubEndpoint.ackDeadlineSeconds(
                        flinkConfiguration(),
                        CommonOptions.DEFAULT_CHECKPOINT_INTERVAL.defaultValue());
        LOG.info("Pub/Sub ack deadline of new subscriptions: {} s", ackDeadline);
        try (PubSubEndpoint.Clients clients = PubSubEndpoint.from(services).clients()) {
            for (List<String> pair : PUBSUB_SUBSCRIPTIONS) {
                clients.ensureSubscription(pair.get(0), pair.get(1), ackDeadline);
            }
        }
        for (JdbcEndpoint endpoint :
                List.of(JdbcEndpoint.timescale(services), JdbcEndpoint.postgres(services))) {
            try (Connection c = endpoint.open()) {
                int statements = SchemaMigrator.apply(c);
                LOG.info("Schema applied to {}: {} statements", endpoint, statements);
            }
        }
    }

    /**
     * The cluster's configuration, whose checkpoint settings the ack deadline follows: {@code
     * $FLINK_CONF_DIR}, else the repository's {@code flink-conf} (the shipped one) when run from
     * its root, else Flink's defaults.
     */
    static Configuration flinkConfiguration() {
        String dir = System.getenv("FLINK_CONF_DIR");
        if (dir == null && Files.isDirectory(Paths.get("flink-conf"))) {
            dir = "flink-conf";
        }
        return dir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(dir);
    }

    static void createKafkaTopics(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            for (String topic : KAFKA_TOPICS) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    LOG.info("Created Kafka topic {}", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
