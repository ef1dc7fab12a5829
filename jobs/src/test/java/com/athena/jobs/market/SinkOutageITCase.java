package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.testing.Commands;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.athena.jobs.market.MarketJobITCase.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sinks that go away mid-stream: while Bitstamp trades trickle through the market job, PostgreSQL
 * is stopped for 20 s and started again ({@code bin/services down|up postgres}), then the same is
 * done to the Firestore emulator. The job fails its sink writes, restarts from its last checkpoint
 * per the fixed-delay restart strategy, and ends with exactly the rows of a run without the outage:
 * every {@code market_data} row equal to the direct computation over all trades, none missing, none
 * doubled, and the Firestore market view of the last bar.
 *
 * <p>The emulator keeps documents in memory only, so its restart empties it (real Firestore never
 * does); the market view is one document per symbol rewritten at every bar, so the bars after the
 * restart write it again.
 */
@RequiresServices({
    RealService.KAFKA,
    RealService.POSTGRES,
    RealService.FIRESTORE,
    RealService.TIMESCALEDB
})
class SinkOutageITCase {
    private static final Logger LOG = LoggerFactory.getLogger(SinkOutageITCase.class);

    static final int TRADES = 3000;
    static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration SERVICE_WAIT = Duration.ofMinutes(3);
    private static final List<Timeframe> TIMEFRAMES = List.of(Timeframe.M1, Timeframe.M5);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    @Test
    void jobRidesOutPostgresAndFirestoreOutages() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
        try (Connection c = postgres.open()) {
            TestSchema.apply(c);
        }
        MarketFixture fx = new MarketFixture(UUID.randomUUID().toString().substring(0, 8));
        // One partition keeps the trades in time order, as one exchange feed is.
        Feeds.createTopics(kafka, 1, fx.tradesTopic);
        List<Trade> trades = ExpectedBars.bitstamp(fx.btc, TRADES);
        Trade last = trades.get(trades.size() - 1);
        // A trade a day later closes every bar of the run (its own bar stays open).
        Trade closer =
                new Trade(fx.btc, last.ts + 86_400_000L, last.price, 0.01, "closer", "bitstamp");

