package com.athena.jobs.reliability;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.LiveKeys;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.MarketConditions;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.market.ConditionsFunction;
import com.athena.jobs.market.IndicatorFunction;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;
import com.athena.jobs.market.TradeBarsFunction;
import com.athena.jobs.treasury.TreasuryFunction;
import com.athena.jobs.treasury.TreasuryJob;
import com.athena.jobs.treasury.TreasuryNames;
import com.athena.jobs.treasury.TreasuryOptions;
import com.athena.jobs.treasury.TreasurySettings;
import com.athena.testing.ExpectedBars;
import com.athena.testing.Feeds;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.ReliabilityReport;
import com.athena.testing.RequiresServices;
import com.athena.testing.Waits;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of new keys does not grow state for ever: 100,000 distinct random symbols (one trade
 * each) and 100,000 distinct random agent ids (one balance report each) go through Kafka into the
 * market and treasury jobs, among the steady trades and reports of a few good keys. In event time
 * the flood's keys go idle while the good keys go on.
 *
 * <p>Asserted, from the operators' own gauges: the live keys first hold every flooded key (the
 * state a flood costs), then fall back to exactly the good keys once the idle retention has passed
 * in event time, with every flooded key counted in {@code idleKeysCleared}; the whole keyed state
 * (the size of a full checkpoint) shrinks to less than a twentieth. The good keys' outputs are
 * exact against the reference computations of the other tests ({@link ExpectedBars} for the bars
 * and indicators, {@link TreasuryReference} for the treasury). The retentions are short here (event
 * time, so the test does not wait for them) and obey the same start-up checks as the defaults. The
 * figures go to the {@link ReliabilityReport} row {@code key-flood}.
 */
@RequiresServices(RealService.KAFKA)
class KeyFloodITCase {
    static final int FLOOD = 100_000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private static final Logger LOG = LoggerFactory.getLogger(KeyFloodITCase.class);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(REPORTER);

    @TempDir Path checkpoints;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Random random = new Random(16);

    @Test
    void floodedKeysAreClearedAndGoodKeysStayExact() throws Exception {
        KafkaEndpoint kafka = KafkaEndpoint.from(ServiceEnvironment.load());
        long started = System.nanoTime();
        Figures market = market(kafka);
        LOG.info(
                "Key flood, market half done after {} s",
                (System.nanoTime() - started) / 1_000_000_000L);
        Figures treasury = treasury(kafka);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        ReliabilityReport.record(
                new ReliabilityReport.Entry(
                        "key-flood",
                        String.format(
                                "%,d random symbols and %,d random agent ids, one event each,"
                                        + " among %d good symbols and %d good agents",
                                FLOOD, FLOOD, 2, 2),
                        "a flood of new keys through Kafka; idle retention passed in event time",
                        0,
                        market.lost + treasury.lost,
                        market.duplicates + treasury.duplicates,
                        "Live keys (sum of the operators' gauges over subtasks), at the flood's"
                                + " peak -> after the retention:\n\n"
                                + market.details
                                + treasury.details
                                + "\nGood keys' outputs compared with the reference: "
                                + market.compared
                                + " bar rows, "
                                + treasury.compared
                                + " treasury snapshots. Run time "
                                + seconds
                                + " s.\n"));
    }

    /** What one job's half of the test found. */
    private record Figures(String details, long compared, long lost, long duplicates) {}

    // ---------------------------------------------------------------- market

    private Figures market(KafkaEndpoint kafka) throws Exception {
        String topic = "it.flood.trades." + run;
        Feeds.createTopics(kafka, 2, topic);
        long start = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        String goodA = "GOOD-A-" + run.toUpperCase();
        String goodB = "GOOD-B-" + run.toUpperCase();
        long phaseOneEnd = start + 12 * MINUTE;
        long end = start + 2 * HOUR + 30_000;

        // The good symbols trade every 5 s on their own partition; both partitions end on the
        // same time, so the final watermark does not depend on idleness.
        List<Trade> goodTradesA = goodTrades(goodA, start, end);
        List<Trade> goodTradesB = goodTrades(goodB, start, end);
        List<Sent> phaseOne = new ArrayList<>();
        List<Sent> phaseTwo = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (Trade t : p == 0 ? goodTradesA : goodTradesB) {
                (t.ts <= phaseOneEnd ? phaseOne : phaseTwo)
                        .add(new Sent(t.ts, p, t.symbol, ExpectedBars.json(t)));
            }
        }
        // The flood: distinct random symbols over the first five minutes, one trade each.
        for (int i = 0; i < FLOOD; i++) {
            String symbol =
                    "F" + Long.toString(random.nextLong() >>> 1, 36).toUpperCase() + "." + i;
            Trade t =
                    new Trade(symbol, start + i * 3L, 1 + random.nextDouble(), 1, "f" + i, "flood");
            phaseOne.add(new Sent(t.ts, i % 2, symbol, ExpectedBars.json(t)));
        }

