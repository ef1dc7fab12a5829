package com.athena.tools.state;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketDataRows;
import com.athena.jobs.market.MarketMain;
import com.athena.testing.Commands;
import com.athena.testing.Commands.Result;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.TestSchema;
import com.athena.testing.Waits;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrade under load on a real standalone cluster ({@code bin/cluster}, {@code bin/flink}): the
 * market job from the shaded jar reads Bitstamp trades from Kafka while they are produced; mid
 * stream it is stopped with a savepoint and started again from it with another {@code
 * jdbc.batch-size}; at the end the PostgreSQL {@code market_data} rows equal a direct computation
 * over all trades, so nothing was lost or doubled across the upgrade. The Prometheus endpoints of
 * the TaskManagers must show the job's own metrics.
 */
class ClusterUpgradeITCase {
    private static final Path ROOT = Commands.ROOT;
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final List<Timeframe> TIMEFRAMES =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1);
    private static final int TRADES = 6000;

    @BeforeAll
    static void clusterUp() throws Exception {
        Result up = Commands.run(Duration.ofMinutes(4), Map.of(), "bin/cluster", "up");
        assertThat(up.exit()).as("bin/cluster up:\n%s", up.output()).isZero();
    }

    @AfterAll
    static void clusterDown() throws Exception {
        Result down = Commands.run(Duration.ofMinutes(2), Map.of(), "bin/cluster", "down");
        assertThat(down.exit()).as("bin/cluster down:\n%s", down.output()).isZero();
    }

    @Test
    void stopWithSavepointAndRestartWithNewConfigurationLosesAndDoublesNothing() throws Exception {
        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        JdbcEndpoint timescale = JdbcEndpoint.timescale(services);
        try (Connection c = timescale.open()) {
            TestSchema.apply(c);
        }
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String symbol = "BTC-UP" + runId.toUpperCase();
        String topic = "it.upgrade." + runId;
        // One partition keeps the trades in time order, as one exchange feed is.
        Feeds.createTopics(kafka, 1, topic);
        List<Trade> trades = ExpectedBars.bitstamp(symbol, TRADES);
        Trade last = trades.get(trades.size() - 1);
        // A trade a day later closes every bar of the run (its own bar stays open).
        Trade closer =
                new Trade(symbol, last.ts + 86_400_000L, last.price, 0.01, "closer", "bitstamp");

        // The job version under test: the shaded jar this build made, copied so that a
        // concurrent build cannot swap it mid-test.
        Path jar = Files.createTempDirectory("athena-upgrade").resolve("athena-jobs-v1.jar");
        Commands.copyJobJar(jar);
        Path savepoints = jar.getParent().resolve("savepoints");

        // The job writes market_data to TimescaleDB, as target/services.env names it.
        Map<String, String> cliEnv = Map.of();
        List<String> jobArgs =
                List.of(
                        "market",
                        "--market.kafka.trades-topic",
                        topic,
                        "--kafka.group-id",
                        "it-upgrade-" + runId,
                        "--market.kafka.dlq-topic",
                        "it.upgrade.dlq." + runId,
                        "--market.timeframes",
                        "1m,5m,1h",
                        // Replayed history: no wall-clock watermark advance; the empty second
                        // reader must not hold the watermark back.
                        "--market.watermark.quiet-advance-after",
                        "0",
                        "--market.watermark.idleness",
                        "1s",
                        "--sinks.bigquery.enabled",
                        "false",
                        "--sinks.firestore.enabled",
                        "false");

        AtomicInteger sent = new AtomicInteger();
        // The first third goes out at once; the rest waits until v1 writes rows, then trickles
        // in while v1 stops and v2 starts.
        CountDownLatch v1Writes = new CountDownLatch(1);
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> produce(kafka, topic, trades, sent, v1Writes));
        try {
            String v1 = submit(cliEnv, jar, null, jobArgs, List.of());
            waitFor("first rows of v1", () -> count(timescale, symbol) > 20);
            v1Writes.countDown();
            assertThat(sent.get()).as("still producing when v1 stops").isLessThan(TRADES);

            Result stop =
                    Commands.run(
                            WAIT,
                            cliEnv,
                            "bin/flink",
                            "stop",
                            "--savepointPath",
                            savepoints.toUri().toString(),
                            v1);
            assertThat(stop.exit()).as("bin/flink stop:\n%s", stop.output()).isZero();
            Matcher path =
                    Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(stop.output());
            assertThat(path.find()).as(stop.output()).isTrue();

            // The savepoint's indicator state, as bin/state prints it for an operator.
            Result state = Commands.run(WAIT, Map.of(), "bin/state", path.group(1), "indicators");
            assertThat(state.exit()).as("bin/state:\n%s", state.output()).isZero();
            assertThat(state.output())
                    .startsWith("symbol,timeframe,bar_count,last_open_time,ema_9")
                    .contains(symbol + ",1m,")
                    .contains(symbol + ",5m,");

            // v2: the same graph from the savepoint with another sink configuration; state
            // must map completely (no --allowNonRestoredState).
            String v2 =
                    submit(
                            cliEnv,
                            jar,
                            path.group(1),
                            jobArgs,
                            List.of("--jdbc.batch-size", "50", "--jdbc.batch-interval", "500ms"));
            producing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            produce(kafka, topic, List.of(closer), sent, v1Writes);

            long expectedRows = 0;
            for (Timeframe tf : TIMEFRAMES) {
                expectedRows += ExpectedBars.of(trades, tf).size();
            }
            long rows = expectedRows;
            waitFor("all bars in TimescaleDB", () -> count(timescale, symbol) >= rows);
            for (Timeframe tf : TIMEFRAMES) {
                try (Connection c = timescale.open()) {
                    assertThat(MarketDataRows.read(c, symbol, tf.label(), MarketMain.ROW_SOURCE, 0))
                            .as("market_data %s %s", symbol, tf)
                            .isEqualTo(ExpectedBars.of(trades, tf));
                }
            }

            // The job's own metrics through the TaskManagers' Prometheus reporters.
            String metrics = scrape(9250) + scrape(9251);
            for (String metric :
                    List.of("recordsParsed", "barsClosed", "jdbcFlushes", "deadLetters")) {
                assertThat(metrics)
                        .as("Prometheus metric %s of job %s", metric, v2)
                        .containsPattern(
                                "flink_taskmanager_job_task_operator_"
                                        + metric
                                        + "\\{[^}]*job_id=\""
                                        + v2
                                        + "\"");
            }
            assertThat(scrape(9249)).contains("flink_jobmanager_numRunningJobs");
            Result cancel = Commands.run(WAIT, cliEnv, "bin/flink", "cancel", v2);
            assertThat(cancel.exit()).as("bin/flink cancel:\n%s", cancel.output()).isZero();
        } finally {
            v1Writes.countDown();
            producing.cancel(true);
        }
    }

    private static String submit(
            Map<String, String> env,
            Path jar,
            String savepoint,
            List<String> args,
            List<String> extra)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/flink", "run", "-d"));
        if (savepoint != null) {
            cmd.addAll(List.of("-s", savepoint));
        }
        cmd.add(jar.toString());
        cmd.addAll(args);
        cmd.addAll(extra);
        Result r = Commands.run(WAIT, env, cmd.toArray(new String[0]));
        assertThat(r.exit()).as("%s:\n%s", cmd, r.output()).isZero();
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(r.output());
        assertThat(id.find()).as(r.output()).isTrue();
        return id.group(1);
    }

    private static void produce(
            KafkaEndpoint kafka,
            String topic,
            List<Trade> trades,
            AtomicInteger sent,
            CountDownLatch resume) {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (Trade t : trades) {
                producer.send(new ProducerRecord<>(topic, t.symbol, ExpectedBars.json(t)));
                int n = sent.incrementAndGet();
                if (n == trades.size() / 3) {
                    producer.flush();
                    resume.await();
                }
                // About 200 trades a second: the stop and the restart fall mid-stream.
                if (n > trades.size() / 3 && n % 20 == 0) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(JdbcEndpoint db, String symbol) {
        try (Connection c = db.open();
                var ps = c.prepareStatement("SELECT count(*) FROM market_data WHERE symbol = ?")) {
            ps.setString(1, symbol);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            return -1;
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void waitFor(String what, BooleanSupplier condition) throws Exception {
        Waits.until(what, WAIT, condition::getAsBoolean);
    }
}
