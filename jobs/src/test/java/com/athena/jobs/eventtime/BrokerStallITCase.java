package com.athena.jobs.eventtime;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.testing.CollectSink;
import com.athena.testing.Commands;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.Waits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker stopped for 60 s while a live feed goes on, under the shipped watermark settings
 * (quiet advance after 10 s): the trades the producer holds back during the outage arrive after it
 * and are on time, so the 1m bars equal the direct computation of every trade sent, with no late
 * trade; once the feed stops, the quiet market's last bar still closes, within out-of-orderness +
 * quiet-advance-after + the catch-up confirmation.
 *
 * <p>The broker is stopped and started with {@code bin/services down|up kafka} of the checkout that
 * runs the services: {@code ATHENA_SERVICES_CHECKOUT} (default this repository), under {@code flock
 * ATHENA_SERVICES_LOCK} when that is set (services shared by several checkouts).
 */
@RequiresServices({RealService.KAFKA})
class BrokerStallITCase {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerStallITCase.class);

    static final Duration STALL = Duration.ofSeconds(60);
    static final Duration FEED_BEFORE = Duration.ofSeconds(30);
    static final Duration FEED_AFTER = Duration.ofSeconds(30);
    static final Duration SERVICE_WAIT = Duration.ofMinutes(3);
    static final int SYMBOLS = 3;
    static final long TRADE_EVERY_MILLIS = 100;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    @Test
    void aBrokerStallTurnsNoTradeLateAndAQuietMarketStillCloses() throws Exception {
        KafkaEndpoint kafka = KafkaEndpoint.from(ServiceEnvironment.load());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.stall." + run;
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < SYMBOLS; i++) {
            symbols.add("STALL" + i + "-" + run.toUpperCase());
        }
        List<Trade> prices = ExpectedBars.bitstamp("PRICES", 5_000);
        Feeds.createTopics(kafka, 3, topic);

        // The shipped defaults; only the timeframe is narrowed: bars of 5m and longer would not
        // close within the test.
        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.TIMEFRAMES, "1m");
        MarketSettings settings = new MarketSettings(config);
        String rowsSink = "stall-rows-" + run;
        String lettersSink = "stall-letters-" + run;
        MarketJob job =
                new MarketJob(
                        new MarketJob.Sources(
                                new MarketJob.Input<>(
                                        SourceFactory.of(
                                                KafkaSources.raw(kafka, topic, "it-" + run, false),
                                                TypeInformation.of(RawRecord.class)),
                                        settings.tradeParser::parse,
                                        MarketNames.DLQ_TRADES),
                                null,
                                null),
                        new MarketJob.Sinks(
                                List.of(
                                        NamedSink.of(
                                                rowsSink, new CollectSink<MarketBar>(rowsSink))),
                                List.of(),
                                List.of(),
                                List.of(
                                        NamedSink.of(
                                                lettersSink,
                                                new CollectSink<DeadLetter>(lettersSink)))),
                        settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(2_000);
        job.build(env);
        JobClient client = env.executeAsync("broker-stall-it");

        // Trades per symbol in the order the producer acknowledged them (one partition each).
        Map<String, ConcurrentLinkedQueue<Trade>> sent = new TreeMap<>();
        symbols.forEach(s -> sent.put(s, new ConcurrentLinkedQueue<>()));
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> feed =
                CompletableFuture.runAsync(
                        () -> produce(kafka, topic, symbols, prices, sent, failed, stop));
        boolean kafkaDown = false;
        long stallStart;
        long stallEnd;
        int sentBeforeStall;
        try {
            TimeUnit.MILLISECONDS.sleep(FEED_BEFORE.toMillis());
            Waits.until(
                    "first bars",
                    Duration.ofSeconds(90),
                    () -> !CollectSink.<MarketBar>results(rowsSink).isEmpty());
            sentBeforeStall = count(sent);
            stallStart = System.currentTimeMillis();
            kafkaDown = true;
            services("down");
            TimeUnit.MILLISECONDS.sleep(STALL.toMillis());
            services("up");
            kafkaDown = false;
            stallEnd = System.currentTimeMillis();
            TimeUnit.MILLISECONDS.sleep(FEED_AFTER.toMillis());
        } finally {
            stop.set(true);
            if (kafkaDown) {
                // Whatever happened, leave Kafka up for the others.
                services("up");
            }
        }
        feed.get(SERVICE_WAIT.toSeconds(), TimeUnit.SECONDS);
        long lastTradeTs = sent.values().stream().mapToLong(q -> maxTs(q)).max().orElseThrow();
        long lastBarEnd = Timeframe.M1.windowStart(lastTradeTs) + 60_000;

        // The feed has stopped: the market is quiet, and only the quiet advance closes its last
        // bars. Documented: out-of-orderness (5 s) + quiet-advance-after (10 s) + up to 2 s for
        // the catch-up confirmation after the bar's end; the wait allows that plus 60 s of slack
        // for a loaded machine and records what it took.
        List<String> expectedKeys = new ArrayList<>();
        Map<String, List<String>> expected = new TreeMap<>();
        for (String symbol : symbols) {
            List<Trade> trades = List.copyOf(sent.get(symbol));
            expected.put(
                    symbol,
                    ExpectedBars.of(trades, Timeframe.M1).stream()
                            .map(r -> r.bar.toString())
                            .toList());
            expectedKeys.add(symbol);
        }
        long rowsExpected = expected.values().stream().mapToLong(List::size).sum();
        // A bar that never closes fails the test, but only once the figures are recorded.
        AssertionError notClosed = null;
        try {
            Waits.until(
                    "every 1m bar, the last closed by the quiet advance",
                    Duration.ofMillis(
                            Math.max(0, lastBarEnd - System.currentTimeMillis())
                                    + settings.outOfOrderness.toMillis()
                                    + settings.quietAdvance.toMillis()
                                    + 62_000),
                    () -> CollectSink.<MarketBar>results(rowsSink).size() >= rowsExpected);
        } catch (AssertionError e) {
            notClosed = e;
        }
        long lastClosedAt = System.currentTimeMillis();
        // A little longer: anything beyond the expected rows (duplicates) would show.
        TimeUnit.SECONDS.sleep(3);
        client.cancel().get(60, TimeUnit.SECONDS);

        List<MarketBar> rows = CollectSink.results(rowsSink);
        List<DeadLetter> letters = CollectSink.results(lettersSink);
        Map<String, List<String>> actual = new TreeMap<>();
        long lost = 0;
        long duplicates = 0;
        for (String symbol : expectedKeys) {
            List<String> want = expected.get(symbol);
            List<String> got =
                    rows.stream()
                            .filter(r -> r.bar.symbol.equals(symbol))
                            .map(r -> r.bar.toString())
                            .toList();
            actual.put(symbol, got);
            List<String> missing = new ArrayList<>(want);
            got.forEach(missing::remove);
            lost += missing.size();
            duplicates += Math.max(0, got.size() - (want.size() - missing.size()));
        }
        int trades = count(sent);
        long madeDuring =
                sent.values().stream()
                        .flatMap(ConcurrentLinkedQueue::stream)
                        .filter(t -> t.ts >= stallStart && t.ts <= stallEnd)
                        .count();
        long closeDelay = lastClosedAt - lastBarEnd;
        String closed =
                notClosed == null
                        ? String.format("closed %.1f s after its end", closeDelay / 1000.0)
                        : String.format("had not closed %.1f s after its end", closeDelay / 1000.0);
        LOG.info(
                "Broker stall: {} trades ({} before the stall), stall {} ms, {} rows, {} late"
                        + " letters, last bar closed {} ms after its end",
                trades,
                sentBeforeStall,
                stallEnd - stallStart,
                rows.size(),
                letters.size(),
                closeDelay);
        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "broker-stall",
                        String.format(
                                "%,d live trades (%d symbols, one per Kafka partition, 30/s),"
                                        + " shipped watermark settings (quiet advance after 10 s)",
                                trades, SYMBOLS),
                        String.format(
                                "Kafka broker stopped %d s mid-stream (bin/services down|up"
                                        + " kafka: %d s from down to up answering); the"
                                        + " producer held the %,d trades made meanwhile",
                                STALL.toSeconds(), (stallEnd - stallStart) / 1000, madeDuring),
                        0,
                        lost + letters.size(),
                        duplicates,
                        String.format(
                                "Compared: every 1m bar of the %d symbols with the direct"
                                        + " computation of the trades the producer had"
                                        + " acknowledged (%d rows); late trades would be dead"
                                        + " letters (%d). The quiet market's last bar %s"
                                        + " (documented: out-of-orderness 5 s +"
                                        + " quiet-advance-after 10 s + up to 2 s).",
                                SYMBOLS, rowsExpected, letters.size(), closed)));

        if (notClosed != null) {
            throw notClosed;
        }
        assertThat(failed.get()).as("sends the producer gave up").isZero();
        assertThat(letters).as("late or bad trades").isEmpty();
        assertThat(actual).isEqualTo(expected);
        // The documented close (out-of-orderness + quiet-advance-after + 2 s), with 15 s for a
        // loaded machine: without the advance the last bar would not close at all.
        assertThat(closeDelay)
                .as("ms from the last bar's end to its row")
                .isLessThanOrEqualTo(
                        settings.outOfOrderness.toMillis()
                                + settings.quietAdvance.toMillis()
                                + 2_000
                                + 15_000);
    }

    private static int count(Map<String, ConcurrentLinkedQueue<Trade>> sent) {
        return sent.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    private static long maxTs(ConcurrentLinkedQueue<Trade> trades) {
        return trades.stream().mapToLong(t -> t.ts).max().orElse(Long.MIN_VALUE);
    }

    /**
     * A live feed: one trade per symbol every 100 ms, dated when it is made, each symbol on its own
     * partition. The producer buffers and retries through the outage, as a feed handler does, so
     * the outage's trades arrive after it with their own times.
     */
    private static void produce(
            KafkaEndpoint kafka,
            String topic,
            List<String> symbols,
            List<Trade> prices,
            Map<String, ConcurrentLinkedQueue<Trade>> sent,
            AtomicInteger failed,
            AtomicBoolean stop) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            int i = 0;
            while (!stop.get()) {
                for (int s = 0; s < symbols.size(); s++) {
                    Trade price = prices.get((i * symbols.size() + s) % prices.size());
                    Trade trade =
                            new Trade(
                                    symbols.get(s),
                                    System.currentTimeMillis(),
                                    price.price,
                                    price.size,
                                    "t" + i,
                                    "stall-it");
                    producer.send(
                            new ProducerRecord<>(topic, s, trade.symbol, ExpectedBars.json(trade)),
                            (metadata, error) -> {
                                if (error == null) {
                                    sent.get(trade.symbol).add(trade);
                                } else {
                                    LOG.warn("Trade not sent: {}", error.toString());
                                    failed.incrementAndGet();
                                }
                            });
                }
                i++;
                TimeUnit.MILLISECONDS.sleep(TRADE_EVERY_MILLIS);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code bin/services ACTION kafka} in the checkout that runs the services. */
    private static void services(String action) throws Exception {
        Path checkout =
                Paths.get(
                        System.getenv()
                                .getOrDefault(
                                        "ATHENA_SERVICES_CHECKOUT", Commands.ROOT.toString()));
        String lock = System.getenv("ATHENA_SERVICES_LOCK");
        List<String> command = new ArrayList<>();
        if (lock != null && !lock.isBlank()) {
            command.addAll(List.of("flock", lock));
        }
        command.addAll(List.of("bin/services", action, "kafka"));
        LOG.info("Running {} in {}", command, checkout);
        Commands.Result result =
                Commands.runIn(checkout, SERVICE_WAIT, Map.of(), command.toArray(String[]::new));
        assertThat(result.exit()).as("%s:\n%s", command, result.output()).isZero();
    }
}
