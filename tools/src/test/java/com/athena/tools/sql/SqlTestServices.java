package com.athena.tools.sql;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.testing.Feeds;
import com.athena.testing.TestSchema;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What one test run of {@code sql/flink} owns on the real services: Kafka topics and a PostgreSQL
 * schema holding the project's migrations, all named after the run and removed at the end.
 */
final class SqlTestServices implements AutoCloseable {
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final ServiceEnvironment services = ServiceEnvironment.load();
    final KafkaEndpoint kafka = KafkaEndpoint.from(services);
    final JdbcEndpoint postgres;
    final String schema = "flinksql_" + run;
    final Map<String, String> topics = new HashMap<>();
    private final TimeZone zone = TimeZone.getDefault();

    SqlTestServices() throws Exception {
        // flink-connector-jdbc reads TIMESTAMPTZ in the JVM's zone (sql/flink/20_jdbc_tables.sql),
        // so the engine runs in UTC, as bin/sql and the cluster images do.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        JdbcEndpoint base = JdbcEndpoint.postgres(services);
        try (Connection c = base.open();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = base.url();
        postgres =
                new JdbcEndpoint(
                        url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                        base.user(),
                        services.get("POSTGRES_PASSWORD", ""));
        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }
    }

    /** Creates one single-partition topic per variable, named after the run. */
    void createTopics(String... variables) throws Exception {
        List<String> names = new ArrayList<>();
        for (String variable : variables) {
            String name = "flinksql-" + variable.toLowerCase().replace('_', '-') + "-" + run;
            topics.put(variable, name);
            names.add(name);
        }
        Feeds.createTopics(kafka, 1, names.toArray(new String[0]));
    }

    /** Sends the values in order, keyed as the jobs key them, and waits until all are written. */
    void produce(String variable, String key, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topics.get(variable), key, value));
            }
            producer.flush();
        }
    }

    /** The placeholders' values: this run's topics and schema, then the services env. */
    Function<String, Optional<String>> variables() {
        Map<String, String> explicit = new HashMap<>(topics);
        explicit.put(SqlScriptsMain.JDBC_URL, postgres.url());
        return SqlScriptsMain.variables(services, explicit, "postgres");
    }

    Connection jdbc() throws Exception {
        return postgres.open();
    }

    @Override
    public void close() throws Exception {
        try {
            try (Connection c = JdbcEndpoint.postgres(services).open();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            if (!topics.isEmpty()) {
                try (AdminClient admin = AdminClient.create(kafka.clientProperties())) {
                    admin.deleteTopics(topics.values()).all().get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            TimeZone.setDefault(zone);
        }
    }
}
