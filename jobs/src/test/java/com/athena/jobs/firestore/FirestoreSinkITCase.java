package com.athena.jobs.firestore;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.common.firestore.EventTimeGuardedWriter;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.firestore.FirestoreSinkOptions;
import com.athena.common.firestore.PendingDocument;
import com.athena.common.market.MarketConditions;
import com.athena.jobs.market.MarketConditionsDocuments;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Firestore sink in MiniCluster jobs against the real Firestore emulator: coalescing, the
 * event-time guard (within a run, across runs, and between concurrent writers) and the document
 * layout of market conditions, all checked by reading the documents back with the official client.
 *
 * <p>Write counts come from the writer's own metrics, read through an {@link InMemoryReporter}
 * registered on this test's MiniCluster (the shared {@link MiniClusters} one has no reporter).
 */
@RequiresServices(RealService.FIRESTORE)
class FirestoreSinkITCase {
    private static final Logger LOG = LoggerFactory.getLogger(FirestoreSinkITCase.class);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = miniClusterWithReporter();

    private static final long T0 = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
    private static final String COLLECTION = MarketConditionsDocuments.COLLECTION;

    private static FirestoreEndpoint endpoint;
    private static Firestore firestore;

    /** Unique per test run, so that runs against a long-lived emulator never collide. */
    private final String run = "it" + UUID.randomUUID().toString().substring(0, 8);

