package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSinks;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.reliability.BadInputCorpus;
import com.athena.testing.ExpectedBars;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.athena.jobs.market.MarketJobITCase.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile input never fails the market job. The generated {@link BadInputCorpus}
 * (thousands of records of every kind, plus repeated trade ids) is interleaved with real Bitstamp
 * trades on Kafka and with snapshots on Pub/Sub. Asserted: the job runs on without a restart; every
 * bad record reaches both dead-letter outputs (Kafka and the TimescaleDB table) with its payload,
 * source and reason; the good trades still give exactly the expected bars; the metrics count every
 * rejection. The figures go to the {@link ReliabilityReport}.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.POSTGRES,
    RealService.TIMESCALEDB
})
class MarketBadInputITCase {
    static final int BAD_TRADES = 4000;
    static final int BAD_SNAPSHOTS = 1500;
    static final int DUPLICATE_TRADES = 200;
    static final int GOOD_TRADES_PER_SYMBOL = 1500;

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

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
                TestSchema.apply(c);
            }
        }

        List<Trade> btc = ExpectedBars.bitstamp(fx.btc, GOOD_TRADES_PER_SYMBOL);
        List<Trade> eth = fx.syntheticTrades(fx.eth, btc);

        // The bad trades: the hand-written ones, the generated corpus, then repeats of good trades.
        List<BadInputCorpus.Bad> badTrades = new ArrayList<>();
        MarketFixture.BAD_TRADES.forEach(
                (payload, reason) ->
                        badTrades.add(new BadInputCorpus.Bad("hand-written", payload, reason)));
        badTrades.add(
                new BadInputCorpus.Bad(
                        "control-characters",
                        "{\"symbol\":\"X\u0000Y\",\"ts\":"
                                + MarketFixture.T
                                + ",\"price\":1,\"size\":1}",
                        "invalid JSON"));
        badTrades.addAll(BadInputCorpus.trades(BAD_TRADES, 11));
        // Replays of recent trades (two indexes back, within market.dedup.horizon), each trade
        // at most once: a third copy of a trade gives the same dead letter as the second.
        List<Integer> picks = new ArrayList<>();
        for (int i = 2; i < btc.size(); i++) {
            picks.add(i);
        }
        Collections.shuffle(picks, new Random(12));
        Map<Integer, Trade> repeats = new HashMap<>();
        for (int i = 0; i < DUPLICATE_TRADES; i++) {
            int at = picks.get(i);
            Trade t = (i % 2 == 0 ? btc : eth).get(at - 2);
            repeats.put(at, t);
            badTrades.add(
                    new BadInputCorpus.Bad(
                            "duplicate-id",
                            MarketFixture.json(t),
                            "duplicate trade_id " + t.tradeId + ": already counted",
                            DeduplicateTrades.json(t)));
        }
        List<BadInputCorpus.Bad> badSnapshots = new ArrayList<>();
        MarketFixture.BAD_SNAPSHOTS.forEach(
                (payload, reason) ->
                        badSnapshots.add(new BadInputCorpus.Bad("hand-written", payload, reason)));
        badSnapshots.addAll(BadInputCorpus.snapshots(BAD_SNAPSHOTS, 13));

        List<BadInputCorpus.Bad> malformed =
                badTrades.stream().filter(b -> !b.kind().equals("duplicate-id")).toList();
        fx.produceTrades(kafka, btc, eth, payloads(malformed), repeats);
        fx.publishSnapshots(pubsub, MarketFixture.SNAPSHOTS, payloads(badSnapshots));

        Configuration config = fx.config();
        config.set(MarketOptions.TIMEFRAMES, "1m,5m");
        MarketSettings settings = new MarketSettings(config);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        "pg-market-data",
                                        MarketJdbcSinks.marketData(
                                                postgres,
                                                CommonOptions.jdbcExecution(config),
                                                fx.run))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        "kafka-dlq", KafkaSinks.deadLetters(kafka, fx.dlqTopic)),
                                NamedSink.of(
                                        "tsdb-dlq",
                                        JdbcSinks.deadLetters(
                                                timescale, CommonOptions.jdbcExecution(config)))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(500);
        new MarketJob(fx.sources(kafka, pubsub, settings), sinks, settings).build(env);
        long started = System.nanoTime();
        JobClient job = env.executeAsync("market-bad-input-it");

        int badCount = badTrades.size() + badSnapshots.size();
        int expectedRows = 0;
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
            expectedRows += ExpectedBars.of(btc, tf).size() + ExpectedBars.of(eth, tf).size();
        }
        int rows = expectedRows;
        List<String> fromKafka;
        long restarts;
        try {
            waitFor("PostgreSQL rows", () -> fx.count(postgres, "market_data") == rows);
            fromKafka = fx.readDeadLetters(kafka, badCount);
            waitFor(
                    "the metrics to count every rejection",
                    () ->
                            rejected(job, MarketNames.PARSE_TRADES)
                                            == badTrades.size() - DUPLICATE_TRADES
                                    && rejected(job, MarketNames.PARSE_SNAPSHOTS)
                                            == badSnapshots.size()
                                    && MiniClusters.counter(
                                                    REPORTER,
                                                    job.getJobID(),
                                                    MarketNames.DEDUP_TRADES,
                                                    DeduplicateTrades.METRIC_DUPLICATES)
                                            == DUPLICATE_TRADES);
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS))
                    .as("the job keeps running")
                    .isEqualTo(JobStatus.RUNNING);
            restarts = MiniClusters.restarts(REPORTER, job.getJobID());
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        // Every bad record in Kafka, with the payload as received, its source and a reason.
        List<BadInputCorpus.Bad> all = new ArrayList<>(badTrades);
        all.addAll(badSnapshots);
        List<String[]> kafkaLetters = new ArrayList<>();
        for (String value : fromKafka) {
            JsonNode node = JsonFields.MAPPER.readTree(value);
            assertThat(node.get("source").asText())
                    .isIn(
                            MarketNames.DLQ_TRADES,
                            MarketNames.DLQ_SNAPSHOTS,
                            MarketNames.DLQ_DUPLICATE_TRADES);
            assertThat(node.get("origin").asText())
                    .matches(
                            "("
                                    + fx.tradesTopic
                                    + "/\\d@\\d+|"
                                    + fx.subscription
                                    + "@.+|("
                                    + fx.btc
                                    + "|"
                                    + fx.eth
                                    + "):\\d+)");
            kafkaLetters.add(
                    new String[] {node.get("payload").asText(), node.get("reason").asText()});
        }
        List<BadInputCorpus.Bad> missingInKafka =
                BadInputCorpus.unmatched(all, kafkaLetters, false);

        // The same dead letters, once each, in the TimescaleDB table.
        List<String[]> tableLetters = new ArrayList<>();
        try (Connection c = timescale.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT payload, reason FROM dead_letters"
                                        + " WHERE origin LIKE ? OR origin LIKE ? OR origin LIKE ? OR origin LIKE ?")) {
            ps.setString(1, fx.tradesTopic + "/%");
            ps.setString(2, fx.subscription + "@%");
            ps.setString(3, fx.btc + ":%");
            ps.setString(4, fx.eth + ":%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tableLetters.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        List<BadInputCorpus.Bad> missingInTable = BadInputCorpus.unmatched(all, tableLetters, true);

        // And the good records landed with the right values.
        long lostBars = 0;
        long extraBars = 0;
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
            for (List<Trade> trades : List.of(btc, eth)) {
                List<MarketBar> expected = ExpectedBars.of(trades, tf);
                List<MarketBar> actual = fx.readBars(postgres, trades.get(0).symbol, tf);
                lostBars += expected.stream().filter(b -> !actual.contains(b)).count();
                extraBars += Math.max(0, actual.size() - expected.size());
            }
        }

        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "bad-input-market",
                        String.format(
                                "%,d good trades (2 symbols) + %d snapshots, %d s",
                                btc.size() + eth.size(), MarketFixture.SNAPSHOTS.size(), seconds),
                        "none (hostile input only); restarts: " + restarts,
                        badCount,
                        missingInKafka.size() + missingInTable.size() + lostBars,
                        Math.max(0, fromKafka.size() - badCount)
                                + Math.max(0, tableLetters.size() - badCount)
                                + extraBars,
                        kindsTable(badTrades, badSnapshots)));

        assertThat(restarts).as("job restarts").isZero();
        assertThat(missingInKafka).as("bad records missing from the Kafka dead letters").isEmpty();
        assertThat(fromKafka).hasSize(badCount);
        assertThat(missingInTable).as("bad records missing from the dead_letters table").isEmpty();
        assertThat(tableLetters).hasSize(badCount);
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5)) {
            assertThat(fx.readBars(postgres, fx.btc, tf)).isEqualTo(ExpectedBars.of(btc, tf));
            assertThat(fx.readBars(postgres, fx.eth, tf)).isEqualTo(ExpectedBars.of(eth, tf));
        }
    }

    private static long rejected(JobClient job, String operator) {
        return MiniClusters.counter(
                REPORTER, job.getJobID(), operator, ParseOrDeadLetter.METRIC_DEAD_LETTERS);
    }

    private static List<String> payloads(List<BadInputCorpus.Bad> bad) {
        return bad.stream().map(BadInputCorpus.Bad::payload).toList();
    }

    private static String kindsTable(
            List<BadInputCorpus.Bad> trades, List<BadInputCorpus.Bad> snapshots) {
        Map<String, List<BadInputCorpus.Bad>> byInput = new LinkedHashMap<>();
        byInput.put("Kafka market.trades", trades);
        byInput.put("Pub/Sub market-snapshots", snapshots);
        return BadInputCorpus.kindsTable(byInput);
    }
}
