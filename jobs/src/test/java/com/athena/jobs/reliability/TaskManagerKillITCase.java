package com.athena.jobs.reliability;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.reliability.KillOutputs.ExpectedDocs;
import com.athena.jobs.reliability.KillReport.Kill;
import com.athena.jobs.reliability.KillReport.Observed;
import com.athena.jobs.reliability.KillReport.Recovery;
import com.athena.jobs.reliability.KillReport.Replay;
import com.athena.jobs.reliability.TreasuryFeed.Event;
import com.athena.testing.Commands;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.FlinkRestClient;
import com.athena.testing.MiniClusters;
import com.athena.testing.PrometheusMetrics;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.pubsub.v1.Publisher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static final FlinkRestClient REST = FlinkRestClient.local();

    /** Prometheus ports of taskmanager-1 and taskmanager-2 (bin/cluster: 9249 + N). */
    private static final PrometheusMetrics METRICS = new PrometheusMetrics(List.of(9250, 9251));

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

    // ---- the run, set up by prepare()
    private long started;
    private KillRun run;
    private KafkaEndpoint kafka;
    private PubSubEndpoint pubsub;
    private JdbcEndpoint timescale;
    private FirestoreEndpoint firestore;
    private TreasuryFeed feed;
    private List<Trade> trades;

    private TreasuryReference reference;
    private KillOutputs outputs;
    private KillBigQuery bigquery;
    private Path jar;
    private Map<String, String> cliEnv;

    // ---- on the cluster
    private ExecutorService background;
    private final List<String> jobs = new ArrayList<>();
    private String market;
    private String treasury;
    private TreasurySender send;
    private TradeFeed tradeFeed;
    private long backAt;
    private long runningAt;

    @BeforeAll
    static void clusterUp() throws Exception {
        LocalCluster.up();
    }

    @AfterAll
    static void clusterDown() throws Exception {
        LocalCluster.down();
    }

    @Test
    void killNineOfATaskManagerMidStreamLosesAndDoublesNothing() throws Exception {
        started = System.nanoTime();
        prepare();
        background = Executors.newFixedThreadPool(3);
        try (PubSubEndpoint.Clients clients = pubsub.clients();
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(
                                kafka.clientProperties(),
                                new StringSerializer(),
                                new StringSerializer())) {
            Publisher costs = subscribe(clients);
            send = new TreasurySender(costs, producer, run.eventsTopic());
            tradeFeed = new TradeFeed(producer, run.tradesTopic(), trades, TRADES_AT_ONCE);
            try {
                String victim = startBothJobs();
                Future<?> marketFeed = background.submit(() -> produce(tradeFeed));
                long phaseA = feedTheFirstFourDays();
                awaitCheckpointsAfterThem();
                Future<?> morning = openTheFaultWindow();
                Kill kill = killMidStream(victim, phaseA, morning);
                restartTheCluster(kill);
                morning.get(2, TimeUnit.MINUTES);
                marketFeed.get(2, TimeUnit.MINUTES);
                awaitRedeliveriesThenTick();

                ExpectedDocs expected = outputs.awaitComplete();
                Recovery recovery = new Recovery(backAt, runningAt, System.currentTimeMillis());
                Observed observed = observe(kill);
                List<Comparison> comparisons =
                        new ArrayList<>(outputs.compareWithTheRunWithoutTheFault(expected));
                comparisons.addAll(
                        bigquery.compareWithTheRunWithoutTheFault(
                                run.symbol(), trades, TIMEFRAMES, reference));
                report(kill, recovery, observed, comparisons);

                assertRestoredFromCheckpoints(kill, observed);
                assertNothingLostOrDoubled(kill, observed, comparisons);
            } finally {
                stopEverything(costs);
            }
        }
    }

    // ---- setup

    /** Services and schema, the run's names and inputs, the reference run, topics and the jar. */
    private void prepare() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        kafka = KafkaEndpoint.from(services);
        pubsub = PubSubEndpoint.from(services);
        timescale = JdbcEndpoint.timescale(services);
        firestore = FirestoreEndpoint.from(services);
        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        run = KillRun.fresh();
        feed = new TreasuryFeed("kill-" + run.id());
        trades = ExpectedBars.bitstamp(run.symbol(), TRADES);

        // The run without the fault: the same graph over the same events, in this JVM.
        reference = TreasuryReference.run("ref-" + run.id(), feed.all(), run.treasuryArgs());
        assertThat(reference.deadLetters()).as("reference dead letters").isEmpty();
        outputs =
                new KillOutputs(
                        timescale, firestore, run.symbol(), trades, TIMEFRAMES, feed, reference);

        // Three partitions each, as setup creates them. Keyed as in production: the symbol's
        // trades share one partition (the two others stay empty, which must hold nothing
        // back), the agents' balance events spread over them.
        Feeds.createTopics(kafka, 3, run.kafkaTopics());
        jar = Files.createTempDirectory("athena-kill").resolve("athena-jobs.jar");
        Commands.copyJobJar(jar);
        // The jobs write their tables to TimescaleDB, as target/services.env names it, and
        // BigQuery's to the local Storage Write API.
        bigquery = KillBigQuery.start();
        cliEnv = bigquery.cliEnv();
    }

    /** The run's subscriptions; the publisher of the cost events. */
    private Publisher subscribe(PubSubEndpoint.Clients clients) throws Exception {
        clients.ensureSubscription(run.costsSubscription(), run.costsTopic(), ACK_DEADLINE_SECONDS);
        clients.ensureSubscription(
                run.treasurySnapshotsSubscription(), run.treasurySnapshotsTopic(), 10);
        clients.ensureSubscription(
                run.marketSnapshotsSubscription(), run.marketSnapshotsTopic(), 10);
        return clients.publisher(run.costsTopic());
    }

    /** Submits both jobs, waits until they run; returns a TaskManager that runs tasks of both. */
    private String startBothJobs() throws Exception {
        Future<String> marketSubmit = submit("market", MARKET_PARALLELISM, run.marketArgs());
        Future<String> treasurySubmit =
                submit("treasury", TREASURY_PARALLELISM, run.treasuryArgs());
        market = marketSubmit.get(3, TimeUnit.MINUTES);
        treasury = treasurySubmit.get(3, TimeUnit.MINUTES);
        jobs.add(market);
        jobs.add(treasury);
        Waits.until("both jobs running", Duration.ofMinutes(2), () -> REST.allRunning(jobs));
        assertShippedStateBackend();

        // The TaskManager to kill: one that runs tasks of both jobs.
        Set<String> shared = new TreeSet<>(REST.taskManagersOf(market));
        shared.retainAll(REST.taskManagersOf(treasury));
        assertThat(shared)
                .as(
                        "TaskManagers running both jobs (market on %s, treasury on %s)",
                        REST.taskManagersOf(market), REST.taskManagersOf(treasury))
                .isNotEmpty();
        return shared.iterator().next();
    }

    /**
     * The cluster runs the shipped flink-conf/config.yaml: RocksDB with incremental checkpoints,
     * and both jobs checkpoint into it.
     */
    private void assertShippedStateBackend() throws Exception {
        Map<String, String> cluster = new LinkedHashMap<>();
        for (JsonNode entry : REST.get("/jobmanager/config")) {
            cluster.put(entry.path("key").asText(), entry.path("value").asText());
        }
        assertThat(cluster)
                .as("the cluster's configuration")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.incremental", "true");
        for (String job : jobs) {
            assertThat(
                            REST.get("/jobs/" + job + "/checkpoints/config")
                                    .path("state_backend")
                                    .asText())
                    .as("state backend of job %s", job)
                    .isEqualTo("EmbeddedRocksDBStateBackend");
        }
    }

    private Future<String> submit(String job, int parallelism, List<String> args) {
        return background.submit(() -> LocalCluster.submit(cliEnv, jar, parallelism, job, args));
    }

    private static Void produce(TradeFeed tradeFeed) throws Exception {
        tradeFeed.produce();
        return null;
    }

    // ---- before the fault

    /**
     * Days 1-4 in half-day steps: the next step goes out only once the treasury operator has taken
     * every event before it, so none can come after the watermark. Returns the events sent.
     */
    private long feedTheFirstFourDays() throws Exception {
        long phaseA = 0;
        for (List<Event> step : feed.phaseA()) {
            send.all(step);
            phaseA += step.size();
            long expected = phaseA;
            Waits.until(
                    "the treasury operator to take "
                            + expected
                            + " events (up to "
                            + Instant.ofEpochMilli(step.get(step.size() - 1).time())
                            + ")",
                    Duration.ofSeconds(60),
                    () -> metric(treasury, "treasuryEvents") >= expected);
        }
        return phaseA;
    }

    /**
     * A checkpoint after all of it: what is replayed after the kill is the fifth day's morning
     * only, which no watermark of the run can pass before the tick.
     */
    private void awaitCheckpointsAfterThem() throws Exception {
        long phaseADone = System.currentTimeMillis();
        Waits.until(
                "a treasury checkpoint after the first four days",
                Duration.ofSeconds(60),
                () -> REST.completedCheckpointAfter(treasury, phaseADone) != null);
        Waits.until(
                "a completed market checkpoint",
                Duration.ofSeconds(60),
                () -> REST.completedCheckpointAfter(market, 0) != null);
    }

    // ---- the fault

    /** The fault window: the fifth day's morning and the rest of the trades flow. */
    private Future<?> openTheFaultWindow() {
        tradeFeed.openFaultWindow();
        return background.submit(
                () -> {
                    send.paced(feed.phaseB(), 4, Duration.ofMillis(500));
                    return null;
                });
    }

    /** Once input flows, kill -9 of the victim; the input must still be flowing after it. */
    private Kill killMidStream(String victim, long phaseA, Future<?> morning) throws Exception {
        long flowing = phaseA + 40;
        Waits.until(
                "the fifth day's events and more trades to flow",
                Duration.ofSeconds(60),
                () ->
                        metric(treasury, "treasuryEvents") >= flowing
                                && tradeFeed.sent() > TRADES_AT_ONCE + 300);
        Map<String, Long> checkpointBeforeKill = new LinkedHashMap<>();
        for (String job : jobs) {
            checkpointBeforeKill.put(job, REST.completedCheckpointAfter(job, 0).get("id").asLong());
        }
        int tradesAtKill = tradeFeed.sent();
        long eventsAtKill = metric(treasury, "treasuryEvents");
        long duplicateLettersAtKill = outputs.deadLetters(run.id(), true);

        long killedAt = System.currentTimeMillis();
        long pid = LocalCluster.killTaskManager(victim);
        LOG.info("Killed {} (pid {}) with kill -9", victim, pid);
        assertThat(morning.isDone()).as("treasury input still flowing at the kill").isFalse();
        assertThat(tradeFeed.sent()).as("trades still flowing").isLessThan(TRADES);
        return new Kill(
                victim,
                pid,
                checkpointBeforeKill,
                tradesAtKill,
                eventsAtKill,
                duplicateLettersAtKill,
                killedAt);
    }

    /** {@code bin/cluster up} starts the TaskManager again; both jobs restart and run. */
    private void restartTheCluster(Kill kill) throws Exception {
        Commands.Result up = Commands.run(Duration.ofMinutes(3), Map.of(), "bin/cluster", "up");
        assertThat(up.exit()).as("bin/cluster up after the kill:\n%s", up.output()).isZero();
        backAt = System.currentTimeMillis();
        Waits.until(
                "both jobs to restart and run again",
                Duration.ofMinutes(3),
                () -> REST.restartedSince(jobs, kill.killedAt()) && REST.allRunning(jobs));
        runningAt = System.currentTimeMillis();
    }

    // ---- after the restart

    /**
     * Everything pulled before the kill (or by an attempt that failed again) and never acknowledged
     * is due again an ack deadline after its pull; then the restarted source drains the
     * subscription. Only then may the tick move the watermark past the fifth day; the closer closes
     * the last bars.
     */
    private void awaitRedeliveriesThenTick() throws Exception {
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
        tradeFeed.sendCloser();
    }

    // ---- what happened, and what came out

    /**
     * The restores and restarts, and the counters of the attempts since the restore: what the
     * restored state lacked had to be read again, what it held came again as dropped duplicates.
     */
    private Observed observe(Kill kill) throws Exception {
        Map<String, JsonNode> restored = new LinkedHashMap<>();
        Map<String, Long> restarts = new LinkedHashMap<>();
        for (String job : jobs) {
            restored.put(job, REST.restoredCheckpoint(job));
            restarts.put(job, REST.numRestarts(job));
        }
        long lateEvents = metric(treasury, "lateEvents");
        Replay replay =
                new Replay(
                        TRADES + 1 - metric(market, "recordsParsed"),
                        kill.tradesAtKill(),
                        feed.all().size() - metric(treasury, "treasuryEvents"),
                        kill.eventsAtKill(),
                        metric(treasury, "duplicateEvents"));
        // Dead letters of either job (origins name this run's topics, subscriptions and
        // agents): a trade after the watermark would be one. Redelivered events the
        // restored state had applied already are dead letters too, one per duplicate.
        long deadLetters = outputs.deadLetters(run.id(), false);
        long duplicateLetters = outputs.deadLetters(run.id(), true);
        long rejectedLate = metric(treasury, "rejectedLateBalances");
        return new Observed(
                restored,
                restarts,
                lateEvents,
                replay,
                deadLetters,
                duplicateLetters,
                rejectedLate);
    }

    /** The row of the reliability report, and its details in the log. */
    private void report(
            Kill kill, Recovery recovery, Observed observed, List<Comparison> comparisons) {
        String details =
                KillReport.details(
                        kill,
                        recovery,
                        observed,
                        comparisons,
                        TRADES,
                        feed.all().size() - 1,
                        started);
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "taskmanager-kill",
                        String.format(
                                "%,d trades (market, p=%d); %d agents: %d cost events"
                                        + " (Pub/Sub), %d balance events (Kafka) (treasury,"
                                        + " p=%d); 3 partitions per topic, RocksDB incremental"
                                        + " checkpoints, shipped idleness",
                                TRADES + 1,
                                MARKET_PARALLELISM,
                                feed.agents().size(),
                                feed.count(true),
                                feed.count(false),
                                TREASURY_PARALLELISM),
                        "kill -9 of " + kill.victim() + " mid-stream, restarted",
                        0,
                        Comparison.totalLost(comparisons),
                        Comparison.totalDuplicates(comparisons),
                        details));
        LOG.info("Reliability details:\n{}", details);
    }

    // ---- the asserts

    /** Each job restarted, from a checkpoint at least as new as the last one before the kill. */
    private void assertRestoredFromCheckpoints(Kill kill, Observed observed) {
        for (String job : jobs) {
            assertThat(observed.restarts().get(job)).as("numRestarts of job %s", job).isPositive();
            JsonNode r = observed.restored().get(job);
            assertThat(r.path("id").isNumber())
                    .as("job %s restored from a checkpoint: %s", job, r)
                    .isTrue();
            assertThat(r.path("id").asLong())
                    .as("restored checkpoint of job %s", job)
                    .isGreaterThanOrEqualTo(kill.checkpointBeforeKill().get(job));
            assertThat(r.path("is_savepoint").asBoolean()).isFalse();
        }
    }

    /** Nothing late, no dead letters but the duplicates', and every output as without the fault. */
    private void assertNothingLostOrDoubled(
            Kill kill, Observed observed, List<Comparison> comparisons) throws Exception {
        assertThat(observed.lateEvents()).as("treasury events applied late").isZero();
        assertThat(observed.deadLetters()).as("dead letters other than duplicates").isZero();
        // One table row per refused event: repeats of one event share its key. The counter
        // restarts with the job, so the rows committed before the kill (redeliveries of a slow
        // checkpoint) add to it; a duplicate refused after the last checkpoint and not yet
        // written is refused again after the restore and counted there.
        long dropped = observed.replay().duplicatesDropped();
        assertThat(observed.duplicateLetters())
                .as("dead-letter rows of the duplicates the treasury refused")
                .isLessThanOrEqualTo(kill.duplicateLettersAtKill() + dropped)
                .isGreaterThanOrEqualTo(Math.min(1, dropped));
        assertThat(observed.rejectedLate()).as("late balance reports rejected").isZero();
        assertThat(Comparison.totalLost(comparisons)).as("records lost").isZero();
        assertThat(Comparison.totalDuplicates(comparisons)).as("duplicates").isZero();
        for (Comparison c : comparisons) {
            assertThat(c.problems().size())
                    .as(
                            "%s differs from the run without the fault: %s",
                            c.what(), c.problems().subList(0, Math.min(20, c.problems().size())))
                    .isZero();
        }
        try (Connection c = timescale.open()) {
            for (Timeframe tf : TIMEFRAMES) {
                assertThat(MarketDataRows.read(c, run.symbol(), tf.label(), null, 0))
                        .as("market_data %s %s", run.symbol(), tf)
                        .isEqualTo(ExpectedBars.of(trades, tf));
            }
        }
    }

    // ---- the end

    /** Lets every feed go, stops them, cancels the jobs and removes the jar copy. */
    private void stopEverything(Publisher costs) throws Exception {
        tradeFeed.openFaultWindow();
        background.shutdownNow();
        costs.shutdown();
        costs.awaitTermination(10, TimeUnit.SECONDS);
        for (String job : jobs) {
            LocalCluster.cancel(cliEnv, job);
        }
        Files.deleteIfExists(jar);
        Files.deleteIfExists(jar.getParent());
        bigquery.close();
    }

    private static long metric(String job, String name) throws Exception {
        return METRICS.operatorCounter(job, name);
    }
}
