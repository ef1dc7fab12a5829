package com.athena.tools.ingest;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.market.TradeParser;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON records produced to the real Kafka broker flow through a MiniCluster job and
 * flink-connector-jdbc into the real PostgreSQL; bad records land in the dead-letter table.
 */
@RequiresServices({RealService.KAFKA, RealService.POSTGRES})
class KafkaToPostgresSmokeITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final int GOOD = 50;

    @Test
    void tradesFromKafkaLandInPostgres() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "smoke-trades-" + run;
        String symbol = "SMK" + run.toUpperCase();
        Feeds.createTopics(kafka, 1, topic);

        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }

        List<String> bad = List.of("{not json", "{\"symbol\":\"" + symbol + "\"}", "[]");
        Properties producerProps = kafka.clientProperties();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < GOOD; i++) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                symbol,
                                String.format(
                                        "{\"symbol\":\"%s\",\"ts\":%d,\"price\":%s,\"size\":%s,\"trade_id\":\"t%d\"}",
                                        symbol,
                                        1_385_337_600_000L + i * 1000L,
                                        800.0 + i,
                                        0.5,
                                        i)));
                if (i % 20 == 0) {
                    producer.send(new ProducerRecord<>(topic, symbol, bad.get(i / 20)));
                }
            }
            producer.flush();
        }

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        JdbcExecutionOptions batches =
                JdbcExecutionOptions.builder().withBatchSize(16).withBatchIntervalMs(100).build();
        new TradeIngestJob(
                        KafkaSources.raw(kafka, topic, "smoke-" + run, true),
                        new TradeParser(1e7, 1e9, 86_400_000L),
                        MarketJdbcSinks.trades(postgres, batches),
                        JdbcSinks.deadLetters(postgres, batches))
                .build(env);
        env.execute("smoke-kafka-to-postgres");

        try (Connection c = postgres.open()) {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT trade_id, price, size, extract(epoch from ts)::bigint"
                                    + " FROM trades WHERE symbol = ? ORDER BY ts")) {
                ps.setString(1, symbol);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(
                                rs.getString(1)
                                        + "|"
                                        + rs.getDouble(2)
                                        + "|"
                                        + rs.getDouble(3)
                                        + "|"
                                        + rs.getLong(4));
                    }
                }
            }
            assertThat(rows).hasSize(GOOD);
            assertThat(rows.get(0)).isEqualTo("t0|800.0|0.5|1385337600");
            assertThat(rows.get(GOOD - 1)).isEqualTo("t49|849.0|0.5|1385337649");

            List<String> reasons = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT reason FROM dead_letters WHERE origin LIKE ? ORDER BY origin")) {
                ps.setString(1, topic + "/%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reasons.add(rs.getString(1));
                    }
                }
            }
            assertThat(reasons)
                    .hasSize(3)
                    .anySatisfy(r -> assertThat(r).startsWith("invalid JSON"))
                    .anySatisfy(r -> assertThat(r).isEqualTo("missing ts"))
                    .anySatisfy(r -> assertThat(r).isEqualTo("not a JSON object"));
        }
    }
}
