package com.athena.jobs.market;

import com.athena.common.bigquery.StorageWriteSink;
import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.testing.ExpectedBars;
import com.athena.testing.LocalBigQueryWriteServer;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The market job end to end on the real services: real Bitstamp trades through the Kafka broker and
 * snapshots through the Pub/Sub emulator, into PostgreSQL and TimescaleDB (rows), the Firestore
 * emulator (the market view document) and the local BigQuery Storage Write API (the rows committed
 * through Google's write client); bad records into the dead-letter outputs.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.FIRESTORE,
    RealService.POSTGRES,
    RealService.TIMESCALEDB
})
class MarketJobITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final List<Timeframe> TIMEFRAMES =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1);

    @Test
    void tradesAndSnapshotsReachEverySink() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
        MarketFixture fx = new MarketFixture(UUID.randomUUID().toString().substring(0, 8));

        for (JdbcEndpoint db : List.of(postgres, timescale)) {
            try (Connection c = db.open()) {
                TestSchema.apply(c);
            }
        }
        List<Trade> btc = ExpectedBars.bitstamp(fx.btc, 4000);
        List<Trade> eth = fx.syntheticTrades(fx.eth, btc);
        fx.produceTrades(kafka, btc, eth, List.copyOf(MarketFixture.BAD_TRADES.keySet()));
        fx.publishSnapshots(
                pubsub, MarketFixture.SNAPSHOTS, List.copyOf(MarketFixture.BAD_SNAPSHOTS.keySet()));

        try (LocalBigQueryWriteServer bigquery = LocalBigQueryWriteServer.start()) {
            bigquery.defineTablesFromDdl(
                    "athena-local",
                    "athena_agent",
                    Path.of("../sql/bigquery"),
                    MarketBarRows.TABLE,
                    MarketSnapshotRows.TABLE);
            var bq = bigquery.endpoint("athena-local", "athena_agent");
            Configuration config = fx.config();
            config.set(MarketOptions.TIMEFRAMES, "1m,5m,1h");
            config.set(MarketOptions.CONDITIONS_TIMEFRAME, "1m");
            MarketSettings settings = new MarketSettings(config);
            MarketJob.Sinks sinks =
                    new MarketJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            "pg-market-data",
                                            MarketJdbcSinks.marketData(
                                                    postgres,
                                                    CommonOptions.jdbcExecution(config),
                                                    fx.run)),
                                    NamedSink.of(
                                            "tsdb-market-data",
                                            MarketJdbcSinks.marketData(
                                                    timescale,
                                                    CommonOptions.jdbcExecution(config),
                                                    fx.run)),
                                    NamedSink.of(
                                            "bq-indicators",
                                            StorageWriteSink.builder(bq, new MarketBarRows())
                                                    .build())),
                            List.of(
                                    NamedSink.of(
                                            "bq-snapshots",
                                            StorageWriteSink.builder(bq, new MarketSnapshotRows())
                                                    .build())),
                            List.of(
                                    NamedSink.of(
                                            "firestore-conditions",
                                            new FirestoreSink<>(
                                                    firestore, new MarketConditionsDocuments()))),
                            List.of(
                                    NamedSink.of(
                                            "kafka-dlq",
                                            KafkaSinks.deadLetters(kafka, fx.dlqTopic)),
                                    NamedSink.of(
                                            "pg-dlq",
                                            JdbcSinks.deadLetters(
                                                    postgres,
                                                    CommonOptions.jdbcExecution(config)))));

            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.enableCheckpointing(500);
            new MarketJob(fx.sources(kafka, pubsub, settings), sinks, settings).build(env);
            JobClient job = env.executeAsync("market-it");

            int expectedRows = 0;
            for (Timeframe tf : TIMEFRAMES) {
                expectedRows += ExpectedBars.of(btc, tf).size() + ExpectedBars.of(eth, tf).size();
            }
            int rows = expectedRows;
            try {
                // The Pub/Sub source never ends: wait for the outputs, then cancel.
                waitFor("PostgreSQL rows", () -> fx.count(postgres, "market_data") == rows);
                waitFor(
                        "BigQuery indicator rows",
                        () ->
                                bigquery.committedRows("market_indicators").stream()
                                                .filter(r -> fx.mine(r.get("symbol")))
                                                .count()
                                        == rows);
                waitFor(
                        "BigQuery snapshot rows",
                        () ->
                                bigquery.committedRows("market_data").size()
                                        == MarketFixture.SNAPSHOTS.size());
                waitFor(
                        "dead letters",
                        () ->
                                fx.deadLetterCount(postgres)
                                        == MarketFixture.BAD_TRADES.size()
                                                + MarketFixture.BAD_SNAPSHOTS.size());
                try (Firestore fs = firestore.open()) {
                    long lastClose = btc.get(btc.size() - 1).ts / 60_000 * 60_000 + 60_000;
                    waitFor(
                            "Firestore market view",
                            () -> {
                                DocumentSnapshot doc = MarketFixture.marketView(fs, fx.btc);
                                return doc != null
                                        && Long.valueOf(lastClose).equals(doc.getLong("event_time"))
                                        && Long.valueOf(12)
                                                .equals(
                                                        doc.get(
                                                                "conditions.sentiment.fear_greed_index",
                                                                Long.class));
                            });
                }
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
                waitFor("job cancelled", () -> status(job).isTerminalState());
            }

            for (Timeframe tf : TIMEFRAMES) {
                for (List<Trade> trades : List.of(btc, eth)) {
                    List<MarketBar> expected = ExpectedBars.of(trades, tf);
                    assertThat(fx.readBars(postgres, trades.get(0).symbol, tf))
                            .as("PostgreSQL %s %s", trades.get(0).symbol, tf)
                            .isEqualTo(expected);
                    assertThat(fx.readBars(timescale, trades.get(0).symbol, tf))
                            .as("TimescaleDB %s %s", trades.get(0).symbol, tf)
                            .isEqualTo(expected);
                }
            }

            List<MarketBar> btc1m = ExpectedBars.of(btc, Timeframe.M1);
            MarketBar last = btc1m.get(btc1m.size() - 1);
            List<Map<String, Object>> bqRows =
                    bigquery.committedRows("market_indicators").stream()
                            .filter(
                                    r ->
                                            fx.btc.equals(r.get("symbol"))
                                                    && "1m".equals(r.get("timeframe"))
                                                    && Long.valueOf(last.bar.openTime * 1000)
                                                            .equals(r.get("timestamp")))
                            .collect(Collectors.toList());
            // Committed exactly once (TIMESTAMP in epoch microseconds, as the proto carries it).
            assertThat(bqRows).hasSize(1);
            Map<String, Object> bqRow = bqRows.get(0);
            assertThat(bqRow).containsEntry("symbol", fx.btc).containsEntry("timeframe", "1m");
            assertThat(((Number) bqRow.get("close")).doubleValue()).isEqualTo(last.bar.close);
            assertThat(((Number) bqRow.get("ema_21")).doubleValue())
                    .isEqualTo(last.indicators.ema21);
            assertThat(bqRow.get("volatility_regime"))
                    .isEqualTo(last.indicators.volatilityRegime.label());
            assertThat(bigquery.committedRows("market_data"))
                    .extracting(r -> ((Number) r.get("fear_greed_index")).intValue())
                    .containsExactlyInAnyOrder(45, 30, 12);

            try (Firestore fs = firestore.open()) {
                DocumentSnapshot doc =
                        fs.collection("agent_data_market_conditions")
                                .document(fx.btc)
                                .get()
                                .get(30, TimeUnit.SECONDS);
                assertThat(doc.getString("timeframe")).isEqualTo("1m");
                // The newest snapshot by event time wins, whatever order Pub/Sub delivered them in.
                assertThat(doc.get("conditions.sentiment.fear_greed_index", Long.class))
                        .isEqualTo(12L);
                assertThat(doc.getString("conditions.sentiment.level")).isEqualTo("extreme_fear");
                assertThat(doc.getString("conditions.volatility.level"))
                        .isEqualTo(last.indicators.volatilityRegime.label());
                assertThat(doc.getString("conditions.trend.direction"))
                        .isEqualTo(
                                switch (last.indicators.trendDirection) {
                                    case UP -> "upward";
                                    case DOWN -> "downward";
                                    case SIDEWAYS -> "sideways";
                                });
            }

            List<String> kafkaDeadLetters =
                    fx.readDeadLetters(
                            kafka,
                            MarketFixture.BAD_TRADES.size() + MarketFixture.BAD_SNAPSHOTS.size());
            assertThat(kafkaDeadLetters)
                    .hasSize(MarketFixture.BAD_TRADES.size() + MarketFixture.BAD_SNAPSHOTS.size());
            List<String> reasons = fx.deadLetterReasons(postgres);
            assertThat(reasons).hasSize(MarketFixture.expectedReasons().size());
            for (String expected : MarketFixture.expectedReasons()) {
                assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith(expected));
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

    static void waitFor(String what, BooleanSupplier condition) throws Exception {
        Waits.until(what, WAIT, condition::getAsBoolean);
    }
}