        Configuration config = fx.config();
        config.set(MarketOptions.TIMEFRAMES, "1m,5m");
        config.set(MarketOptions.CONDITIONS_TIMEFRAME, "1m");
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        MarketSettings settings = new MarketSettings(config);
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(
                                                kafka, fx.tradesTopic, "it-" + fx.run, false),
                                        TypeInformation.of(RawRecord.class)),
                                settings.tradeParser::parse,
                                MarketNames.DLQ_TRADES),
                        null,
                        null);
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
                        List.of(
                                NamedSink.of(
                                        "firestore-conditions",
                                        new FirestoreSink<>(
                                                firestore, new MarketConditionsDocuments()))),
                        List.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(1000);
        new MarketJob(sources, sinks, settings).build(env);
        JobClient job = env.executeAsync("market-sink-outage-it");
        long started = System.nanoTime();

        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean outagesDone = new AtomicBoolean();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(
                        () -> produce(kafka, fx.tradesTopic, trades, sent, outagesDone));
        String faults;
        long restarts;
        try {
            waitFor("first rows", () -> fx.count(postgres, "market_data") > 10);

            int before = sent.get();
            outage("postgres");
            int duringPostgres = sent.get() - before;
            waitFor("rows after PostgreSQL is back", () -> fx.count(postgres, "market_data") > 40);

            before = sent.get();
            outage("firestore");
            int duringFirestore = sent.get() - before;
            assertThat(sent.get()).as("still producing after both outages").isLessThan(TRADES);
            outagesDone.set(true);
            faults =
                    String.format(
                            "PostgreSQL stopped %d s (%d trades sent meanwhile), then the Firestore emulator stopped %d s (%d trades)",
                            OUTAGE.toSeconds(),
                            duringPostgres,
                            OUTAGE.toSeconds(),
                            duringFirestore);
            LOG.info("Outages done: {}", faults);

            producing.get(SERVICE_WAIT.toSeconds(), TimeUnit.SECONDS);
            produce(kafka, fx.tradesTopic, List.of(closer), sent, outagesDone);

            long expectedRows = 0;
            for (Timeframe tf : TIMEFRAMES) {
                expectedRows += ExpectedBars.of(trades, tf).size();
            }
            long rows = expectedRows;
            waitFor("every bar in PostgreSQL", () -> fx.count(postgres, "market_data") >= rows);
            List<MarketBar> minutes = ExpectedBars.of(trades, Timeframe.M1);
            long lastClose = minutes.get(minutes.size() - 1).bar.openTime + 60_000L;
            try (Firestore fs = firestore.open()) {
                waitFor(
                        "the Firestore market view of the last bar",
                        () -> {
                            DocumentSnapshot doc = MarketFixture.marketView(fs, fx.btc);
                            return doc != null
                                    && Long.valueOf(lastClose).equals(doc.getLong("event_time"));
                        });
            }
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            restarts = MiniClusters.restarts(REPORTER, job.getJobID());
        } finally {
            producing.cancel(true);
            job.cancel().get(60, TimeUnit.SECONDS);
            // Whatever happened, leave the services up for the tests after this one.
            ensureUp("postgres");
            ensureUp("firestore");
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        long lost = 0;
        long doubled = 0;
        for (Timeframe tf : TIMEFRAMES) {
            List<MarketBar> expected = ExpectedBars.of(trades, tf);
            List<MarketBar> actual = fx.readBars(postgres, fx.btc, tf);
            lost += expected.stream().filter(b -> !actual.contains(b)).count();
            doubled += Math.max(0, actual.size() - expected.size());
        }
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "sink-outage",
                        String.format("%,d Bitstamp trades trickled over %d s", TRADES, seconds),
                        faults + "; job restarts: " + restarts,
                        0,
                        lost,
                        doubled,
                        "Every `market_data` row (1m and 5m bars with indicators) equals the direct"
                                + " computation over all trades; the Firestore market view is the"
                                + " one of the last bar."));

        assertThat(restarts)
                .as("the outages made the job restart from its checkpoints")
                .isPositive();
        for (Timeframe tf : TIMEFRAMES) {
            assertThat(fx.readBars(postgres, fx.btc, tf))
                    .as("market_data %s", tf)
                    .isEqualTo(ExpectedBars.of(trades, tf));
        }
        MarketBar lastBar =
                ExpectedBars.of(trades, Timeframe.M1)
                        .get(ExpectedBars.of(trades, Timeframe.M1).size() - 1);
        try (Firestore fs = firestore.open()) {
            DocumentSnapshot doc = MarketFixture.marketView(fs, fx.btc);
            assertThat(doc.getString("timeframe")).isEqualTo("1m");
            assertThat(doc.getString("conditions.trend.direction"))
                    .isEqualTo(
                            switch (lastBar.indicators.trendDirection) {
                                case UP -> "upward";
                                case DOWN -> "downward";
                                case SIDEWAYS -> "sideways";
                            });
            assertThat(doc.getString("conditions.volatility.level"))
                    .isEqualTo(lastBar.indicators.volatilityRegime.label());
        }
    }

    /** Stops the service, keeps it down for {@link #OUTAGE}, starts it again. */
    private static void outage(String service) throws Exception {
        Commands.Result down =
                Commands.run(SERVICE_WAIT, Map.of(), "bin/services", "down", service);
        assertThat(down.exit()).as("bin/services down %s:\n%s", service, down.output()).isZero();
        long start = System.nanoTime();
        LOG.info("{} stopped; starting it again in {}", service, OUTAGE);
        TimeUnit.NANOSECONDS.sleep(OUTAGE.toNanos());
        ensureUp(service);
        LOG.info("{} back after {} ms", service, (System.nanoTime() - start) / 1_000_000);
    }

    private static void ensureUp(String service) throws Exception {
        Commands.Result up = Commands.run(SERVICE_WAIT, Map.of(), "bin/services", "up", service);
        assertThat(up.exit()).as("bin/services up %s:\n%s", service, up.output()).isZero();
    }

    /**
     * The first fifth at once, then about 10 trades a second until the outages are over (enough for
     * four minutes of outages), the rest at once: the outages fall mid-stream however long a
     * service takes to stop and start.
     */
    private static void produce(
            KafkaEndpoint kafka,
            String topic,
            List<Trade> trades,
            AtomicInteger sent,
            AtomicBoolean outagesDone) {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (Trade t : trades) {
                producer.send(new ProducerRecord<>(topic, t.symbol, MarketFixture.json(t)));
                int n = sent.incrementAndGet();
                if (n > TRADES / 5 && n % 5 == 0 && !outagesDone.get()) {
                    producer.flush();
                    Thread.sleep(500);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
