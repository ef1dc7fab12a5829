package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.MarketConditionsRules;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.sql.SchemaMigrator;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.jobs.market.ExpectedBars;
import com.athena.jobs.market.MarketConditionsDocuments;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.treasury.TreasuryDocuments;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryRow;
import com.athena.jobs.treasury.TreasurySettings;
import com.athena.testing.CollectSink;
import com.athena.testing.Commands;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.Waits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * TaskManager killed mid-stream: on the real standalone cluster ({@code bin/cluster}: one
 * JobManager, two TaskManagers of two slots) the market job and the treasury job run from the
 * shaded jar while they are fed (Bitstamp trades through Kafka; cost events through the Pub/Sub
 * emulator and balance events through Kafka). Once both have completed a checkpoint, and while
 * input still flows, the TaskManager that runs tasks of both jobs is killed with {@code kill -9}
 * and started again with {@code bin/cluster up}. Both jobs must restore from their checkpoints and
 * end with exactly the outputs of a run without the fault: the PostgreSQL rows and Firestore
 * documents of the market job equal the direct computation ({@link ExpectedBars}); those of the
 * treasury job equal a reference run of the same {@link TreasuryJob} graph over the same events in
 * this JVM. Records lost and duplicates are counted, written to the {@link ReliabilityReport}, and
 * must be 0.
 *
 * <p>The treasury works in event time with a watermark bound of one day, so the feed is shaped such
 * that no event can reach the job after the watermark passed it, with or without the fault (a late
 * event is applied differently, by design, and would make the comparison meaningless): the first
 * four days go out in half-day steps, each only once the treasury operator has taken the previous
 * one; the fifth day's morning (half a day) flows while the TaskManager is killed; a last "tick"
 * event a month later, published only once the restarted jobs have taken every redelivered message,
 * moves the watermark past everything.
 */