        Configuration config = CommonOptions.fromArgs(new String[0]);
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.TIMEFRAMES, "1m,5m");
        config.set(MarketOptions.CONDITIONS_TIMEFRAME, "5m");
        config.set(MarketOptions.STATE_IDLE_RETENTION, Duration.ofMinutes(15));
        checkpointToFiles(config, "market");
        MarketSettings settings = new MarketSettings(config);
        Set<String> good = Set.of(goodA, goodB);
        String rowsName = run + "-bars";
        String viewsName = run + "-views";
        String lettersName = run + "-market-dead-letters";
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        "good-bars",
                                        new GoodKeys<MarketBar>(
                                                rowsName, good, m -> m.bar.symbol))),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        "good-views",
                                        new GoodKeys<MarketConditions>(
                                                viewsName, good, c -> c.symbol))),
                        List.of(
                                NamedSink.of(
                                        "dead-letters",
                                        new GoodKeys<DeadLetter>(lettersName, null, d -> ""))));
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(kafka, topic, "it-flood-" + run, false),
                                        TypeInformation.of(RawRecord.class)),
                                settings.tradeParser::parse,
                                MarketNames.DLQ_TRADES),
                        null,
                        null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(1000);
        new MarketJob(sources, sinks, settings).build(env);

        produce(kafka, topic, phaseOne);
        JobClient job = env.executeAsync("key-flood-market-it");
        JobID id = job.getJobID();
        long peakSeries;
        long peakViews;
        long peakSymbols;
        long peakBytes;
        long finalBytes;
        try {
            // Every flooded symbol's bars closed: its series and market view are live, idle.
            Waits.until(
                    "the flood's series and views live",
                    WAIT,
                    () ->
                            gauge(id, MarketNames.INDICATORS, IndicatorFunction.METRIC_LIVE_SERIES)
                                            == 2L * FLOOD + 4
                                    && gauge(
                                                    id,
                                                    MarketNames.MARKET_CONDITIONS,
                                                    ConditionsFunction.METRIC_LIVE_VIEWS)
                                            == FLOOD + 2);
            LOG.info("Key flood: the market's flood is live");
            peakBytes = checkpointedBytes(id);
            peakSeries = gauge(id, MarketNames.INDICATORS, IndicatorFunction.METRIC_LIVE_SERIES);
            peakViews =
                    gauge(id, MarketNames.MARKET_CONDITIONS, ConditionsFunction.METRIC_LIVE_VIEWS);
            // The trade step keeps a symbol only while a bar is open: the flood's closed at 5 min.
            peakSymbols =
                    gauge(id, MarketNames.DEDUP_TRADES, TradeBarsFunction.METRIC_LIVE_SYMBOLS);
            assertThat(peakSymbols).isEqualTo(2);

            produce(kafka, topic, phaseTwo);
            Waits.until(
                    "the live keys back to the good ones",
                    WAIT,
                    () ->
                            gauge(id, MarketNames.INDICATORS, IndicatorFunction.METRIC_LIVE_SERIES)
                                            == 4
                                    && gauge(
                                                    id,
                                                    MarketNames.MARKET_CONDITIONS,
                                                    ConditionsFunction.METRIC_LIVE_VIEWS)
                                            == 2
                                    && MiniClusters.counter(
                                                    REPORTER,
                                                    id,
                                                    MarketNames.INDICATORS,
                                                    LiveKeys.METRIC_IDLE_CLEARED)
                                            == 2L * FLOOD);
            assertThat(
                            MiniClusters.counter(
                                    REPORTER,
                                    id,
                                    MarketNames.MARKET_CONDITIONS,
                                    LiveKeys.METRIC_IDLE_CLEARED))
                    .isEqualTo(FLOOD);
            assertThat(gauge(id, MarketNames.DEDUP_TRADES, TradeBarsFunction.METRIC_LIVE_SYMBOLS))
                    .isEqualTo(2);
            long expectedRows =
                    expected(goodTradesA, settings, end).size()
                            + expected(goodTradesB, settings, end).size();
            Waits.until(
                    "the good symbols' bars up to the final watermark",
                    WAIT,
                    () -> GoodKeys.results(rowsName).size() >= expectedRows);
            finalBytes = checkpointedBytes(id);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        // The watermark ends at the last trade minus the out-of-orderness: the bars closed by then
        // are exactly the reference's, indicators included.
        long watermark = end - settings.outOfOrderness.toMillis() - 1;
        long compared = 0;
        long lost = 0;
        long duplicates = 0;
        List<MarketBar> rows = GoodKeys.results(rowsName);
        for (List<Trade> trades : List.of(goodTradesA, goodTradesB)) {
            for (Timeframe tf : settings.timeframes) {
                List<MarketBar> expected =
                        ExpectedBars.of(trades, tf).stream()
                                .filter(m -> m.bar.openTime + tf.millis() <= watermark)
                                .toList();
                List<MarketBar> actual =
                        rows.stream()
                                .filter(
                                        m ->
                                                m.bar.symbol.equals(trades.get(0).symbol)
                                                        && m.bar.timeframe.equals(tf.label()))
                                .sorted(Comparator.comparingLong(m -> m.bar.openTime))
                                .toList();
                lost += expected.stream().filter(m -> !actual.contains(m)).count();
                duplicates += Math.max(0, actual.size() - expected.size());
                assertThat(actual).as("%s %s", trades.get(0).symbol, tf).isEqualTo(expected);
                compared += expected.size();
            }
        }
        // Memory: the whole keyed state (heap backend, full checkpoints) shrinks with the keys.
        assertThat(finalBytes).isLessThan(peakBytes / 20);
        assertThat(GoodKeys.results(viewsName)).isNotEmpty();
        assertThat(GoodKeys.results(lettersName)).as("no dead letter").isEmpty();
        String details =
                String.format(
                        "- market: indicator series %,d -> %d, market views %,d -> %d, trade step"
                                + " symbols %d -> %d (it keeps a symbol only while a bar is"
                                + " open); idleKeysCleared %,d series and %,d views;"
                                + " checkpointed state %,d -> %,d bytes\n",
                        peakSeries,
                        4,
                        peakViews,
                        2,
                        peakSymbols,
                        2,
                        2L * FLOOD,
                        FLOOD,
                        peakBytes,
                        finalBytes);
        return new Figures(details, compared, lost, duplicates);
    }

    /** The reference bars of the trades that close by the final watermark, every timeframe. */
    private static List<MarketBar> expected(List<Trade> trades, MarketSettings settings, long end) {
        long watermark = end - settings.outOfOrderness.toMillis() - 1;
        List<MarketBar> bars = new ArrayList<>();
        for (Timeframe tf : settings.timeframes) {
            ExpectedBars.of(trades, tf).stream()
                    .filter(m -> m.bar.openTime + tf.millis() <= watermark)
                    .forEach(bars::add);
        }
        return bars;
    }

    /** A random walk every 5 s from {@code from} to {@code to}, both included. */
    private List<Trade> goodTrades(String symbol, long from, long to) {
        List<Trade> trades = new ArrayList<>();
        double price = 100;
        int n = 0;
        for (long t = from; t <= to; t += 5_000) {
            price = Math.max(1, price + random.nextGaussian());
            trades.add(
                    new Trade(
                            symbol, t, price, 0.5 + random.nextDouble(), symbol + "-" + n++, "it"));
        }
        return trades;
    }

    // ---------------------------------------------------------------- treasury

    private Figures treasury(KafkaEndpoint kafka) throws Exception {
        String topic = "it.flood.balances." + run;
        Feeds.createTopics(kafka, 2, topic);
        long start = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
        long phaseOneEnd = start + DAY;
        long end = start + 8 * DAY;
        List<String> goodAgents = List.of("good-1-" + run, "good-2-" + run);
        List<TreasuryFeed.Event> goodEvents = new ArrayList<>();
        List<Sent> phaseOne = new ArrayList<>();
        List<Sent> phaseTwo = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            String agent = goodAgents.get(p);
            double balance = 200;
            int n = 0;
            // A report every 2 hours; the balance falls, so the agent changes mood on the way.
            for (long t = start; t <= end; t += 2 * HOUR) {
                balance = Math.max(0, balance - 1 - random.nextDouble());
                TreasuryFeed.Event e =
                        new TreasuryFeed.Event(
                                false,
                                agent,
                                agent + "-" + n,
                                t,
                                balanceJson(agent, agent + "-" + n++, t, balance, 12.0));
                goodEvents.add(e);
                (t <= phaseOneEnd ? phaseOne : phaseTwo).add(new Sent(t, p, agent, e.json()));
            }
        }
        for (int i = 0; i < FLOOD; i++) {
            String agent = "flood-" + Long.toString(random.nextLong() >>> 1, 36) + "-" + i;
            long t = start + i * 10L;
            phaseOne.add(new Sent(t, i % 2, agent, balanceJson(agent, "e" + i, t, 50, 1)));
        }

        List<String> args =
                List.of(
                        "--" + TreasuryOptions.QUIET_ADVANCE.key(), "0 s",
                        "--" + TreasuryOptions.BURN_WINDOW_DAYS.key(), "1",
                        "--" + TreasuryOptions.DEDUP_TTL.key(), "1 h",
                        "--" + TreasuryOptions.STATE_IDLE_RETENTION.key(), "3 d");
        Configuration config = CommonOptions.fromArgs(args.toArray(new String[0]));
        checkpointToFiles(config, "treasury");
        TreasurySettings settings = new TreasurySettings(config);
        Set<String> good = Set.copyOf(goodAgents);
        String historyName = run + "-history";
        String lettersName = run + "-treasury-dead-letters";
        TreasuryJob.Sinks sinks =
                new TreasuryJob.Sinks(
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        TreasuryNames.SINK_SNAPSHOTS_TIMESCALE,
                                        new GoodKeys<TreasurySnapshot>(
                                                historyName, good, s -> s.agentId))),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        TreasuryNames.SINK_DEAD_LETTERS_KAFKA,
                                        new GoodKeys<DeadLetter>(lettersName, null, d -> ""))));
        TreasuryJob.Sources sources =
                new TreasuryJob.Sources(
                        null,
                        new TreasuryJob.Input<>(
                                SourceFactory.of(
                                        KafkaSources.raw(kafka, topic, "it-flood-" + run, false),
                                        TypeInformation.of(RawRecord.class)),
                                settings.eventParser,
                                TreasuryNames.DLQ_BALANCES),
                        null,
                        null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(1000);
        new TreasuryJob(sources, sinks, settings).build(env);

        // The reference first: the live job holds every slot of the cluster.
        long watermark = end - settings.outOfOrderness.toMillis() - 1;
        TreasuryReference reference =
                TreasuryReference.run("key-flood-reference-" + run, goodEvents, args);
        List<TreasurySnapshot> expected =
                reference.historySnapshots().stream()
                        .filter(s -> s.timestamp <= watermark)
                        .toList();

        produce(kafka, topic, phaseOne);
        JobClient job = env.executeAsync("key-flood-treasury-it");
        JobID id = job.getJobID();
        long peak;
        long peakBytes;
        long finalBytes;
        try {
            Waits.until(
                    "every flooded agent live",
                    WAIT,
                    () ->
                            gauge(id, TreasuryNames.TREASURY, TreasuryFunction.METRIC_LIVE_AGENTS)
                                    == FLOOD + 2);
            peak = gauge(id, TreasuryNames.TREASURY, TreasuryFunction.METRIC_LIVE_AGENTS);
            LOG.info("Key flood: the treasury's flood is live");
            peakBytes = checkpointedBytes(id);
            produce(kafka, topic, phaseTwo);
            Waits.until(
                    "the live agents back to the good ones",
                    WAIT,
                    () ->
                            gauge(id, TreasuryNames.TREASURY, TreasuryFunction.METRIC_LIVE_AGENTS)
                                            == 2
                                    && MiniClusters.counter(
                                                    REPORTER,
                                                    id,
                                                    TreasuryNames.TREASURY,
                                                    LiveKeys.METRIC_IDLE_CLEARED)
                                            == FLOOD);
            // The good agents' snapshots up to the final watermark, as many as the reference's.
            Waits.until(
                    "the good agents' snapshots up to the watermark",
                    WAIT,
                    () -> GoodKeys.results(historyName).size() >= expected.size());
            finalBytes = checkpointedBytes(id);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        long compared = 0;
        long lost = 0;
        long duplicates = 0;
        List<TreasurySnapshot> live = GoodKeys.results(historyName);
        for (String agent : goodAgents) {
            List<TreasurySnapshot> mine =
                    expected.stream().filter(s -> s.agentId.equals(agent)).toList();
            List<TreasurySnapshot> actual =
                    live.stream().filter(s -> s.agentId.equals(agent)).toList();
            lost += mine.stream().filter(s -> !actual.contains(s)).count();
            duplicates += Math.max(0, actual.size() - mine.size());
            assertThat(actual).as(agent).isEqualTo(mine);
            compared += mine.size();
        }
        assertThat(GoodKeys.results(lettersName)).as("no dead letter").isEmpty();
        assertThat(finalBytes).isLessThan(peakBytes / 20);
        String details =
                String.format(
                        "- treasury: agents %,d -> %d; idleKeysCleared %,d; checkpointed state %,d"
                                + " -> %,d bytes\n",
                        peak, 2, FLOOD, peakBytes, finalBytes);
        return new Figures(details, compared, lost, duplicates);
    }

    private static String balanceJson(
            String agent, String id, long time, double balance, double estimate) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("event_id", id)
                .put("agent_id", agent)
                .put("timestamp", Instant.ofEpochMilli(time).toString())
                .put("type", "balance")
                .put("balance_usd", balance)
                .put("daily_burn_rate", estimate)
                .toString();
    }

    // ---------------------------------------------------------------- helpers

    /** A record to produce: its event time, partition, key and JSON. */
    private record Sent(long time, int partition, String key, String json) {}

    /** Sends in event-time order, so that each partition is in order and nothing is late. */
    private static void produce(KafkaEndpoint kafka, String topic, List<Sent> records)
            throws Exception {
        List<Sent> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(Sent::time));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (Sent s : sorted) {
                producer.send(new ProducerRecord<>(topic, s.partition(), s.key(), s.json()));
            }
            producer.flush();
        }
    }

    /** Full checkpoints to files, so that their size measures the whole state. */
    private void checkpointToFiles(Configuration config, String job) {
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints.resolve(job).toUri().toString());
    }

    /**
     * The size of a checkpoint started after now: the second one to complete from now (the first
     * may have started before).
     */
    private static long checkpointedBytes(JobID job) throws Exception {
        long before = jobGauge(job, "numberOfCompletedCheckpoints");
        Waits.until(
                "two more checkpoints",
                WAIT,
                () -> jobGauge(job, "numberOfCompletedCheckpoints") >= before + 2);
        return jobGauge(job, "lastCheckpointFullSize");
    }

    /** A job-level gauge of the JobManager (-1 while not yet registered). */
    private static long jobGauge(JobID job, String metric) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = group.getKey().getAllVariables();
            if (job.toString().equals(vars.get("<job_id>"))
                    && !vars.containsKey("<operator_name>")
                    && group.getValue().get(metric) instanceof Gauge<?> g
                    && g.getValue() instanceof Number n) {
                return n.longValue();
            }
        }
        return -1;
    }

    /** A gauge of a job's operator summed over its subtasks (0 while not yet registered). */
    private static long gauge(JobID job, String operator, String metric) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                REPORTER.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = group.getKey().getAllVariables();
            if (job.toString().equals(vars.get("<job_id>"))
                    && operator.equals(vars.get("<operator_name>"))
                    && group.getValue().get(metric) instanceof Gauge<?> g
                    && g.getValue() instanceof Number n) {
                sum += n.longValue();
            }
        }
        return sum;
    }

    /**
     * Keeps what reaches it for the good keys only (all of it when {@code keys} is null), so the
     * flood costs the test no memory; shared by name within the test JVM.
     */
    static final class GoodKeys<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, Queue<Object>> RESULTS = new ConcurrentHashMap<>();
        static final AtomicLong DROPPED = new AtomicLong();

        private final String name;
        private final Set<String> keys;
        private final SerializableKey<T> key;

        /** The key of an element, serializable with the sink. */
        interface SerializableKey<T> extends Function<T, String>, Serializable {}

        GoodKeys(String name, Set<String> keys, SerializableKey<T> key) {
            this.name = name;
            this.keys = keys;
            this.key = key;
            RESULTS.put(name, new ConcurrentLinkedQueue<>());
        }

        @SuppressWarnings("unchecked")
        static <T> List<T> results(String name) {
            return new ArrayList<>(
                    (Queue<T>) RESULTS.getOrDefault(name, new ConcurrentLinkedQueue<>()));
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<T> createWriter(InitContext context) {
            Queue<Object> out = RESULTS.get(name);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    if (keys == null || keys.contains(key.apply(element))) {
                        out.add(element);
                    } else {
                        DROPPED.incrementAndGet();
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
