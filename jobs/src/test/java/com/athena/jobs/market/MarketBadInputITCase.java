package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.flink.NamedSink;
import com.athena.common.json.JsonFields;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.sql.SchemaMigrator;
import com.athena.common.testing.RealService;
import com.athena.common.testing.RequiresServices;
import com.athena.jobs.MiniClusters;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.athena.jobs.market.MarketJobITCase.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile input never fails the market job: every bad record reaches both dead-letter
 * outputs (Kafka and the TimescaleDB table) with its raw payload, source and reason, and every good
 * record interleaved with them still reaches the bars with the right values.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.POSTGRES,
    RealService.TIMESCALEDB
})
class MarketBadInputITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    @Test
    void badRecordsAreDeadLetteredAndGoodOnesStillLand() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        MarketFixture fx = new MarketFixture(UUID.randomUUID().toString().substring(0, 8));
        for (JdbcEndpoint db : List.of(postgres, timescale)) {
            try (Connection c = db.open()) {
                SchemaMigrator.apply(c);
            }
        }

        Map<String, String> bad = new LinkedHashMap<>(MarketFixture.BAD_TRADES);
        bad.put(
                "{\"symbol\":\"X\u0000Y\",\"ts\":" + MarketFixture.T + ",\"price\":1,\"size\":1}",
                "invalid JSON");
        bad.put(
                "{\"symbol\":\"X\",\"ts\":" + MarketFixture.T + ",\"price\":1,\"size\":1}}",
                "invalid JSON");
        bad.put(
                "{\"symbol\":\"X\",\"symbol\":\"Y\",\"ts\":"
                        + MarketFixture.T
                        + ",\"price\":1,\"size\":1}",
                "invalid JSON");

        List<Trade> btc = ExpectedBars.bitstamp(fx.btc, 600);
        List<Trade> eth = fx.syntheticTrades(fx.eth, btc);
        fx.produceTrades(kafka, btc, eth, bad);
        fx.publishSnapshots(pubsub, List.of(), MarketFixture.BAD_SNAPSHOTS);

        Configuration config = fx.config();
        config.set(MarketSettings.TIMEFRAMES, "1m,5m");
        MarketSettings settings = new MarketSettings(config);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        "pg-market-data",
                                        JdbcSinks.marketData(
                                                postgres,
                                                CommonOptions.jdbcExecution(config),
                                                fx.run))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        "kafka-dlq", KafkaSinks.deadLetters(kafka, fx.dlqTopic)),
                                new NamedSink<>(
                                        "tsdb-dlq",
                                        JdbcSinks.deadLetters(
                                                timescale, CommonOptions.jdbcExecution(config)),
                                        1)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(500);
        new MarketJob(fx.sources(kafka, pubsub, settings), sinks, settings).build(env);
        JobClient job = env.executeAsync("market-bad-input-it");

        int badCount = bad.size() + MarketFixture.BAD_SNAPSHOTS.size();
        int expectedRows = 0;
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
            expectedRows += ExpectedBars.of(btc, tf).size() + ExpectedBars.of(eth, tf).size();
        }
        int rows = expectedRows;
        List<String> fromKafka;
        try {
            waitFor("PostgreSQL rows", () -> fx.count(postgres, "market_data") == rows);
            fromKafka = fx.readDeadLetters(kafka, badCount);
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState())
                    .as("the job keeps running")
                    .isFalse();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        // Every bad record in Kafka, with the payload as received, its source and a reason.
        Map<String, String> kafkaReasons = new HashMap<>();
        for (String value : fromKafka) {
            JsonNode node = JsonFields.MAPPER.readTree(value);
            assertThat(node.get("source").asText())
                    .isIn(MarketNames.DLQ_TRADES, MarketNames.DLQ_SNAPSHOTS);
            assertThat(node.get("origin").asText())
                    .matches("(" + fx.tradesTopic + "/\\d@\\d+|" + fx.subscription + "@.+)");
            kafkaReasons.put(node.get("payload").asText(), node.get("reason").asText());
        }
        Map<String, String> expected = new LinkedHashMap<>(bad);
        expected.putAll(MarketFixture.BAD_SNAPSHOTS);
        assertThat(kafkaReasons.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (payload, reason) ->
                        assertThat(kafkaReasons.get(payload)).as(payload).startsWith(reason));

        // The same dead letters, once each, in the TimescaleDB table.
        Map<String, String> tableReasons = new HashMap<>();
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT payload, reason FROM dead_letters WHERE origin LIKE ? OR origin LIKE ?")) {
            ps.setString(1, fx.tradesTopic + "/%");
            ps.setString(2, fx.subscription + "@%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // PostgreSQL text cannot hold NUL: the sink stores U+FFFD instead.
                    tableReasons.put(rs.getString(1).replace('\uFFFD', '\0'), rs.getString(2));
                }
            }
        }
        assertThat(tableReasons).isEqualTo(kafkaReasons);

        // And the good records landed with the right values.
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
            assertThat(fx.readBars(postgres, fx.btc, tf)).isEqualTo(ExpectedBars.of(btc, tf));
            assertThat(fx.readBars(postgres, fx.eth, tf)).isEqualTo(ExpectedBars.of(eth, tf));
        }
    }
}