@RequiresServices({
    RealService.POSTGRES,
    RealService.KAFKA,
    RealService.PUBSUB,
    RealService.FIRESTORE
})
class TaskManagerKillITCase {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerKillITCase.class);

    private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();
    private static final String REST = "http://127.0.0.1:8081";

    /** Prometheus ports of taskmanager-1 and taskmanager-2 (bin/cluster: 9249 + N). */
    private static final List<Integer> TASKMANAGER_METRICS = List.of(9250, 9251);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Runs the treasury reference in this JVM. */
    @RegisterExtension static final MiniClusterExtension REFERENCE = MiniClusters.extension();

    private static final int TRADES = 6000;

    /** Trades sent before the fault window; the rest trickle in around the kill. */
    private static final int TRADES_AT_ONCE = 2000;

    private static final List<Timeframe> TIMEFRAMES =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1);

    /**
     * Four slots in all: the market job takes three, so it has tasks on both TaskManagers, and the
     * treasury job the fourth; whichever TaskManager runs the treasury runs market tasks too.
     */
    private static final int MARKET_PARALLELISM = 3;

    private static final int TREASURY_PARALLELISM = 1;

    /**
     * The cost subscription's ack deadline (Pub/Sub's least). The source acknowledges on completed
     * checkpoints, so what was pulled after the last one comes again at most this long after the
     * pull; the settle wait after the restart is derived from it.
     */
    private static final int ACK_DEADLINE_SECONDS = 10;

    private static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 1);
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    /** One agent of the treasury feed: opening balance, burn estimate and cost per day. */
    private record Profile(String name, double balance, double estimate, double dailyCost) {}

    /**
     * A steady agent, one that drifts into desperate, one that passes the daily cost limit every
     * day (cost-saving mode), and one rescued by a deposit: state changes, so history rows.
     */
    private static final List<Profile> PROFILES =
            List.of(
                    new Profile("steady", 1000.0, 3.0, 3.0),
                    new Profile("lean", 30.0, 3.5, 3.6),
                    new Profile("spender", 500.0, 6.0, 6.5),
                    new Profile("rescued", 12.0, 2.0, 2.1));

    @BeforeAll
    static void clusterUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            Commands.Result up = Commands.run(Duration.ofMinutes(4), Map.of(), "bin/cluster", "up");
            if (up.exit() == 0) {
                return;
            }
            // Another checkout's cluster holds the ports: wait for it to go, never stop it.
            if (!up.output().contains("is taken by another process")
                    || System.nanoTime() > deadline) {
                fail("bin/cluster up:\n" + up.output());
            }
            LOG.warn("The cluster ports are taken by another process; retrying in 10 s");
            TimeUnit.SECONDS.sleep(10);
        }
    }

    @AfterAll
    static void clusterDown() throws Exception {
        Commands.Result down = Commands.run(Duration.ofMinutes(2), Map.of(), "bin/cluster", "down");
        assertThat(down.exit()).as("bin/cluster down:\n%s", down.output()).isZero();
    }

    @Test
    void killNineOfATaskManagerMidStreamLosesAndDoublesNothing() throws Exception {
        long started = System.nanoTime();
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        PubSubEndpoint pubsub = PubSubEndpoint.from(services);
        JdbcEndpoint postgres = JdbcEndpoint.postgres(services);
        FirestoreEndpoint firestore = FirestoreEndpoint.from(services);
        try (Connection c = postgres.open()) {
            SchemaMigrator.apply(c);
        }

        String run = UUID.randomUUID().toString().substring(0, 8);
        String symbol = "BTC-KILL" + run.toUpperCase();
        String tradesTopic = "it.kill.trades." + run;
        String eventsTopic = "it.kill.treasury.events." + run;
        String costsTopic = "it-kill-costs-" + run;
        String costsSub = "it-kill-costs-sub-" + run;
        Feed feed = new Feed("kill-" + run);

        List<Trade> trades = ExpectedBars.bitstamp(symbol, TRADES);
        Trade last = trades.get(trades.size() - 1);
        // A trade a day later closes every bar of the run (its own bar stays open).
        Trade closer =
                new Trade(symbol, last.ts + 86_400_000L, last.price, 0.01, "closer", "bitstamp");

        List<String> marketArgs =
                List.of(
                        "--kafka.trades-topic",
                        tradesTopic,
                        "--kafka.group-id",
                        "it-kill-market-" + run,
                        "--market.dlq-topic",
                        "it.kill.market.dlq." + run,
                        "--market.timeframes",
                        "1m,5m,1h",
                        // Replayed history: no wall-clock watermark advance; the two readers
                        // without a partition must not hold the watermark back.
                        "--market.watermark.quiet-advance-after",
                        "0",
                        "--market.watermark.idleness",
                        "1s",
                        // A subscription of its own, empty: no other run's snapshots.
                        "--pubsub.snapshots-subscription",
                        "it-kill-msnap-sub-" + run,
                        "--pubsub.pull-timeout",
                        "5s",
                        "--sinks.bigquery.enabled",
                        "false",
                        "--sinks.firestore.enabled",
                        "true");
        List<String> treasuryArgs =
                List.of(
                        "--treasury.events-topic",
                        eventsTopic,
                        "--treasury.transitions-topic",
                        "it.kill.transitions." + run,
                        "--treasury.dlq-topic",
                        "it.kill.treasury.dlq." + run,
                        "--treasury.costs-subscription",
                        costsSub,
                        "--treasury.snapshots-subscription",
                        "it-kill-tsnap-sub-" + run,
                        "--kafka.group-id",
                        "it-kill-treasury-" + run,
                        // Event time from 2024: the watermark must not follow the wall clock.
                        "--treasury.watermark.quiet-advance-after",
                        "0",
                        "--treasury.watermark.out-of-orderness",
                        "24h",
                        // The snapshot input stays empty; it must not hold the watermark back.
                        "--treasury.watermark.idleness",
                        "2s",
                        "--pubsub.pull-timeout",
                        "5s",
                        "--sinks.bigquery.enabled",
                        "false",
                        "--sinks.firestore.enabled",
                        "true");

        // The run without the fault: the same graph over the same events, in this JVM.
        Reference reference = Reference.run("ref-" + run, feed.all(), treasuryArgs);
        assertThat(reference.deadLetters()).as("reference dead letters").isEmpty();

        createTopics(
                kafka,
                tradesTopic,
                eventsTopic,
                "it.kill.market.dlq." + run,
                "it.kill.treasury.dlq." + run,
                "it.kill.transitions." + run);
        Path jar = Files.createTempDirectory("athena-kill").resolve("athena-jobs.jar");
        Commands.copyJobJar(jar);
        // The jobs write their tables to "TimescaleDB"; here the process environment points them
        // at PostgreSQL (it overrides target/services.env): the local TimescaleDB is a WASM build
        // that serves one connection at a time, and the market job writes from three subtasks.
        Map<String, String> cliEnv =
                Map.of(
                        "TIMESCALEDB_JDBC_URL", services.get("POSTGRES_JDBC_URL").orElseThrow(),
                        "TIMESCALEDB_USER", services.get("POSTGRES_USER").orElseThrow(),
                        "TIMESCALEDB_PASSWORD", services.get("POSTGRES_PASSWORD").orElseThrow());

        ExecutorService background = Executors.newFixedThreadPool(3);
        CountDownLatch faultWindow = new CountDownLatch(1);
        AtomicInteger tradesSent = new AtomicInteger();
        List<String> jobs = new ArrayList<>();
        try (PubSubEndpoint.Clients clients = pubsub.clients();
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(
                                kafka.clientProperties(),
                                new StringSerializer(),
                                new StringSerializer())) {
            clients.ensureSubscription(costsSub, costsTopic, ACK_DEADLINE_SECONDS);
            clients.ensureSubscription("it-kill-tsnap-sub-" + run, "it-kill-tsnap-" + run, 10);
            clients.ensureSubscription("it-kill-msnap-sub-" + run, "it-kill-msnap-" + run, 10);
            Publisher costs = clients.publisher(costsTopic);
            Sender send = new Sender(costs, producer, eventsTopic);
            try {
                Future<String> marketSubmit =
                        background.submit(
                                () ->
                                        submit(
                                                cliEnv,
                                                jar,
                                                MARKET_PARALLELISM,
                                                "market",
                                                marketArgs));
                Future<String> treasurySubmit =
                        background.submit(
                                () ->
                                        submit(
                                                cliEnv,
                                                jar,
                                                TREASURY_PARALLELISM,
                                                "treasury",
                                                treasuryArgs));
                String market = marketSubmit.get(3, TimeUnit.MINUTES);
                String treasury = treasurySubmit.get(3, TimeUnit.MINUTES);
                jobs.add(market);
                jobs.add(treasury);
                Waits.until("both jobs running", Duration.ofMinutes(2), () -> allRunning(jobs));

                // The TaskManager to kill: one that runs tasks of both jobs.
                Set<String> shared = new TreeSet<>(taskManagersOf(market));
                shared.retainAll(taskManagersOf(treasury));
                assertThat(shared)
                        .as(
                                "TaskManagers running both jobs (market on %s, treasury on %s)",
                                taskManagersOf(market), taskManagersOf(treasury))
                        .isNotEmpty();
                String victim = shared.iterator().next();

                Future<?> marketFeed =
                        background.submit(
                                () -> {
                                    produceTrades(
                                            producer, tradesTopic, trades, tradesSent, faultWindow);
                                    return null;
                                });

                // Days 1-4 in half-day steps: the next step goes out only once the treasury
                // operator has taken every event before it, so none can come after the watermark.
                long phaseA = 0;
                for (List<Event> step : feed.phaseA()) {
                    send.all(step);
                    phaseA += step.size();
                    long expected = phaseA;
                    Waits.until(
                            "the treasury operator to take "
                                    + expected
                                    + " events (up to "
                                    + Instant.ofEpochMilli(step.get(step.size() - 1).time)
                                    + ")",
                            Duration.ofSeconds(60),
                            () -> metric(treasury, "treasuryEvents") >= expected);
                }
                // A checkpoint after all of it: what is replayed after the kill is the fifth day's
                // morning only, which no watermark of the run can pass before the tick.
                long phaseADone = System.currentTimeMillis();
                Waits.until(
                        "a treasury checkpoint after the first four days",
                        Duration.ofSeconds(60),
                        () -> completedCheckpointAfter(treasury, phaseADone) != null);
                Waits.until(
                        "a completed market checkpoint",
                        Duration.ofSeconds(60),
                        () -> completedCheckpointAfter(market, 0) != null);

                // The fault window: the fifth day's morning and the rest of the trades flow.
                faultWindow.countDown();
                Future<?> morning =
                        background.submit(
                                () -> {
                                    send.paced(feed.phaseB(), 4, Duration.ofMillis(500));
                                    return null;
                                });
                long flowing = phaseA + 40;
                Waits.until(
                        "the fifth day's events and more trades to flow",
                        Duration.ofSeconds(60),
                        () ->
                                metric(treasury, "treasuryEvents") >= flowing
                                        && tradesSent.get() > TRADES_AT_ONCE + 300);
                Map<String, Long> checkpointBeforeKill = new LinkedHashMap<>();
                for (String job : jobs) {
                    checkpointBeforeKill.put(
                            job, completedCheckpointAfter(job, 0).get("id").asLong());
                }
                int tradesAtKill = tradesSent.get();
                long eventsAtKill = metric(treasury, "treasuryEvents");

                long killedAt = System.currentTimeMillis();
                long pid = killTaskManager(victim);
                LOG.info("Killed {} (pid {}) with kill -9", victim, pid);
                assertThat(morning.isDone())
                        .as("treasury input still flowing at the kill")
                        .isFalse();
                assertThat(tradesSent.get()).as("trades still flowing").isLessThan(TRADES);

                Commands.Result up =
                        Commands.run(Duration.ofMinutes(3), Map.of(), "bin/cluster", "up");
                assertThat(up.exit())
                        .as("bin/cluster up after the kill:\n%s", up.output())
                        .isZero();
                long backAt = System.currentTimeMillis();
                Waits.until(
                        "both jobs to restart and run again",
                        Duration.ofMinutes(3),
                        () -> restartedSince(jobs, killedAt) && allRunning(jobs));
                long runningAt = System.currentTimeMillis();

                morning.get(2, TimeUnit.MINUTES);
                marketFeed.get(2, TimeUnit.MINUTES);
                // Everything pulled before the kill (or by an attempt that failed again) and never
                // acknowledged is due again an ack deadline after its pull; then the restarted
                // source drains the subscription. Only then may the tick move the watermark past
                // the fifth day.
                long due = runningAt + ACK_DEADLINE_SECONDS * 1000L + 5000;
                long[] taken = {-1, System.nanoTime()};
                Waits.until(
                        "the restarted treasury job to take every redelivered message",
                        Duration.ofSeconds(90),
                        () -> {
                            long now =
                                    metric(treasury, "treasuryEvents")
                                            + metric(treasury, "duplicateEvents");
                            if (now != taken[0]) {
                                taken[0] = now;
                                taken[1] = System.nanoTime();
                            }
                            // Nothing new, not even a duplicate, for 3 s.
                            return System.currentTimeMillis() >= due
                                    && System.nanoTime() - taken[1] > 3_000_000_000L;
                        });
                send.all(List.of(feed.tick()));
                producer.send(new ProducerRecord<>(tradesTopic, symbol, tradeJson(closer)));
                producer.flush();

                // Complete outputs: rows first, then the Firestore documents.
                long marketRows = 0;
                for (Timeframe tf : TIMEFRAMES) {
                    marketRows += ExpectedBars.of(trades, tf).size();
                }
                long expectedMarketRows = marketRows;
                Waits.until(
                        "all bars in PostgreSQL",
                        Duration.ofMinutes(2),
                        () ->
                                count(postgres, "market_data", "symbol =", symbol)
                                        >= expectedMarketRows);
                Waits.until(
                        "all treasury rows in PostgreSQL",
                        Duration.ofMinutes(2),
                        () ->
                                treasuryRowCounts(postgres, feed.agents())
                                        .equals(reference.rowCounts()));
                MarketConditions conditions = expectedConditions(trades);
                Map<String, Object> expectedMarketDoc = expectedMarketDocument(conditions);
                Map<String, Map<String, Object>> expectedTreasuryDocs = reference.treasuryDocs();
                Map<String, Map<String, Object>> expectedCostDocs = reference.costDocs();
                try (Firestore fs = firestore.open()) {
                    Waits.until(
                            "the Firestore documents",
                            Duration.ofSeconds(90),
                            () ->
                                    expectedMarketDoc.equals(
                                                    document(
                                                            fs,
                                                            MarketConditionsDocuments.COLLECTION,
                                                            symbol))
                                            && expectedTreasuryDocs.equals(
                                                    treasuryDocs(fs, feed.agents()))
                                            && expectedCostDocs.equals(
                                                    costDocs(fs, feed.agents())));
                }
                long completeAt = System.currentTimeMillis();

                // ---- what happened, and what came out
                Map<String, JsonNode> restored = new LinkedHashMap<>();
                Map<String, Long> restarts = new LinkedHashMap<>();
                for (String job : jobs) {
                    restored.put(
                            job,
                            rest("/jobs/" + job + "/checkpoints").path("latest").path("restored"));
                    restarts.put(job, numRestarts(job));
                }
                long lateEvents = metric(treasury, "lateEvents");
                // The counters of the attempts since the restore: what the restored state lacked
                // had to be read again, what it held came again as dropped duplicates.
                Replay replay =
                        new Replay(
                                TRADES + 1 - metric(market, "recordsParsed"),
                                tradesAtKill,
                                feed.all().size() - metric(treasury, "treasuryEvents"),
                                eventsAtKill,
                                metric(treasury, "duplicateEvents"));
                // Dead letters of either job (origins name this run's topics, subscriptions and
                // agents): a trade after the watermark would be one. Redelivered events the
                // restored state had applied already are dead letters too, one per duplicate.
                long deadLetters =
                        count(
                                postgres,
                                "dead_letters",
                                "source <> '" + TreasuryNames.DLQ_DUPLICATES + "' AND origin LIKE",
                                "%" + run + "%");
                long duplicateLetters =
                        count(
                                postgres,
                                "dead_letters",
                                "source = '" + TreasuryNames.DLQ_DUPLICATES + "' AND origin LIKE",
                                "%" + run + "%");
                long rejectedLate = metric(treasury, "rejectedLateBalances");

                List<Comparison> comparisons = new ArrayList<>();
                try (Connection c = postgres.open()) {
                    for (Timeframe tf : TIMEFRAMES) {
                        comparisons.add(
                                compareBars(
                                        "market_data " + tf.label(),
                                        ExpectedBars.of(trades, tf),
                                        MarketDataRows.read(c, symbol, tf.label(), null, 0)));
                    }
                    comparisons.add(
                            compare(
                                    "treasury_snapshots",
                                    reference.snapshotRows(),
                                    snapshotRows(c, feed.agents())));
                    comparisons.add(
                            compare(
                                    "cost_events",
                                    reference.costRows(),
                                    costRows(c, feed.agents())));
                    comparisons.add(
                            compare(
                                    "agent_metrics",
                                    reference.metricRows(),
                                    metricRows(c, feed.agents())));
                }
                try (Firestore fs = firestore.open()) {
                    comparisons.add(
                            compareDocs(
                                    "Firestore " + MarketConditionsDocuments.COLLECTION,
                                    Map.of(symbol, expectedMarketDoc),
                                    single(
                                            symbol,
                                            document(
                                                    fs,
                                                    MarketConditionsDocuments.COLLECTION,
                                                    symbol))));
                    comparisons.add(
                            compareDocs(
                                    "Firestore " + TreasuryDocuments.TREASURY,
                                    expectedTreasuryDocs,
                                    treasuryDocs(fs, feed.agents())));
                    Map<String, Map<String, Object>> costDocs = costDocs(fs, feed.agents());
                    Comparison daily =
                            compareDocs(
                                    "Firestore " + TreasuryDocuments.COSTS,
                                    expectedCostDocs,
                                    costDocs);
                    comparisons.add(daily.withCounts(countDifference(expectedCostDocs, costDocs)));
                }
                long lost = comparisons.stream().mapToLong(Comparison::lost).sum();
                long duplicates = comparisons.stream().mapToLong(Comparison::duplicates).sum();

                String details =
                        details(
                                victim,
                                pid,
                                comparisons,
                                restored,
                                restarts,
                                checkpointBeforeKill,
                                tradesAtKill,
                                eventsAtKill,
                                killedAt,
                                backAt,
                                runningAt,
                                completeAt,
                                lateEvents,
                                deadLetters,
                                replay,
                                started,
                                feed);
                ReliabilityReport.record(
                        new ReliabilityReport.Entry(
                                "taskmanager-kill",
                                String.format(
                                        "%,d trades (market, p=%d); %d agents: %d cost events"
                                                + " (Pub/Sub), %d balance events (Kafka) (treasury,"
                                                + " p=%d)",
                                        TRADES + 1,
                                        MARKET_PARALLELISM,
                                        feed.agents().size(),
                                        feed.count(true),
                                        feed.count(false),
                                        TREASURY_PARALLELISM),
                                "kill -9 of " + victim + " mid-stream, restarted",
                                0,
                                lost,
                                duplicates,
                                details));
                LOG.info("Reliability details:\n{}", details);

                // ---- the asserts
                for (String job : jobs) {
                    assertThat(restarts.get(job)).as("numRestarts of job %s", job).isPositive();
                    JsonNode r = restored.get(job);
                    assertThat(r.path("id").isNumber())
                            .as("job %s restored from a checkpoint: %s", job, r)
                            .isTrue();
                    assertThat(r.path("id").asLong())
                            .as("restored checkpoint of job %s", job)
                            .isGreaterThanOrEqualTo(checkpointBeforeKill.get(job));
                    assertThat(r.path("is_savepoint").asBoolean()).isFalse();
                }
                assertThat(lateEvents).as("treasury events applied late").isZero();
                assertThat(deadLetters).as("dead letters other than duplicates").isZero();
                // One table row per refused event: repeats of one event share its key.
                assertThat(duplicateLetters)
                        .as("dead-letter rows of the duplicates the treasury refused")
                        .isLessThanOrEqualTo(replay.duplicatesDropped())
                        .isGreaterThanOrEqualTo(Math.min(1, replay.duplicatesDropped()));
                assertThat(rejectedLate).as("late balance reports rejected").isZero();
                assertThat(lost).as("records lost").isZero();
                assertThat(duplicates).as("duplicates").isZero();
                for (Comparison c : comparisons) {
                    assertThat(c.problems().size())
                            .as(
                                    "%s differs from the run without the fault: %s",
                                    c.what(),
                                    c.problems().subList(0, Math.min(20, c.problems().size())))
                            .isZero();
                }
                try (Connection c = postgres.open()) {
                    for (Timeframe tf : TIMEFRAMES) {
                        assertThat(MarketDataRows.read(c, symbol, tf.label(), null, 0))
                                .as("market_data %s %s", symbol, tf)
                                .isEqualTo(ExpectedBars.of(trades, tf));
                    }
                }
            } finally {
                faultWindow.countDown();
                background.shutdownNow();
                costs.shutdown();
                costs.awaitTermination(10, TimeUnit.SECONDS);
                for (String job : jobs) {
                    Commands.run(Duration.ofMinutes(1), cliEnv, "bin/flink", "cancel", job);
                }
                Files.deleteIfExists(jar);
                Files.deleteIfExists(jar.getParent());
            }
        }
    }

    // ---- the treasury feed

    /** A treasury input event: Pub/Sub (costs) or Kafka (balance events), its time and JSON. */
    private record Event(boolean pubsub, String agent, String id, long time, String json) {}

    /**
     * The treasury events of a run: four agents over five days from {@link #FIRST_DAY}. Days 1-4
     * ({@link #phaseA}) in half-day steps, the fifth day's morning ({@link #phaseB}) for the fault
     * window, and the {@link #tick}.
     */
    private static final class Feed {
        private final String prefix;
        private final List<Event> phaseA = new ArrayList<>();
        private final List<Event> phaseB = new ArrayList<>();
        private final Event tick;

        Feed(String prefix) {
            this.prefix = prefix;
            long start = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            for (int a = 0; a < PROFILES.size(); a++) {
                Profile p = PROFILES.get(a);
                String agent = agent(a);
                phaseA.add(
                        balance(
                                agent,
                                agent + "-open",
                                start + a * 1000L,
                                p.balance(),
                                p.estimate()));
                for (int d = 0; d < 4; d++) {
                    for (int i = 0; i < 12; i++) {
                        long time = start + d * DAY + 30 * MINUTE + i * 2 * HOUR + a * MINUTE;
                        phaseA.add(cost(agent, agent + "-c" + d + "-" + i, time, p, i, d, a, 6));
                    }
                }
                // Half-day morning of day 5: a cost every ten minutes, a deposit every two hours.
                for (int k = 0; k < 72; k++) {
                    long time = start + 4 * DAY + 5 * MINUTE + k * 10 * MINUTE + a * MINUTE;
                    phaseB.add(cost(agent, agent + "-m" + k, time, p, 2 * k, 4, a, 36));
                }
                for (int j = 0; j < 6; j++) {
                    long time = start + 4 * DAY + HOUR + 15 * MINUTE + j * 2 * HOUR + a * 1000L;
                    phaseB.add(amount(agent, agent + "-d" + j, "deposit", time, 0.25 * (a + 1)));
                }
            }
            // One balance report, a rescue and a withdrawal inside the first four days.
            phaseA.add(
                    balance(
                            agent(1),
                            agent(1) + "-report",
                            start + 2 * DAY + 12 * HOUR + 10 * MINUTE,
                            20.0,
                            Double.NaN));
            phaseA.add(
                    amount(
                            agent(3),
                            agent(3) + "-rescue",
                            "deposit",
                            start + DAY + 6 * HOUR + 15 * MINUTE,
                            100.0));
            phaseA.add(
                    amount(
                            agent(0),
                            agent(0) + "-payout",
                            "withdrawal",
                            start + 3 * DAY + 18 * HOUR + 15 * MINUTE,
                            50.0));
            Comparator<Event> order =
                    Comparator.comparingLong(Event::time).thenComparing(Event::id);
            phaseA.sort(order);
            phaseB.sort(order);
            String tickAgent = prefix + "-zz-tick";
            tick =
                    new Event(
                            true,
                            tickAgent,
                            tickAgent + "-0",
                            start + 34 * DAY,
                            costJson(tickAgent, tickAgent + "-0", start + 34 * DAY)
                                    .put("amount", 0.01)
                                    .put("cost_type", "api_cost")
                                    .toString());
        }

        String agent(int a) {
            return prefix + "-" + PROFILES.get(a).name;
        }

        List<String> agents() {
            List<String> agents = new ArrayList<>();
            for (int a = 0; a < PROFILES.size(); a++) {
                agents.add(agent(a));
            }
            return agents;
        }

        /** Days 1-4 in steps of half a day (the watermark's bound is a day). */
        List<List<Event>> phaseA() {
            long start = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            Map<Long, List<Event>> steps = new TreeMap<>();
            for (Event e : phaseA) {
                steps.computeIfAbsent((e.time - start) / (12 * HOUR), k -> new ArrayList<>())
                        .add(e);
            }
            return new ArrayList<>(steps.values());
        }

        List<Event> phaseB() {
            return phaseB;
        }

        Event tick() {
            return tick;
        }

        List<Event> all() {
            List<Event> all = new ArrayList<>(phaseA);
            all.addAll(phaseB);
            all.add(tick);
            return all;
        }

        long count(boolean pubsub) {
            return all().stream().filter(e -> e.pubsub == pubsub).count();
        }

        /**
         * A cost: an amount (LLM or other), an LLM call priced by tokens, or an API call, about
         * {@code p.dailyCost / perDay} each on average.
         */
        private static Event cost(
                String agent, String id, long time, Profile p, int i, int d, int a, int perDay) {
            ObjectNode json = costJson(agent, id, time);
            double factor = 0.5 + ((i * 5 + d * 3 + a) % 7) / 6.0;
            switch (i % 4) {
                case 1 ->
                        json.put("operation", "llm_call")
                                .put("model", "gpt-4o-mini")
                                .put("input_tokens", 1000 + 250 * ((i + d) % 5))
                                .put("output_tokens", 200 + 50 * ((i + a) % 3));
                case 3 -> json.put("operation", "api_call");
                default ->
                        json.put(
                                        "amount",
                                        Math.round(p.dailyCost() / perDay * factor * 100) / 100.0)
                                .put("cost_type", i % 8 == 0 ? "llm_cost" : "compute");
            }
            return new Event(true, agent, id, time, json.toString());
        }

        private static ObjectNode costJson(String agent, String id, long time) {
            return JsonFields.MAPPER
                    .createObjectNode()
                    .put("event_id", id)
                    .put("agent_id", agent)
                    .put("timestamp", Instant.ofEpochMilli(time).toString());
        }

        private static Event balance(
                String agent, String id, long time, double balance, double estimate) {
            ObjectNode json =
                    costJson(agent, id, time).put("type", "balance").put("balance_usd", balance);
            if (!Double.isNaN(estimate)) {
                json.put("daily_burn_rate", estimate);
            }
            return new Event(false, agent, id, time, json.toString());
        }

        private static Event amount(
                String agent, String id, String type, long time, double amount) {
            return new Event(
                    false,
                    agent,
                    id,
                    time,
                    costJson(agent, id, time).put("type", type).put("amount", amount).toString());
        }
    }

    /** Sends events to their input: costs to Pub/Sub, balance events to Kafka (key: agent). */
    private static final class Sender {
        private final Publisher costs;
        private final KafkaProducer<String, String> kafka;
        private final String eventsTopic;

        Sender(Publisher costs, KafkaProducer<String, String> kafka, String eventsTopic) {
            this.costs = costs;
            this.kafka = kafka;
            this.eventsTopic = eventsTopic;
        }

        /** Sends the events and waits until Pub/Sub and Kafka have taken each. */
        void all(List<Event> events) throws Exception {
            List<ApiFuture<String>> published = new ArrayList<>();
            List<Future<?>> produced = new ArrayList<>();
            for (Event e : events) {
                if (e.pubsub) {
                    published.add(
                            costs.publish(
                                    PubsubMessage.newBuilder()
                                            .setData(ByteString.copyFromUtf8(e.json))
                                            .build()));
                } else {
                    produced.add(kafka.send(new ProducerRecord<>(eventsTopic, e.agent, e.json)));
                }
            }
            kafka.flush();
            ApiFutures.allAsList(published).get(30, TimeUnit.SECONDS);
            for (Future<?> f : produced) {
                f.get(30, TimeUnit.SECONDS);
            }
        }

        /** Sends {@code batch} events every {@code every}: input that keeps flowing. */
        void paced(List<Event> events, int batch, Duration every) throws Exception {
            for (int i = 0; i < events.size(); i += batch) {
                long next = System.nanoTime() + every.toNanos();
                all(events.subList(i, Math.min(events.size(), i + batch)));
                long rest = next - System.nanoTime();
                if (rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
            }
        }
    }

    // ---- the reference run (no fault)

    /**
     * The treasury job's graph ({@link TreasuryJob}) over the same events, bounded, at parallelism
     * 1 in this JVM, with collecting sinks. The watermark waits for the end of the input (as in
     * {@code replay treasury}), so every event is applied in (time, event id) order: what a run
     * without the fault produces, since the feed never brings an event after the watermark.
     */
    private static final class Reference {
        private final String name;
        private final List<String> agents;

        private Reference(String name, List<String> agents) {
            this.name = name;
            this.agents = agents;
        }

        static Reference run(String name, List<Event> events, List<String> treasuryArgs)
                throws Exception {
            Configuration config = CommonOptions.fromArgs(treasuryArgs.toArray(new String[0]));
            config.set(TreasurySettings.OUT_OF_ORDERNESS, Duration.ofDays(100_000));
            config.set(TreasurySettings.IDLENESS, Duration.ZERO);
            config.set(TreasurySettings.QUIET_ADVANCE, Duration.ZERO);
            TreasurySettings settings = new TreasurySettings(config);
            List<RawRecord> costs = new ArrayList<>();
            List<RawRecord> balances = new ArrayList<>();
            for (Event e : events) {
                (e.pubsub ? costs : balances).add(new RawRecord(e.json, name + "@" + e.id, e.time));
            }
            TreasuryJob.Sources sources =
                    new TreasuryJob.Sources(
                            new TreasuryJob.Input<>(
                                    list(costs),
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_COSTS),
                            new TreasuryJob.Input<>(
                                    list(balances),
                                    settings.eventParser::parse,
                                    TreasuryNames.DLQ_BALANCES),
                            null,
                            null);
            TreasuryJob.Sinks sinks =
                    new TreasuryJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_TREASURY_FIRESTORE,
                                            new CollectSink<TreasurySnapshot>(name + "-treasury"))),
                            List.of(),
                            List.of(),
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_LOGS_FIRESTORE,
                                            new CollectSink<TreasuryTransition>(
                                                    name + "-transitions"))),
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_COSTS_BIGQUERY,
                                            new CollectSink<CostRecord>(name + "-costs"))),
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_COSTS_FIRESTORE,
                                            new CollectSink<DailyCost>(name + "-daily"))),
                            List.of(
                                    new NamedSink<>(
                                            TreasuryNames.SINK_TIMESCALE,
                                            new CollectSink<TreasuryRow>(name + "-rows"),
                                            1)),
                            List.of(
                                    NamedSink.of(
                                            TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                            new CollectSink<DeadLetter>(name + "-dead-letters"))));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
            env.setParallelism(1);
            new TreasuryJob(sources, sinks, settings).build(env);
            env.execute(name);
            List<String> agents =
                    events.stream()
                            .map(Event::agent)
                            .distinct()
                            .filter(a -> !a.endsWith("-zz-tick"))
                            .sorted()
                            .collect(Collectors.toList());
            return new Reference(name, agents);
        }

        private static SourceFactory<RawRecord> list(List<RawRecord> records) {
            return (env, name) -> env.fromData(records, TypeInformation.of(RawRecord.class));
        }

        List<DeadLetter> deadLetters() {
            return CollectSink.results(name + "-dead-letters");
        }

        private List<TreasuryRow> rows(TreasuryRow.Table table) {
            List<TreasuryRow> rows = new ArrayList<>();
            for (Object o : CollectSink.results(name + "-rows")) {
                TreasuryRow r = (TreasuryRow) o;
                String agent =
                        r.table == TreasuryRow.Table.COST_EVENTS
                                ? r.cost.agentId
                                : r.snapshot == null ? null : r.snapshot.agentId;
                if (r.table == table && agents.contains(agent)) {
                    rows.add(r);
                }
            }
            return rows;
        }

        /** The rows as the upserts leave them: the last row of each key wins. */
        Map<String, List<Object>> snapshotRows() {
            Map<String, List<Object>> rows = new TreeMap<>();
            for (TreasuryRow r : rows(TreasuryRow.Table.TREASURY_SNAPSHOTS)) {
                TreasurySnapshot s = r.snapshot;
                rows.put(
                        snapshotKey(s.agentId, s.snapshotType, s.timestamp),
                        Arrays.asList(
                                s.day,
                                known(s.balanceUsd),
                                s.dailyCostUsd,
                                known(s.dailyBurnRate),
                                known(s.daysUntilBankruptcy),
                                s.emotionalState,
                                s.confidenceLevel,
                                s.riskTolerance,
                                s.survivalModeActive,
                                s.costSavingModeActive,
                                s.marketCrashOverride,
                                s.trigger,
                                s.hasTransitions() ? String.join(",", s.transitions) : null,
                                s.sequence));
            }
            return rows;
        }

        Map<String, List<Object>> costRows() {
            Map<String, List<Object>> rows = new TreeMap<>();
            for (TreasuryRow r : rows(TreasuryRow.Table.COST_EVENTS)) {
                CostRecord c = r.cost;
                rows.put(
                        costKey(c.agentId, c.eventId, c.timestamp),
                        Arrays.asList(
                                c.costType,
                                c.operation,
                                c.model,
                                c.inputTokens,
                                c.outputTokens,
                                c.amount,
                                known(c.dailyTotal),
                                c.late));
            }
            return rows;
        }

        Map<String, List<Object>> metricRows() {
            Map<String, List<Object>> rows = new TreeMap<>();
            for (TreasuryRow r : rows(TreasuryRow.Table.AGENT_METRICS)) {
                TreasurySnapshot s = r.snapshot;
                ObjectNode labels =
                        JSON.createObjectNode()
                                .put("emotional_state", s.emotionalState)
                                .put("snapshot_type", s.snapshotType)
                                .put("trigger", s.trigger);
                rows.put(
                        metricKey(s.agentId, r.metricName, s.timestamp),
                        Arrays.asList(r.metricValue, labels));
            }
            return rows;
        }

        List<Long> rowCounts() {
            return List.of(
                    (long) snapshotRows().size(),
                    (long) costRows().size(),
                    (long) metricRows().size());
        }

        /** Each agent's treasury document: its newest snapshot (the sink never goes back). */
        Map<String, Map<String, Object>> treasuryDocs() {
            TreasuryDocuments.Treasury mapper = new TreasuryDocuments.Treasury();
            Map<String, TreasurySnapshot> newest = new TreeMap<>();
            for (Object o : CollectSink.results(name + "-treasury")) {
                TreasurySnapshot s = (TreasurySnapshot) o;
                if (agents.contains(s.agentId)) {
                    newest.merge(
                            s.agentId,
                            s,
                            (x, y) ->
                                    y.timestamp > x.timestamp
                                                    || (y.timestamp == x.timestamp
                                                            && y.sequence > x.sequence)
                                            ? y
                                            : x);
                }
            }
            Map<String, Map<String, Object>> docs = new TreeMap<>();
            newest.forEach(
                    (agent, s) -> {
                        Map<String, Object> fields = new LinkedHashMap<>(mapper.fields(s));
                        fields.put(FirestoreSink.EVENT_TIME_FIELD, mapper.eventTime(s));
                        docs.put(mapper.documentId(s), normalize(fields));
                    });
            return docs;
        }

        /**
         * Each agent's daily cost documents: the newest state of each day (the sink writes an equal
         * event time again, never an older one).
         */
        Map<String, Map<String, Object>> costDocs() {
            TreasuryDocuments.Costs mapper = new TreasuryDocuments.Costs();
            Map<String, DailyCost> newest = new TreeMap<>();
            for (Object o : CollectSink.results(name + "-daily")) {
                DailyCost d = (DailyCost) o;
                if (agents.contains(d.agentId)) {
                    newest.merge(
                            mapper.documentId(d), d, (x, y) -> y.timestamp >= x.timestamp ? y : x);
                }
            }
            Map<String, Map<String, Object>> docs = new TreeMap<>();
            newest.forEach(
                    (id, d) -> {
                        Map<String, Object> fields = new LinkedHashMap<>(mapper.fields(d));
                        fields.put(FirestoreSink.EVENT_TIME_FIELD, mapper.eventTime(d));
                        docs.put(id, normalize(fields));
                    });
            return docs;
        }
    }

    // ---- the market job's expected view

    /** The market view after the last 1h bar, folded as the job's conditions operator does. */
    private static MarketConditions expectedConditions(List<Trade> trades) {
        MarketSettings settings = new MarketSettings(CommonOptions.fromArgs(new String[0]));
        MarketConditionsRules rules = settings.conditionsRules();
        MarketConditions conditions = null;
        for (MarketBar bar : ExpectedBars.of(trades, Timeframe.H1)) {
            conditions = rules.onBar(bar, Timeframe.H1, conditions, null);
        }
        return conditions;
    }

    private static Map<String, Object> expectedMarketDocument(MarketConditions conditions) {
        return normalize(new MarketConditionsDocuments().fields(conditions));
    }

    // ---- reading the outputs

    private static String snapshotKey(String agent, String type, long ts) {
        return agent + " " + type + " " + Instant.ofEpochMilli(ts);
    }

    private static String costKey(String agent, String eventId, long ts) {
        return agent + " " + eventId + " " + Instant.ofEpochMilli(ts);
    }

    private static String metricKey(String agent, String metric, long ts) {
        return agent + " " + metric + " " + Instant.ofEpochMilli(ts);
    }

    private static Double known(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static List<Map.Entry<String, List<Object>>> snapshotRows(
            Connection c, List<String> agents) throws SQLException {
        return query(
                c,
                "SELECT agent_id, ts, snapshot_type, day::text, balance_usd, daily_cost_usd,"
                        + " daily_burn_rate, days_until_bankruptcy, emotional_state,"
                        + " confidence_level, risk_tolerance, survival_mode_active,"
                        + " cost_saving_mode_active, market_crash_override, trigger, transitions,"
                        + " sequence FROM treasury_snapshots WHERE agent_id = ANY (?)",
                agents,
                rs ->
                        Map.entry(
                                snapshotKey(
                                        rs.getString(1),
                                        rs.getString(3),
                                        rs.getTimestamp(2).getTime()),
                                Arrays.asList(
                                        rs.getString(4),
                                        nullableDouble(rs, 5),
                                        rs.getDouble(6),
                                        nullableDouble(rs, 7),
                                        nullableDouble(rs, 8),
                                        rs.getString(9),
                                        rs.getDouble(10),
                                        rs.getDouble(11),
                                        rs.getBoolean(12),
                                        rs.getBoolean(13),
                                        rs.getBoolean(14),
                                        rs.getString(15),
                                        rs.getString(16),
                                        rs.getLong(17))));
    }

    private static List<Map.Entry<String, List<Object>>> costRows(Connection c, List<String> agents)
            throws SQLException {
        return query(
                c,
                "SELECT agent_id, event_id, ts, cost_type, operation, model, input_tokens,"
                        + " output_tokens, amount, daily_total, late FROM cost_events"
                        + " WHERE agent_id = ANY (?)",
                agents,
                rs ->
                        Map.entry(
                                costKey(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getTimestamp(3).getTime()),
                                Arrays.asList(
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        nullableLong(rs, 7),
                                        nullableLong(rs, 8),
                                        rs.getDouble(9),
                                        nullableDouble(rs, 10),
                                        rs.getBoolean(11))));
    }

    private static List<Map.Entry<String, List<Object>>> metricRows(
            Connection c, List<String> agents) throws SQLException {
        return query(
                c,
                "SELECT agent_id, metric_name, ts, value, labels::text FROM agent_metrics"
                        + " WHERE agent_id = ANY (?)",
                agents,
                rs -> {
                    try {
                        return Map.entry(
                                metricKey(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getTimestamp(3).getTime()),
                                Arrays.asList(rs.getDouble(4), JSON.readTree(rs.getString(5))));
                    } catch (IOException e) {
                        throw new SQLException(e);
                    }
                });
    }

    /** Row counts of treasury_snapshots, cost_events and agent_metrics for the agents. */
    private static List<Long> treasuryRowCounts(JdbcEndpoint db, List<String> agents) {
        List<Long> counts = new ArrayList<>();
        for (String table : List.of("treasury_snapshots", "cost_events", "agent_metrics")) {
            try (Connection c = db.open();
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT count(*) FROM "
                                            + table
                                            + " WHERE agent_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("varchar", agents.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counts.add(rs.getLong(1));
                }
            } catch (SQLException e) {
                counts.add(-1L);
            }
        }
        return counts;
    }

    private interface RowMapper {
        Map.Entry<String, List<Object>> map(ResultSet rs) throws SQLException;
    }

    private static List<Map.Entry<String, List<Object>>> query(
            Connection c, String sql, List<String> agents, RowMapper mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("varchar", agents.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                List<Map.Entry<String, List<Object>>> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static long count(JdbcEndpoint db, String table, String condition, String value) {
        try (Connection c = db.open();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT count(*) FROM " + table + " WHERE " + condition + " ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** A document's fields without the sink's commit time ({@code last_updated}); null if none. */
    private static Map<String, Object> document(Firestore fs, String collection, String id)
            throws Exception {
        DocumentSnapshot doc =
                fs.collection(collection).document(id).get().get(30, TimeUnit.SECONDS);
        return doc.exists() ? fields(doc) : null;
    }

    private static Map<String, Object> fields(DocumentSnapshot doc) {
        Map<String, Object> data = new LinkedHashMap<>(Objects.requireNonNull(doc.getData()));
        data.remove(FirestoreSink.LAST_UPDATED_FIELD);
        return normalize(data);
    }

    private static Map<String, Map<String, Object>> treasuryDocs(Firestore fs, List<String> agents)
            throws Exception {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        for (String agent : agents) {
            Map<String, Object> doc = document(fs, TreasuryDocuments.TREASURY, agent);
            if (doc != null) {
                docs.put(agent, doc);
            }
        }
        return docs;
    }

    private static Map<String, Map<String, Object>> costDocs(Firestore fs, List<String> agents)
            throws Exception {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        for (String agent : agents) {
            for (QueryDocumentSnapshot doc :
                    fs.collection(TreasuryDocuments.COSTS)
                            .whereEqualTo("agent_id", agent)
                            .get()
                            .get(30, TimeUnit.SECONDS)
                            .getDocuments()) {
                docs.put(doc.getId(), fields(doc));
            }
        }
        return docs;
    }

    private static Map<String, Map<String, Object>> single(String id, Map<String, Object> doc) {
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        if (doc != null) {
            docs.put(id, doc);
        }
        return docs;
    }

    /**
     * Comparable values: integers as Long, floating point as Double (Firestore returns Long and
     * Double; the mappers put int, long and double), maps sorted by key.
     */
    @SuppressWarnings("unchecked")
    private static <T> T normalize(T value) {
        Object v = value;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            v = ((Number) v).longValue();
        } else if (v instanceof Float) {
            v = ((Float) v).doubleValue();
        } else if (v instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, x) -> sorted.put(String.valueOf(k), normalize(x)));
            v = sorted;
        } else if (v instanceof List<?> list) {
            v = list.stream().map(TaskManagerKillITCase::normalize).collect(Collectors.toList());
        }
        return (T) v;
    }

    // ---- comparing

    /**
     * One output compared with what a run without the fault writes: expected keys missing (lost),
     * keys present more than once or counted twice (duplicates), unexpected keys and differing
     * values (problems).
     */
    private record Comparison(
            String what,
            int expected,
            int found,
            long lost,
            long duplicates,
            List<String> problems) {
        Comparison withCounts(long[] missingAndExtra) {
            return new Comparison(
                    what,
                    expected,
                    found,
                    lost + missingAndExtra[0],
                    duplicates + missingAndExtra[1],
                    problems);
        }
    }

    private static Comparison compare(
            String what,
            Map<String, List<Object>> expected,
            List<Map.Entry<String, List<Object>>> rows) {
        Map<String, List<Object>> found = new TreeMap<>();
        long duplicates = 0;
        for (Map.Entry<String, List<Object>> row : rows) {
            if (found.put(row.getKey(), row.getValue()) != null) {
                duplicates++;
            }
        }
        return diff(what, expected, found, duplicates);
    }

    private static Comparison compareDocs(
            String what,
            Map<String, Map<String, Object>> expected,
            Map<String, Map<String, Object>> found) {
        return diff(what, expected, found, 0);
    }

    private static <V> Comparison diff(
            String what, Map<String, V> expected, Map<String, V> found, long duplicates) {
        List<String> problems = new ArrayList<>();
        long lost = 0;
        for (Map.Entry<String, V> e : expected.entrySet()) {
            V actual = found.get(e.getKey());
            if (actual == null) {
                lost++;
                problems.add("missing " + e.getKey());
            } else if (!actual.equals(e.getValue())) {
                problems.add(
                        "differs "
                                + e.getKey()
                                + ": expected "
                                + e.getValue()
                                + ", found "
                                + actual);
            }
        }
        for (String key : found.keySet()) {
            if (!expected.containsKey(key)) {
                problems.add("unexpected " + key + ": " + found.get(key));
            }
        }
        if (duplicates > 0) {
            problems.add(duplicates + " rows with a key seen before");
        }
        return new Comparison(what, expected.size(), found.size(), lost, duplicates, problems);
    }

    /**
     * Bars compared by open time; a trade counted twice shows as a bar with more trades than
     * expected (a duplicate), a trade missing as one with fewer (lost).
     */
    private static Comparison compareBars(
            String what, List<MarketBar> expected, List<MarketBar> found) {
        Map<String, List<Object>> want = new TreeMap<>();
        for (MarketBar b : expected) {
            want.put(Instant.ofEpochMilli(b.bar.openTime).toString(), List.of(b));
        }
        List<Map.Entry<String, List<Object>>> rows = new ArrayList<>();
        for (MarketBar b : found) {
            rows.add(Map.entry(Instant.ofEpochMilli(b.bar.openTime).toString(), List.of(b)));
        }
        Comparison c = compare(what, want, rows);
        long missingTrades = 0;
        long extraTrades = 0;
        Map<Long, Long> tradesByBar = new TreeMap<>();
        for (MarketBar b : found) {
            tradesByBar.merge(b.bar.openTime, b.bar.tradeCount, Long::sum);
        }
        for (MarketBar b : expected) {
            long got = tradesByBar.getOrDefault(b.bar.openTime, b.bar.tradeCount);
            missingTrades += Math.max(0, b.bar.tradeCount - got);
            extraTrades += Math.max(0, got - b.bar.tradeCount);
        }
        return c.withCounts(new long[] {missingTrades, extraTrades});
    }

    /**
     * Costs missing from or counted twice in the daily cost documents ({@code cost_count} against
     * the reference's), beyond whole documents.
     */
    private static long[] countDifference(
            Map<String, Map<String, Object>> expected, Map<String, Map<String, Object>> found) {
        long missing = 0;
        long extra = 0;
        for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
            Map<String, Object> doc = found.get(e.getKey());
            if (doc == null) {
                continue;
            }
            long want = ((Number) e.getValue().get("cost_count")).longValue();
            long got = ((Number) doc.get("cost_count")).longValue();
            missing += Math.max(0, want - got);
            extra += Math.max(0, got - want);
        }
        return new long[] {missing, extra};
    }

    private static <V> List<Map.Entry<String, V>> entries(Map<String, V> map) {
        return new ArrayList<>(map.entrySet());
    }

    // ---- the report

    /** What the restored checkpoints held, and what the jobs read again after the restore. */
    private record Replay(
            long tradesRestored,
            long tradesBeforeKill,
            long eventsRestored,
            long eventsBeforeKill,
            long duplicatesDropped) {}

    private static String details(
            String victim,
            long pid,
            List<Comparison> comparisons,
            Map<String, JsonNode> restored,
            Map<String, Long> restarts,
            Map<String, Long> checkpointBeforeKill,
            int tradesAtKill,
            long eventsAtKill,
            long killedAt,
            long backAt,
            long runningAt,
            long completeAt,
            long lateEvents,
            long deadLetters,
            Replay replay,
            long started,
            Feed feed) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        "`kill -9` of %s (pid %d, running tasks of both jobs) after %,d of %,d"
                                + " trades and %,d of %,d treasury events, with both jobs"
                                + " checkpointed and input flowing; `bin/cluster up` started it"
                                + " again (returned %.1f s after the kill); both jobs were running again"
                                + " after %.1f s and every output was complete after %.1f s"
                                + " (test wall time so far %.0f s).%n%n",
                        victim,
                        pid,
                        tradesAtKill,
                        TRADES,
                        eventsAtKill,
                        feed.all().size() - 1,
                        (backAt - killedAt) / 1000.0,
                        (runningAt - killedAt) / 1000.0,
                        (completeAt - killedAt) / 1000.0,
                        (System.nanoTime() - started) / 1e9));
        List<String> jobs = new ArrayList<>(restored.keySet());
        String[] names = {"market", "treasury"};
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode r = restored.get(jobs.get(i));
            out.append(
                    String.format(
                            "- %s job `%s`: numRestarts %d, restored checkpoint %s (latest completed"
                                    + " before the kill: %d)%n",
                            names[i],
                            jobs.get(i),
                            restarts.get(jobs.get(i)),
                            r.path("id").isNumber() ? r.path("id").asText() : "none",
                            checkpointBeforeKill.get(jobs.get(i))));
        }
        out.append(
                String.format(
                        "- the restored market state held the first %,d trades (%,d had been sent"
                                + " before the kill; the rest were read again from Kafka); the"
                                + " restored treasury state held %,d events (%,d had been taken"
                                + " before the kill); after the restore the treasury dropped %,d"
                                + " redelivered or re-read events as duplicates%n",
                        replay.tradesRestored(),
                        replay.tradesBeforeKill(),
                        replay.eventsRestored(),
                        replay.eventsBeforeKill(),
                        replay.duplicatesDropped()));
        out.append(
                String.format(
                        "- treasury events applied late since the restart: %d (the feed allows"
                                + " none); dead letters of either job other than the refused"
                                + " duplicates: %d%n%n",
                        lateEvents, deadLetters));
        out.append(
                "Compared with a run without the fault (market: the direct computation from the"
                        + " trades; treasury: the same graph over the same events in one JVM),"
                        + " row by row and field by field (balances exactly):\n\n");
        out.append("| output | expected | found | lost | duplicates | other differences |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Comparison c : comparisons) {
            out.append(
                    String.format(
                            "| %s | %,d | %,d | %d | %d | %d |%n",
                            c.what(),
                            c.expected(),
                            c.found(),
                            c.lost(),
                            c.duplicates(),
                            c.problems().size()));
        }
        return out.toString();
    }

    // ---- the cluster

    /** Every job RUNNING with every vertex RUNNING. */
    private static boolean allRunning(List<String> jobs) throws Exception {
        for (String job : jobs) {
            JsonNode details = rest("/jobs/" + job);
            if (details == null || !"RUNNING".equals(details.path("state").asText())) {
                return false;
            }
            for (JsonNode v : details.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every job went through RESTARTING after {@code since}. */
    private static boolean restartedSince(List<String> jobs, long since) throws Exception {
        for (String job : jobs) {
            JsonNode details = rest("/jobs/" + job);
            if (details == null || details.path("timestamps").path("RESTARTING").asLong() < since) {
                return false;
            }
        }
        return true;
    }

    /** The resource ids of the TaskManagers running tasks of the job. */
    private static Set<String> taskManagersOf(String job) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (JsonNode v : rest("/jobs/" + job).path("vertices")) {
            JsonNode tms =
                    rest("/jobs/" + job + "/vertices/" + v.path("id").asText() + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** The latest completed checkpoint triggered after {@code after}, or null. */
    private static JsonNode completedCheckpointAfter(String job, long after) throws Exception {
        JsonNode latest = rest("/jobs/" + job + "/checkpoints");
        if (latest == null) {
            return null;
        }
        JsonNode completed = latest.path("latest").path("completed");
        return completed.path("id").isNumber()
                        && completed.path("trigger_timestamp").asLong() > after
                ? completed
                : null;
    }

    private static long numRestarts(String job) throws Exception {
        JsonNode metrics = rest("/jobs/" + job + "/metrics?get=numRestarts");
        if (metrics != null) {
            for (JsonNode m : metrics) {
                if ("numRestarts".equals(m.path("id").asText())) {
                    return m.path("value").asLong();
                }
            }
        }
        return -1;
    }

    private static JsonNode rest(String path) throws Exception {
        try {
            HttpResponse<String> response =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(REST + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A counter of the job's operators, summed over the TaskManagers' Prometheus endpoints. */
    private static long metric(String job, String name) throws Exception {
        Pattern line =
                Pattern.compile(
                        "^flink_taskmanager_job_task_operator_" + name + "\\{([^}]*)\\} (\\S+)$",
                        Pattern.MULTILINE);
        long sum = 0;
        for (int port : TASKMANAGER_METRICS) {
            String body;
            try {
                HttpResponse<String> response =
                        HTTP.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                body = response.statusCode() == 200 ? response.body() : "";
            } catch (IOException e) {
                // A TaskManager that is down has no counters.
                body = "";
            }
            Matcher m = line.matcher(body);
            while (m.find()) {
                if (m.group(1).contains("job_id=\"" + job + "\"")) {
                    sum += (long) Double.parseDouble(m.group(2));
                }
            }
        }
        return sum;
    }

    private static long killTaskManager(String taskManager) throws Exception {
        Path pidFile = ROOT.resolve("target/cluster/pids/" + taskManager + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        String cmdline =
                Files.readString(Paths.get("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertThat(cmdline)
                .as("process %d of %s", pid, taskManager)
                .contains("TaskManagerRunner")
                .contains("taskmanager.resource-id=" + taskManager);
        Commands.Result kill =
                Commands.run(Duration.ofSeconds(10), Map.of(), "kill", "-9", Long.toString(pid));
        assertThat(kill.exit()).as("kill -9 %d:\n%s", pid, kill.output()).isZero();
        Waits.until(
                taskManager + " (pid " + pid + ") to die",
                Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        return pid;
    }

    private static String submit(
            Map<String, String> env, Path jar, int parallelism, String job, List<String> args)
            throws Exception {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "bin/flink",
                                "run",
                                "-d",
                                "-p",
                                Integer.toString(parallelism),
                                jar.toString(),
                                job));
        cmd.addAll(args);
        Commands.Result r = Commands.run(Duration.ofMinutes(3), env, cmd.toArray(new String[0]));
        assertThat(r.exit()).as("%s:\n%s", cmd, r.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output());
        assertThat(id.find()).as(r.output()).isTrue();
        return id.group(1);
    }

    /**
     * The first trades at once; the rest, once the fault window opens, at about 100 a second so
     * that the kill and the restart fall mid-stream.
     */
    private static void produceTrades(
            KafkaProducer<String, String> producer,
            String topic,
            List<Trade> trades,
            AtomicInteger sent,
            CountDownLatch faultWindow)
            throws Exception {
        for (Trade t : trades) {
            producer.send(new ProducerRecord<>(topic, t.symbol, tradeJson(t)));
            int n = sent.incrementAndGet();
            if (n == TRADES_AT_ONCE) {
                producer.flush();
                assertThat(faultWindow.await(5, TimeUnit.MINUTES))
                        .as("the fault window to open")
                        .isTrue();
            }
            if (n > TRADES_AT_ONCE && n % 20 == 0) {
                producer.flush();
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        producer.flush();
    }

    private static String tradeJson(Trade t) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("symbol", t.symbol)
                .put("ts", t.ts)
                .put("price", t.price)
                .put("size", t.size)
                .put("trade_id", t.tradeId)
                .put("source", t.source)
                .toString();
    }

    private static void createTopics(KafkaEndpoint kafka, String... topics) throws Exception {
        // One partition each: one feed in order, as one exchange or one ledger is.
        Feeds.createTopics(kafka, 1, topics);
    }
}