    private static MiniClusterExtension miniClusterWithReporter() {
        // The same settings as MiniClusters.extension(), plus the reporter.
        Configuration config = new Configuration();
        config.setString("pipeline.auto-generate-uids", "false");
        config.setString("pipeline.generic-types", "false");
        REPORTER.addToConfiguration(config);
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(MiniClusters.PARALLELISM)
                        .build());
    }

    @BeforeAll
    static void openClient() {
        endpoint = FirestoreEndpoint.from(ServiceEnvironment.load());
        assertThat(endpoint.emulatorHost()).as("tests run against the emulator only").isPresent();
        firestore = endpoint.open();
    }

    @AfterAll
    static void closeClient() throws Exception {
        if (firestore != null) {
            firestore.close();
        }
    }

    // (a) + (c): many dense updates per symbol end as the newest by event time, in few writes.
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void denseUpdatesEndWithTheNewestByEventTimeInFewWrites(int parallelism) throws Exception {
        int symbols = 5;
        int updatesPerSymbol = 2_000;
        List<MarketConditions> input = new ArrayList<>();
        for (int s = 0; s < symbols; s++) {
            for (int i = 0; i < updatesPerSymbol; i++) {
                input.add(conditions(symbol(s), T0 + i * 1_000L, i));
            }
        }
        // Out of order: the newest event of each symbol arrives at a random position.
        Collections.shuffle(input, new Random(parallelism));

        JobID job = runJob(input, parallelism, true);

        for (int s = 0; s < symbols; s++) {
            DocumentSnapshot doc = read(symbol(s));
            long newest = T0 + (updatesPerSymbol - 1) * 1_000L;
            assertThat(doc.getLong("event_time")).isEqualTo(newest);
            assertThat(doc.getDouble("conditions.trend.duration_hours"))
                    .isEqualTo((double) (updatesPerSymbol - 1));
            assertThat(doc.getString("condition_id")).isEqualTo(symbol(s) + "_" + hour(newest));
        }

        long writes = counter(job, FirestoreSink.METRIC_WRITES, parallelism);
        long stale = counter(job, FirestoreSink.METRIC_STALE_SKIPPED, parallelism);
        long coalesced = counter(job, FirestoreSink.METRIC_COALESCED, parallelism);
        LOG.info(
                "parallelism {}: {} inputs -> {} writes, {} stale skipped, {} coalesced",
                parallelism,
                input.size(),
                writes,
                stale,
                coalesced);
        // Every input is accounted for exactly once.
        assertThat(writes + stale + coalesced).isEqualTo(input.size());
        assertThat(writes).isGreaterThanOrEqualTo(symbols).isLessThan(input.size() / 20);
    }

    // (b) within one run: the newer event is written first, the older one then arrives.
    @Test
    void aStaleEventAfterANewerOneIsSkipped() throws Exception {
        String symbol = symbol(0);
        MarketConditions newer = conditions(symbol, T0 + 60_000, 2);
        newer.volatilityLevel = "high";
        MarketConditions older = conditions(symbol, T0, 1);
        older.volatilityLevel = "low";

        // Parallelism 1 keeps the order: `newer` is written on arrival (its key was never
        // written), so `older` reaches Firestore and must be refused there, not in the buffer.
        JobID job = runJob(List.of(newer, older), 1, false);

        DocumentSnapshot doc = read(symbol);
        assertThat(doc.getLong("event_time")).isEqualTo(T0 + 60_000);
        assertThat(doc.getString("conditions.volatility.level")).isEqualTo("high");
        assertThat(counter(job, FirestoreSink.METRIC_WRITES, 1)).isEqualTo(1);
        assertThat(counter(job, FirestoreSink.METRIC_STALE_SKIPPED, 1)).isEqualTo(1);
        assertThat(counter(job, FirestoreSink.METRIC_COALESCED, 1)).isZero();
    }

    // (b) across runs: run 1 writes T2, run 2 sends T1 < T2, run 3 replays T2.
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aLaterRunWithAnOlderEventDoesNotOverwrite(int parallelism) throws Exception {
        String guarded = symbol(0);
        String other = symbol(1);
        long t2 = T0 + 3_600_000;
        long t1 = T0;

        MarketConditions first = conditions(guarded, t2, 7);
        first.sentimentLevel = "bearish";
        runJob(List.of(first, conditions(other, t1, 1)), parallelism, false);
        DocumentSnapshot afterRun1 = read(guarded);
        Timestamp lastUpdated1 = afterRun1.getTimestamp("last_updated");

        MarketConditions stale = conditions(guarded, t1, 3);
        stale.sentimentLevel = "bullish";
        JobID run2 = runJob(List.of(stale, conditions(other, t1 + 1, 2)), parallelism, false);

        DocumentSnapshot afterRun2 = read(guarded);
        assertThat(afterRun2.getLong("event_time")).isEqualTo(t2);
        assertThat(afterRun2.getString("conditions.sentiment.level")).isEqualTo("bearish");
        assertThat(afterRun2.getTimestamp("last_updated")).isEqualTo(lastUpdated1);
        assertThat(afterRun2.getUpdateTime()).isEqualTo(afterRun1.getUpdateTime());
        assertThat(read(other).getLong("event_time")).isEqualTo(t1 + 1);
        assertThat(counter(run2, FirestoreSink.METRIC_STALE_SKIPPED, parallelism)).isEqualTo(1);
        assertThat(counter(run2, FirestoreSink.METRIC_WRITES, parallelism)).isEqualTo(1);

        // A replay of the stored event (equal event time) overwrites: same content, new write.
        JobID run3 = runJob(List.of(first), parallelism, false);
        DocumentSnapshot afterRun3 = read(guarded);
        assertThat(counter(run3, FirestoreSink.METRIC_WRITES, parallelism)).isEqualTo(1);
        assertThat(afterRun3.getLong("event_time")).isEqualTo(t2);
        assertThat(afterRun3.getString("conditions.sentiment.level")).isEqualTo("bearish");
        assertThat(afterRun3.getTimestamp("last_updated")).isGreaterThan(lastUpdated1);
        assertThat(withoutLastUpdated(afterRun3.getData()))
                .isEqualTo(withoutLastUpdated(afterRun1.getData()));
    }

    // (d) the MarketConditions mapping, as stored.
    @Test
    void marketConditionsAreStoredInTheSeedLayout() throws Exception {
        String symbol = run + "-BTC/USD";
        MarketConditions full = conditions(symbol, T0 + 37 * 60_000 + 123, 18);
        full.volatilityLevel = "high";
        full.volatilityConfidence = 0.85;
        full.dailyNatr = 0.072;
        full.btc24hChange = -5.2;
        full.eth24hChange = -6.8;
        full.sentimentLevel = "bearish";
        full.sentimentConfidence = 0.75;
        full.fearGreedIndex = 25;
        full.trendDirection = "downward";
        full.trendConfidence = 0.8;
        MarketConditions unknown = new MarketConditions();
        unknown.symbol = run + "-ETH";
        unknown.timestamp = T0;

        runJob(List.of(full, unknown), 1, false);

        String id = run + "-BTC_USD"; // '/' replaced: Firestore ids cannot contain it.
        DocumentSnapshot doc =
                firestore.collection(COLLECTION).document(id).get().get(30, TimeUnit.SECONDS);
        assertThat(doc.exists()).isTrue();
        assertThat(doc.getData())
                .containsOnlyKeys(
                        "condition_id",
                        "symbol",
                        "timeframe",
                        "timestamp",
                        "event_time",
                        "last_updated",
                        "conditions");
        assertThat(doc.getString("condition_id")).isEqualTo(symbol + "_2024011510");
        assertThat(doc.getString("symbol")).isEqualTo(symbol);
        assertThat(doc.getString("timeframe")).isEqualTo("1h");
        assertThat(doc.get("timestamp")).isInstanceOf(Timestamp.class);
        assertThat(doc.getTimestamp("timestamp").toDate().getTime()).isEqualTo(full.timestamp);
        assertThat(doc.get("event_time")).isInstanceOf(Long.class).isEqualTo(full.timestamp);
        assertThat(doc.get("last_updated")).isInstanceOf(Timestamp.class);
        assertThat(doc.getString("conditions.volatility.level")).isEqualTo("high");
        assertThat(doc.getDouble("conditions.volatility.confidence")).isEqualTo(0.85);
        assertThat(doc.getDouble("conditions.volatility.metrics.btc_24h_change")).isEqualTo(-5.2);
        assertThat(doc.getDouble("conditions.volatility.metrics.eth_24h_change")).isEqualTo(-6.8);
        assertThat(doc.getDouble("conditions.volatility.metrics.daily_natr")).isEqualTo(0.072);
        assertThat(doc.getString("conditions.sentiment.level")).isEqualTo("bearish");
        assertThat(doc.getDouble("conditions.sentiment.confidence")).isEqualTo(0.75);
        assertThat(doc.getLong("conditions.sentiment.fear_greed_index")).isEqualTo(25L);
        assertThat(doc.getString("conditions.trend.direction")).isEqualTo("downward");
        assertThat(doc.getDouble("conditions.trend.confidence")).isEqualTo(0.8);
        assertThat(doc.getDouble("conditions.trend.duration_hours")).isEqualTo(18.0);

        DocumentSnapshot nulls =
                firestore
                        .collection(COLLECTION)
                        .document(run + "-ETH")
                        .get()
                        .get(30, TimeUnit.SECONDS);
        assertThat(nulls.getString("condition_id")).isEqualTo(run + "-ETH_2024011510");
        for (String field :
                List.of(
                        "timeframe",
                        "conditions.volatility.level",
                        "conditions.volatility.confidence",
                        "conditions.volatility.metrics.daily_natr",
                        "conditions.sentiment.fear_greed_index",
                        "conditions.trend.direction",
                        "conditions.trend.duration_hours")) {
            assertThat(nulls.contains(field)).as(field).isTrue();
            assertThat(nulls.get(field)).as(field).isNull();
        }
    }

    // The precondition path: two writers race on one document; the newest event time must win.
    @Test
    void concurrentWritersNeverRegressTheEventTime() throws Exception {
        String collection = "sink_itcase_" + run;
        String id = "contended";
        int perWriter = 40;
        FirestoreSinkOptions options =
                FirestoreSinkOptions.builder().maxConflictRetries(50).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Firestore clientA = endpoint.open();
                Firestore clientB = endpoint.open();
                EventTimeGuardedWriter a = new EventTimeGuardedWriter(clientA, options);
                EventTimeGuardedWriter b = new EventTimeGuardedWriter(clientB, options)) {
            Future<int[]> resultA = pool.submit(race(a, collection, id, 0, perWriter));
            Future<int[]> resultB = pool.submit(race(b, collection, id, 1, perWriter));
            int[] countsA = resultA.get(5, TimeUnit.MINUTES);
            int[] countsB = resultB.get(5, TimeUnit.MINUTES);
            LOG.info(
                    "Concurrent writers: A wrote {} skipped {} conflicts {}; B wrote {} skipped {}"
                            + " conflicts {}",
                    countsA[0],
                    countsA[1],
                    countsA[2],
                    countsB[0],
                    countsB[1],
                    countsB[2]);
            assertThat(countsA[0] + countsA[1]).isEqualTo(perWriter);
            assertThat(countsB[0] + countsB[1]).isEqualTo(perWriter);
        } finally {
            pool.shutdownNow();
        }
        DocumentSnapshot doc =
                firestore.collection(collection).document(id).get().get(30, TimeUnit.SECONDS);
        long max = raceEventTime(1, perWriter - 1);
        assertThat(doc.getLong("event_time")).isEqualTo(max);
        assertThat(doc.getLong("value")).isEqualTo(max);
    }

    /** Event times of the race: writer w gets w, w+2, w+4, ...; the two interleave. */
    private static long raceEventTime(int writer, int i) {
        return T0 + 2L * i + writer;
    }

    private static Callable<int[]> race(
            EventTimeGuardedWriter writer, String collection, String id, int w, int count) {
        return () -> {
            int written = 0;
            int skipped = 0;
            int conflicts = 0;
            // Ascending, so that most writes are newer than the other writer's last one and the
            // two really compete for the document (conflicts), rather than mostly skipping.
            for (int i = 0; i < count; i++) {
                long eventTime = raceEventTime(w, i);
                EventTimeGuardedWriter.Result result =
                        writer.write(
                                List.of(
                                        new PendingDocument(
                                                collection,
                                                id,
                                                eventTime,
                                                Map.of("value", eventTime, "writer", w))));
                written += result.written().size();
                skipped += result.staleSkipped().size();
                conflicts += result.conflicts();
            }
            return new int[] {written, skipped, conflicts};
        };
    }

    // An update replaces the whole document, and documents this sink did not write are taken over.
    @Test
    void anUpdateReplacesTheDocumentAndHonoursForeignEventTimes() throws Exception {
        String collection = "sink_itcase_" + run;
        firestore
                .collection(collection)
                .document("legacy")
                .set(Map.of("legacy_field", 1, "shared", "old"))
                .get(30, TimeUnit.SECONDS);
        firestore
                .collection(collection)
                .document("future")
                .set(
                        Map.of(
                                "event_time",
                                Timestamp.ofTimeMicroseconds((T0 + 10_000) * 1000),
                                "shared",
                                "kept"))
                .get(30, TimeUnit.SECONDS);

        try (Firestore client = endpoint.open();
                EventTimeGuardedWriter writer =
                        new EventTimeGuardedWriter(client, FirestoreSinkOptions.defaults())) {
            EventTimeGuardedWriter.Result result =
                    writer.write(
                            List.of(
                                    new PendingDocument(
                                            collection, "legacy", T0, Map.of("shared", "new")),
                                    new PendingDocument(
                                            collection, "future", T0, Map.of("shared", "lost"))));
            assertThat(result.written())
                    .extracting(PendingDocument::documentId)
                    .containsExactly("legacy");
            assertThat(result.staleSkipped())
                    .extracting(PendingDocument::documentId)
                    .containsExactly("future");
        }
        DocumentSnapshot legacy =
                firestore.collection(collection).document("legacy").get().get(30, TimeUnit.SECONDS);
        assertThat(legacy.getData()).containsOnlyKeys("shared", "event_time", "last_updated");
        assertThat(legacy.getString("shared")).isEqualTo("new");
        DocumentSnapshot future =
                firestore.collection(collection).document("future").get().get(30, TimeUnit.SECONDS);
        assertThat(future.getString("shared")).isEqualTo("kept");
    }

    private JobID runJob(List<MarketConditions> input, int parallelism, boolean checkpointing)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        if (checkpointing) {
            // Exercises flush(false): every checkpoint writes all pending documents.
            env.enableCheckpointing(300);
        }
        env.fromData(input, TypeInformation.of(MarketConditions.class))
                .uid("firestore-it-source")
                .name("conditions")
                .sinkTo(new FirestoreSink<>(endpoint, new MarketConditionsDocuments()))
                .uid("firestore-it-sink")
                .name("firestore");
        return env.execute("firestore-sink-it-" + run).getJobID();
    }

    /** The sum over subtasks of a writer counter; fails if the writers did not register it. */
    private static long counter(JobID job, String name, int parallelism) {
        long sum = 0;
        int found = 0;
        // By group, not by identifier: Flink registers some I/O metrics twice under one identifier.
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            Metric metric = group.getValue().get(name);
            if (metric instanceof Counter) {
                sum += ((Counter) metric).getCount();
                found++;
            }
        }
        assertThat(found).as("subtasks reporting " + name).isEqualTo(parallelism);
        return sum;
    }

    private String symbol(int i) {
        return run + "-SYM" + i;
    }

    private DocumentSnapshot read(String symbol) throws Exception {
        DocumentSnapshot doc =
                firestore.collection(COLLECTION).document(symbol).get().get(30, TimeUnit.SECONDS);
        assertThat(doc.exists()).as(symbol).isTrue();
        return doc;
    }

    private static MarketConditions conditions(String symbol, long timestamp, int step) {
        MarketConditions m = new MarketConditions();
        m.symbol = symbol;
        m.timestamp = timestamp;
        m.timeframe = "1h";
        m.volatilityLevel = "normal";
        m.volatilityConfidence = 0.5;
        m.sentimentLevel = "neutral";
        m.sentimentConfidence = 0.5;
        m.fearGreedIndex = step % 100;
        m.trendDirection = "upward";
        m.trendConfidence = 0.6;
        m.trendDurationHours = step;
        return m;
    }

    private static String hour(long millis) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHH")
                .withZone(java.time.ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(millis));
    }

    private static Map<String, Object> withoutLastUpdated(Map<String, Object> data) {
        Map<String, Object> copy = new java.util.HashMap<>(data);
        copy.remove("last_updated");
        return copy;
    }
}
