package com.athena.jobs.security;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code KAFKA_PROPERTY_*} client properties reach the admin client, the Kafka sink and the Kafka
 * source: with {@code KAFKA_PROPERTY_SECURITY_PROTOCOL=SSL} and a PEM truststore of the local CA, a
 * job writes dead letters through the broker's TLS listener and another job reads them back; a
 * truststore without that CA is refused.
 */
@RequiresServices(RealService.KAFKA)
class KafkaTlsITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final String HINT =
            " is not set: `bin/services up kafka` starts the broker with a TLS listener and"
                    + " exports it into target/services.env";

    @Test
    void produceAndConsumeOverTls(@TempDir Path noEnvFile) throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        String tlsServers = services.get("KAFKA_SSL_BOOTSTRAP_SERVERS").orElse(null);
        String ca = services.get("TLS_CA_FILE").orElse(null);
        assertThat(tlsServers).as("KAFKA_SSL_BOOTSTRAP_SERVERS" + HINT).isNotNull();
        assertThat(ca).as("TLS_CA_FILE" + HINT).isNotNull();
        KafkaEndpoint kafka = tlsEndpoint(tlsServers, ca, noEnvFile);
        assertThat(kafka.properties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", ca);

        String topic = "tls-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<DeadLetter> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(
                    new DeadLetter(
                            "tls-it", topic + "@" + i, 1_700_000_000_000L + i, "r" + i, "p" + i));
        }
        StreamExecutionEnvironment out = StreamExecutionEnvironment.getExecutionEnvironment();
        out.fromData(sent, TypeInformation.of(DeadLetter.class))
                .uid("dead-letters")
                .name("dead-letters")
                .sinkTo(KafkaSinks.deadLetters(kafka, topic))
                .uid("tls-sink")
                .name("tls-sink");
        out.execute("kafka-tls-produce-it");

        StreamExecutionEnvironment in = StreamExecutionEnvironment.getExecutionEnvironment();
        Map<String, String> received = new HashMap<>();
        try (CloseableIterator<RawRecord> records =
                in.fromSource(
                                KafkaSources.raw(kafka, topic, "tls-it-" + topic, true),
                                WatermarkStrategy.noWatermarks(),
                                "tls-source",
                                TypeInformation.of(RawRecord.class))
                        .uid("tls-source")
                        .executeAndCollect("kafka-tls-consume-it")) {
            while (records.hasNext()) {
                var node = JsonFields.MAPPER.readTree(records.next().payload);
                received.put(node.get("origin").asText(), node.get("payload").asText());
            }
        }
        Map<String, String> expected = new HashMap<>();
        sent.forEach(d -> expected.put(d.origin, d.payload));
        assertThat(received).isEqualTo(expected);
    }

    @Test
    void aTruststoreWithoutTheLocalCaIsRefused() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        String tlsServers = services.get("KAFKA_SSL_BOOTSTRAP_SERVERS").orElse(null);
        assertThat(tlsServers).as("KAFKA_SSL_BOOTSTRAP_SERVERS" + HINT).isNotNull();
        // The JDK's own CA certificates: real CAs, none of which signed the local broker.
        KafkaEndpoint kafka =
                new KafkaEndpoint(
                        tlsServers,
                        Map.of(
                                "security.protocol", "SSL",
                                "default.api.timeout.ms", "10000",
                                "request.timeout.ms", "5000"));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    /** The endpoint as environment variables configure it (no env file in the way). */
    private static KafkaEndpoint tlsEndpoint(String servers, String ca, Path noEnvFile) {
        return KafkaEndpoint.from(
                ServiceEnvironment.load(
                        Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                servers,
                                "KAFKA_PROPERTY_SECURITY_PROTOCOL",
                                "SSL",
                                "KAFKA_PROPERTY_SSL_TRUSTSTORE_TYPE",
                                "PEM",
                                "KAFKA_PROPERTY_SSL_TRUSTSTORE_LOCATION",
                                ca),
                        noEnvFile));
    }
}
