package com.athena.tools.setup;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.sql.SchemaMigrator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final int ACK_DEADLINE_SECONDS = 60;

    private SetupMain() {}

    public static void main(String[] args) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        createKafkaTopics(KafkaEndpoint.from(services));
        try (PubSubEndpoint.Clients clients = PubSubEndpoint.from(services).clients()) {
            for (List<String> pair : PUBSUB_SUBSCRIPTIONS) {
                clients.ensureSubscription(pair.get(0), pair.get(1), ACK_DEADLINE_SECONDS);
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

    static void createKafkaTopics(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            for (String topic : KAFKA_TOPICS) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
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
