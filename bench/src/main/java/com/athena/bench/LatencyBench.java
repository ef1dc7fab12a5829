package com.athena.bench;

import com.athena.common.config.CommonOptions;
import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;
import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcSinks;
import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.KafkaSources;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.Timeframe;
import com.athena.common.sql.SchemaMigrator;
import com.athena.jobs.market.MarketJdbcSinks;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;

/**
 * Event-to-row latency of the market job: from the Kafka append of the trade whose watermark closes
 * a bar to the moment that bar's row is committed and visible in PostgreSQL, at a steady input rate
 * on the shipped configuration (RocksDB, the shipped checkpoint interval).
 *
 * <p>The real job graph ({@link MarketJob}, production settings) runs on a MiniCluster with
 * parallelism 2, reading a fresh two-partition Kafka topic whose broker stamps every record with
 * its append time ({@code LogAppendTime}), and writing through {@link JdbcSinks#marketData} into
 * {@code market_data} on native PostgreSQL, in a schema of its own. A producer thread appends
 * trades on a fixed schedule, round-robin over the symbols; their event times are synthetic and run
 * {@code speed} times faster than the schedule, so that many bars close in a short run, among them
 * a close where the 1m, 5m, 15m and 1h bars close together. A poller thread queries {@code
 * market_data} every {@value #POLL_MILLIS} ms and notes when each row of a measured close is first
 * seen.
 *
 * <p>Usage: {@code LatencyBench OUT.md [trades/s] [seconds] [symbols] [warm-up seconds] [speed]
 * [hashmap|rocksdb]}.
 */
public final class LatencyBench {
    /** Its own schema: the tables the integration tests and other benchmarks read stay as is. */
    static final String SCHEMA = "bench_latency";

    /**
     * One partition per source reader: each watermark generator then follows exactly one partition,
     * which is what lets the closing trade be named per partition.
     */
    static final int PARTITIONS = JobThroughputBench.PARALLELISM;

    static final long POLL_MILLIS = 50;

    /** How long rows may take to appear once the producer has stopped, before they are missing. */
    static final long DRAIN_MILLIS = 30_000;

    private static final long MINUTE = Timeframe.M1.millis();

    private static final long HOUR = Timeframe.H1.millis();

    /** The hour the middle of the measured window's event time closes: not a day's end. */
    static final long CLOSING_HOUR = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();

    /** The latency of a row not seen by the end of the run. */
    static final long NOT_SEEN = Long.MAX_VALUE;

    private static final DateTimeFormatter HH_MM =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private LatencyBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/latency.md");
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        int symbols = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        int speed = args.length > 5 ? Integer.parseInt(args[5]) : 60;
        String backend = args.length > 6 ? args[6] : "rocksdb";
        // Side experiments only (the report names the settings it ran with): job options as
        // --key value after the positional arguments, and -Dbench.checkpoint-ms (0 = off).
        String[] jobArgs =
                args.length > 7 ? Arrays.copyOfRange(args, 7, args.length) : new String[0];
        Shipped shipped = Shipped.get();
        long checkpointMillis = Long.getLong("bench.checkpoint-ms", shipped.interval.toMillis());
        Path checkpoints = out.toAbsolutePath().getParent().resolve("checkpoints");

        ServiceEnvironment services = ServiceEnvironment.load();
        KafkaEndpoint kafka = KafkaEndpoint.from(services);
        JdbcEndpoint postgres = endpoint(services);
        String version = prepareSchema(postgres);
        String topic = "bench.latency." + System.currentTimeMillis();
        createTopic(kafka, topic);

        Configuration config = CommonOptions.fromArgs(jobArgs);
        // Production settings throughout: the watermark's idleness and quiet advance stay on.
        MarketSettings settings = new MarketSettings(config);
        JdbcExecutionOptions jdbc = CommonOptions.jdbcExecution(config);
        shipped.backend(config, backend, checkpoints);
        if (checkpointMillis > 0) {
            shipped.checkpointing(config, java.time.Duration.ofMillis(checkpointMillis));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        JobThroughputBench.PARALLELISM, config);
        build(env, kafka, topic, postgres, jdbc, settings);
        long watermarkInterval = env.getConfig().getAutoWatermarkInterval();

        JobClient job = env.executeAsync("bench-latency");
        Result result;
        try {
            awaitRunning(job);
            // Planned from now, as the job runs: the schedule and the closes agree.
            Plan plan =
                    Plan.of(
                            System.currentTimeMillis() + 1000,
                            rate,
                            warmup,
                            seconds,
                            speed,
                            settings);
            Producer producer = new Producer(kafka, topic, plan, symbols);
            Poller poller = new Poller(postgres, plan, symbols, settings.timeframes);
            Thread pollerThread = new Thread(poller, "latency-poller");
            pollerThread.setDaemon(true);
            pollerThread.start();
            Thread producerThread = new Thread(producer, "latency-producer");
            producerThread.setDaemon(true);
            producerThread.start();
            producerThread.join(TimeUnit.SECONDS.toMillis(warmup + seconds + 120L));
            if (producerThread.isAlive() || producer.failure.get() != null) {
                throw new IllegalStateException(
                        "the producer did not finish in time", producer.failure.get());
            }
            System.err.printf(
                    Locale.ROOT,
                    "[bench] produced %d trades (%d errors), waiting for the last rows ...%n",
                    producer.acked.get(),
                    producer.errors.get());
            long expected = poller.expectedRows();
            long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
            while (poller.seen.get() < expected && System.currentTimeMillis() < deadline) {
                if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
            poller.stop = true;
            pollerThread.join(10_000);
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status != JobStatus.RUNNING) {
                throw new IllegalStateException(
                        "the job is " + status + " instead of running",
                        job.getJobExecutionResult().handle((r, e) -> e).get(10, TimeUnit.SECONDS));
            }
            if (poller.failure.get() != null) {
                throw new IllegalStateException("the poller failed", poller.failure.get());
            }
            result = new Result(plan, producer, poller);
        } finally {
            cancel(job);
            deleteTopic(kafka, topic);
            truncate(postgres);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out,
                report(
                        result,
                        version,
                        backend,
                        settings,
                        jdbc,
                        watermarkInterval,
                        symbols,
                        checkpointMillis));
        long[] lat = result.latencies;
        BenchSummary.writePart(
                out.toAbsolutePath().getParent(),
                "latency",
                Map.of(
                        "latency_p99_ms",
                        lat.length == 0 || percentile(lat, 99) == NOT_SEEN
                                ? Double.NaN
                                : (double) percentile(lat, 99),
                        "latency_closes",
                        result.closes.size()));
    }

    /** The market job with the Kafka trades in and {@code market_data} out. */
    static void build(
            StreamExecutionEnvironment env,
            KafkaEndpoint kafka,
            String topic,
            JdbcEndpoint postgres,
            JdbcExecutionOptions jdbc,
            MarketSettings settings) {
        SourceFactory<RawRecord> source =
                SourceFactory.of(
                        KafkaSources.raw(kafka, topic, "bench-latency-" + topic, false),
                        TypeInformation.of(RawRecord.class));
        MarketJob.Sources sources =
                new MarketJob.Sources(
                        new MarketJob.Input<>(source, settings.tradeParser::parse, "bench"),
                        null,
                        null);
        MarketJob.Sinks sinks =
                new MarketJob.Sinks(
                        List.of(
                                NamedSink.of(
                                        "bench-market-data",
                                        MarketJdbcSinks.marketData(postgres, jdbc, "bench"))),
                        List.of(),
                        List.of(),
                        List.of(
                                NamedSink.of(
                                        "bench-dead-letters", new DiscardingSink<DeadLetter>())));
        new MarketJob(sources, sinks, settings).build(env);
    }

    /** Native PostgreSQL as the services env names it (TLS included), in {@link #SCHEMA}. */
    static JdbcEndpoint endpoint(ServiceEnvironment services) {
        String url = JdbcEndpoint.postgresUrl(services);
        return new JdbcEndpoint(
                url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
                services.require(ServiceKeys.POSTGRES_USER),
                services.get(ServiceKeys.POSTGRES_PASSWORD, ""));
    }

    private static String prepareSchema(JdbcEndpoint endpoint) throws Exception {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            SchemaMigrator.apply(c);
            st.execute("TRUNCATE market_data");
            try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void truncate(JdbcEndpoint endpoint) {
        try (Connection c = endpoint.open();
                Statement st = c.createStatement()) {
            st.execute("TRUNCATE market_data");
        } catch (Exception e) {
            System.err.println("[bench] could not empty " + SCHEMA + ".market_data: " + e);
        }
    }

    /**
     * A fresh topic whose broker stamps each record with its append time, which the producer's
     * acknowledgement then carries back; waits until every partition has a leader (an idempotent
     * producer that starts before can stay stuck in sequence retries).
     */
    private static void createTopic(KafkaEndpoint kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, PARTITIONS, (short) 1)
                                            .configs(
                                                    Map.of(
                                                            TopicConfig
                                                                    .MESSAGE_TIMESTAMP_TYPE_CONFIG,
                                                            "LogAppendTime"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no partition leaders for " + topic);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static void deleteTopic(KafkaEndpoint kafka, String topic) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("[bench] could not delete topic " + topic + ": " + e);
        }
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not start within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static void cancel(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Already finished or failed: the cause, if any, was reported above.
        }
    }

    /**
     * When to produce and which bars to measure. Trade {@code i} is due {@code i / rate} seconds
     * after the start, and its event time is {@code origin + speed * (i / rate)} seconds: event
     * time runs {@code speed} times faster than the schedule, so a 1m bar closes every {@code 60 /
     * speed} seconds. The origin puts {@link #CLOSING_HOUR} (plus the out-of-orderness bound, when
     * the watermark closes it) in the middle of the measured window, so that every run, however
     * short, measures a close where the 1m, 5m, 15m and 1h bars close together. Latency is taken
     * between two wall-clock times; the synthetic event times only decide when bars close.
     */
    record Plan(
            long startWall,
            long measureStartWall,
            long measureEndWall,
            int rate,
            int speed,
            long warmupTrades,
            long totalTrades,
            long origin,
            long bound,
            long[] closes) {
        static Plan of(
                long startWall, int rate, int warmup, int seconds, int speed, MarketSettings s) {
            long measureStart = startWall + warmup * 1000L;
            long measureEnd = measureStart + seconds * 1000L;
            long bound = s.outOfOrderness.toMillis();
            long middle = (measureStart + measureEnd) / 2 - startWall;
            long origin = CLOSING_HOUR + bound - middle * speed;
            long firstTs = origin + (measureStart - startWall) * speed;
            long endTs = origin + (measureEnd - startWall) * speed;
            List<Long> closes = new ArrayList<>();
            for (long barEnd = Math.floorDiv(firstTs - bound, MINUTE) * MINUTE + MINUTE;
                    barEnd + bound < endTs;
                    barEnd += MINUTE) {
                if (barEnd + bound >= firstTs) {
                    closes.add(barEnd + bound);
                }
            }
            return new Plan(
                    startWall,
                    measureStart,
                    measureEnd,
                    rate,
                    speed,
                    (long) rate * warmup,
                    (long) rate * (warmup + seconds),
                    origin,
                    bound,
                    closes.stream().mapToLong(Long::longValue).toArray());
        }

        /** The event time of trade {@code i}: on the schedule, {@code speed} times faster. */
        long eventTime(long i) {
            return origin + (long) (i * 1000.0 * speed / rate);
        }

        /** The end of the bars that close at close {@code k}. */
        long barEnd(int k) {
            return closes[k] - bound;
        }

        /**
         * The open time of the bar closed at close {@code k}: event time {@code bar end + bound}
         * makes the watermark {@code bar end - 1}, the window's last instant.
         */
        long barStart(int k) {
            return closes[k] - bound - MINUTE;
        }
    }

    /**
     * Appends trades on schedule ({@code i / rate} seconds after the start, never in bursts to
     * catch up more than the schedule asks) and notes, per partition, the broker's append time of
     * the first trade whose event time reaches each planned close.
     */
    static final class Producer implements Runnable {
        private final KafkaEndpoint kafka;
        private final String topic;
        private final Plan plan;
        private final String[] symbols;

        /** [partition * closes + k]: append time of the partition's first trade at close k. */
        final AtomicLongArray closeAppend;

        final AtomicLong acked = new AtomicLong();
        final AtomicLong measuredAcked = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong maxBehindNanos = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile long measuredFirstSend;
        volatile long measuredLastSend;

        /** Next close per partition; touched only by the producer's I/O thread. */
        private final int[] nextClose = new int[PARTITIONS];

        Producer(KafkaEndpoint kafka, String topic, Plan plan, int symbols) {
            this.kafka = kafka;
            this.topic = topic;
            this.plan = plan;
            this.symbols = new String[symbols];
            for (int s = 0; s < symbols; s++) {
                this.symbols[s] = "LAT" + s;
            }
            this.closeAppend = new AtomicLongArray(PARTITIONS * plan.closes().length);
        }

        @Override
        public void run() {
            Properties props = kafka.clientProperties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            // A few ms of batching, as a real feed handler would: latency starts at the append.
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            BenchData data = BenchData.get();
            String[] price = new String[data.trades()];
            String[] size = new String[data.trades()];
            for (int t = 0; t < data.trades(); t++) {
                price[t] = Double.toString(data.tradePrice[t]);
                size[t] = Double.toString(data.tradeSize[t]);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                long waitMillis = plan.startWall() - System.currentTimeMillis();
                if (waitMillis > 0) {
                    Thread.sleep(waitMillis);
                }
                long startNanos = System.nanoTime();
                double nanosPerTrade = 1e9 / plan.rate();
                for (long i = 0; i < plan.totalTrades(); i++) {
                    long due = startNanos + (long) (i * nanosPerTrade);
                    long now = System.nanoTime();
                    if (now < due) {
                        LockSupport.parkNanos(due - now);
                    } else if (now - due > maxBehindNanos.get()) {
                        maxBehindNanos.set(now - due);
                    }
                    long ts = plan.eventTime(i);
                    boolean measured = i >= plan.warmupTrades();
                    if (measured) {
                        if (i == plan.warmupTrades()) {
                            measuredFirstSend = System.nanoTime();
                        }
                        measuredLastSend = System.nanoTime();
                    }
                    int t = (int) (i % data.trades());
                    String symbol = symbols[(int) (i % symbols.length)];
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    symbol,
                                    JobThroughputBench.tradeJson(symbol, ts, price[t], size[t], i)),
                            (metadata, e) -> {
                                if (e != null) {
                                    errors.incrementAndGet();
                                    failure.compareAndSet(null, e);
                                    return;
                                }
                                acked.incrementAndGet();
                                if (measured) {
                                    measuredAcked.incrementAndGet();
                                }
                                onAppend(metadata.partition(), ts, metadata.timestamp());
                            });
                }
                producer.flush();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        /** Acknowledgements of one partition arrive in offset order, on one I/O thread. */
        private void onAppend(int partition, long ts, long appendTime) {
            long[] closes = plan.closes();
            while (nextClose[partition] < closes.length && ts >= closes[nextClose[partition]]) {
                closeAppend.set(partition * closes.length + nextClose[partition], appendTime);
                nextClose[partition]++;
            }
        }

        /**
         * The append time that closes bar {@code k}: the later of the partitions' first appends at
         * the close, as the window operator waits for the smaller of its inputs' watermarks; -1 if
         * a partition never reached it.
         */
        long closeTime(int k) {
            int n = plan.closes().length;
            long max = -1;
            for (int p = 0; p < PARTITIONS; p++) {
                long append = closeAppend.get(p * n + k);
                if (append == 0) {
                    return -1;
                }
                max = Math.max(max, append);
            }
            return max;
        }

        /** How far apart the partitions' closing appends were, in ms. */
        long closeSpread(int k) {
            int n = plan.closes().length;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int p = 0; p < PARTITIONS; p++) {
                min = Math.min(min, closeAppend.get(p * n + k));
                max = Math.max(max, closeAppend.get(p * n + k));
            }
            return max - min;
        }
    }

    /**
     * Queries the rows of the measured closes every {@value #POLL_MILLIS} ms (every timeframe up to
     * 1h whose bar ends at the close) and notes the start time of the first query that returned
     * each: under READ COMMITTED a query sees the rows committed before it started, so a row was
     * committed between the previous query's start and this one's.
     */
    static final class Poller implements Runnable {
        private final JdbcEndpoint endpoint;
        private final Plan plan;
        private final int symbols;

        /** "timeframe@bar start" → the close it belongs to. */
        private final Map<String, Integer> barIndex = new HashMap<>();

        /** Per close: the timeframes whose bars close there, e.g. "1m+5m+15m+1h". */
        final String[] closing;

        /** Per close: the rows expected (symbols × timeframes closing). */
        final int[] expected;

        /** Per close: "timeframe symbol" → wall time first seen. Read after the thread ended. */
        final List<Map<String, Long>> firstSeen = new ArrayList<>();

        final AtomicInteger seen = new AtomicInteger();
        final List<Long> intervals = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean stop;

        Poller(JdbcEndpoint endpoint, Plan plan, int symbols, List<Timeframe> timeframes) {
            this.endpoint = endpoint;
            this.plan = plan;
            this.symbols = symbols;
            int n = plan.closes().length;
            this.closing = new String[n];
            this.expected = new int[n];
            for (int k = 0; k < n; k++) {
                List<String> labels = new ArrayList<>();
                for (Timeframe tf : timeframes) {
                    long end = plan.barEnd(k);
                    if (tf.millis() <= HOUR && end % tf.millis() == 0) {
                        labels.add(tf.label());
                        barIndex.put(tf.label() + "@" + (end - tf.millis()), k);
                    }
                }
                closing[k] = String.join("+", labels);
                expected[k] = labels.size() * symbols;
                firstSeen.add(new HashMap<>());
            }
        }

        long expectedRows() {
            return Arrays.stream(expected).asLongStream().sum();
        }

        @Override
        public void run() {
            if (plan.closes().length == 0) {
                return;
            }
            String sql =
                    "SELECT symbol, ts, timeframe FROM market_data WHERE timeframe IN"
                            + " ('1m','5m','15m','1h') AND ts >= ? AND ts <= ?";
            try (Connection c = endpoint.open();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setTimestamp(2, new Timestamp(plan.barStart(plan.closes().length - 1)));
                long previous = 0;
                int oldest = 0;
                while (!stop) {
                    long start = System.currentTimeMillis();
                    if (previous != 0) {
                        intervals.add(start - previous);
                    }
                    previous = start;
                    // Bars whose every row has been seen are not asked for again: the poller
                    // should cost the machine as little as it can while the job runs.
                    while (oldest < plan.closes().length - 1
                            && firstSeen.get(oldest).size() >= expected[oldest]) {
                        oldest++;
                    }
                    ps.setTimestamp(1, new Timestamp(plan.barEnd(oldest) - HOUR));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String tf = rs.getString(3);
                            Integer k = barIndex.get(tf + "@" + rs.getTimestamp(2).getTime());
                            if (k != null
                                    && firstSeen
                                                    .get(k)
                                                    .putIfAbsent(tf + " " + rs.getString(1), start)
                                            == null) {
                                seen.incrementAndGet();
                            }
                        }
                    }
                    long sleep = start + POLL_MILLIS - System.currentTimeMillis();
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }
    }

    /** One measured bar close. */
    record Close(
            long barEnd,
            String timeframes,
            long closeAppend,
            long spread,
            long[] latencies,
            int missing) {}

    /** Everything measured, gathered once both threads have ended. */
    static final class Result {
        final Plan plan;
        final List<Close> closes = new ArrayList<>();
        final long[] latencies;
        final double rate;
        final long measuredTrades;
        final long errors;
        final long maxBehindMillis;
        final long[] intervals;
        final int unclosed;

        Result(Plan plan, Producer producer, Poller poller) {
            this.plan = plan;
            List<Long> all = new ArrayList<>();
            int notClosed = 0;
            for (int k = 0; k < plan.closes().length; k++) {
                long close = producer.closeTime(k);
                if (close < 0) {
                    notClosed++;
                    continue;
                }
                Map<String, Long> seen = poller.firstSeen.get(k);
                // A row never seen counts as slower than every row seen, so that a job falling
                // behind cannot make its percentiles look better by losing the slow rows.
                long[] lat =
                        LongStream.concat(
                                        seen.values().stream().mapToLong(t -> t - close),
                                        LongStream.generate(() -> NOT_SEEN)
                                                .limit(
                                                        Math.max(
                                                                0,
                                                                poller.expected[k] - seen.size())))
                                .sorted()
                                .toArray();
                for (long l : lat) {
                    all.add(l);
                }
                closes.add(
                        new Close(
                                plan.barEnd(k),
                                poller.closing[k],
                                close,
                                producer.closeSpread(k),
                                lat,
                                poller.expected[k] - seen.size()));
            }
            this.unclosed = notClosed;
            this.latencies = all.stream().mapToLong(Long::longValue).sorted().toArray();
            this.measuredTrades = producer.measuredAcked.get();
            long nanos = producer.measuredLastSend - producer.measuredFirstSend;
            this.rate = nanos > 0 ? (measuredTrades - 1) * 1e9 / nanos : Double.NaN;
            this.errors = producer.errors.get();
            this.maxBehindMillis = producer.maxBehindNanos.get() / 1_000_000;
            this.intervals = poller.intervals.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** Nearest-rank percentile of sorted values; -1 if there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String report(
            Result r,
            String version,
            String backend,
            MarketSettings settings,
            JdbcExecutionOptions jdbc,
            long watermarkInterval,
            int symbols,
            long checkpointMillis) {
        Plan plan = r.plan;
        long[] lat = r.latencies;
        long[] iv = r.intervals.clone();
        Arrays.sort(iv);
        double meanInterval = Arrays.stream(iv).average().orElse(Double.NaN);
        long p99 = percentile(lat, 99);
        int missing = r.closes.stream().mapToInt(Close::missing).sum();
        StringBuilder sb = new StringBuilder();
        sb.append("## 4. Latency (Kafka → market job → PostgreSQL ")
                .append(version)
                .append(", MiniCluster, parallelism ")
                .append(JobThroughputBench.PARALLELISM)
                .append(")\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "The market job as deployed (all %d timeframes, indicators, the JDBC upsert"
                                + " sink `MarketJdbcSinks.marketData`; %s state backend) reads a fresh"
                                + " %d-partition Kafka topic (`message.timestamp.type=LogAppendTime`)"
                                + " and writes `market_data` in schema `%s` of native PostgreSQL."
                                + " A producer thread appends %,d trades/s on a fixed schedule,"
                                + " round-robin over %,d symbols (real Bitstamp prices), for %d s"
                                + " after a %d s warm-up that is not measured. Event times are"
                                + " synthetic and run %dx faster than the schedule (a 1m bar"
                                + " closes every %.1f s), placed so that %s UTC closes in the"
                                + " middle of the measured window: there the 1m, 5m, 15m and 1h"
                                + " bars close together. Latency is taken between two wall-clock"
                                + " times.%n%n",
                        settings.timeframes.size(),
                        backend,
                        PARTITIONS,
                        SCHEMA,
                        plan.rate(),
                        symbols,
                        (plan.measureEndWall() - plan.measureStartWall()) / 1000,
                        (plan.measureStartWall() - plan.startWall()) / 1000,
                        plan.speed(),
                        60.0 / plan.speed(),
                        HH_MM.format(Instant.ofEpochMilli(CLOSING_HOUR))));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "**Latency of a row** (each row of a 1m, 5m, 15m or 1h bar that closed"
                                + " in the measured window): from the broker's append time of the trade whose"
                                + " watermark closes the bar, to the first time a poller saw the"
                                + " row committed in `market_data`. The watermark is not per"
                                + " symbol: each of the %d watermark generators follows one"
                                + " partition and emits `max event time - %d ms - 1` every %d ms,"
                                + " and a window fires once the smaller of its inputs' watermarks"
                                + " reaches the bar's end. So the closing trade is, in each"
                                + " partition, the first trade (of any symbol) whose event time"
                                + " reaches bar end + %d ms, and the start is the later of those"
                                + " two appends (the acknowledgement carries the append time)."
                                + " The poller runs `SELECT symbol, ts, timeframe FROM market_data"
                                + " WHERE timeframe IN ('1m','5m','15m','1h')` over the measured"
                                + " bars every %d ms; a row"
                                + " first returned by a query was committed after the previous"
                                + " query started, so each figure is an upper bound, above the"
                                + " true one by at most one poll interval (mean %.0f ms, max %d"
                                + " ms here).%n%n",
                        PARTITIONS,
                        plan.bound(),
                        watermarkInterval,
                        plan.bound(),
                        POLL_MILLIS,
                        meanInterval,
                        iv.length == 0 ? 0 : iv[iv.length - 1]));
        sb.append("| what | figure | goal |\n|---|---|---|\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| event-to-row latency p50 / p99 / max | **%s / %s / %s** | p99 < 1 s (%s) |%n",
                        ms(percentile(lat, 50)),
                        ms(p99),
                        ms(lat.length == 0 ? -1 : lat[lat.length - 1]),
                        lat.length == 0 ? "not measured" : p99 < 1000 ? "met" : "not met"));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| fastest row | %s | |%n",
                        ms(lat.length == 0 ? -1 : lat[0])));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| rows measured | %,d of %,d (%d bar closes, %d of them where 5m, 15m"
                                + " and 1h close with the 1m bar, × %,d symbols; %d not seen"
                                + " %d s after the last trade, counted as slower than any seen;"
                                + " %d closes not reached by a trade) | ≥ 30 closes |%n",
                        lat.length - missing,
                        lat.length,
                        r.closes.size(),
                        r.closes.stream().filter(c -> c.timeframes().contains("1h")).count(),
                        symbols,
                        missing,
                        DRAIN_MILLIS / 1000,
                        r.unclosed));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| input rate achieved (measured window) | %,.0f trades/s (%,d trades"
                                + " acknowledged, %d send errors; producer at most %d ms behind"
                                + " schedule) | %,d/s for %d s |%n",
                        r.rate,
                        r.measuredTrades,
                        r.errors,
                        r.maxBehindMillis,
                        plan.rate(),
                        (plan.measureEndWall() - plan.measureStartWall()) / 1000));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| poll resolution | every %d ms asked; %.0f ms mean, %d ms p99, %d ms max"
                                + " between query starts | |%n",
                        POLL_MILLIS,
                        meanInterval,
                        percentile(iv, 99),
                        iv.length == 0 ? 0 : iv[iv.length - 1]));
        sb.append("\nSettings that matter (production defaults unless said):\n\n");
        sb.append("| setting | value |\n|---|---|\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| `%s` | %d ms (a bar closes this long after its end, in event time) |%n",
                        MarketOptions.OUT_OF_ORDERNESS.key(),
                        plan.bound()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| watermark emit interval (`pipeline.auto-watermark-interval`) | %d ms |%n",
                        watermarkInterval));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| `%s` / `%s` | %d s / %d s (no effect while trades flow) |%n",
                        MarketOptions.IDLENESS.key(),
                        MarketOptions.QUIET_ADVANCE.key(),
                        settings.idleness.toSeconds(),
                        settings.quietAdvance.toSeconds()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| `%s` / `%s` | %d rows / %d ms (a batch is written when full, on the"
                                + " interval, and on every checkpoint; auto-commit) |%n",
                        CommonOptions.JDBC_BATCH_SIZE.key(),
                        CommonOptions.JDBC_BATCH_INTERVAL.key(),
                        jdbc.getBatchSize(),
                        jdbc.getBatchIntervalMs()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| state and checkpoints | %s backend; checkpoints every %,d ms (%s) |%n",
                        backend,
                        checkpointMillis,
                        Shipped.get().describe()));
        sb.append("\nPer bar close (times UTC, latencies in ms):\n\n");
        sb.append(
                "| bar end | bars closing | partitions' closing appends apart | rows seen | first row |"
                        + " p50 | p99 | last row |\n"
                        + "|---|---|---|---|---|---|---|---|\n");
        for (Close c : r.closes) {
            long[] l = c.latencies();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %d ms | %,d | %s | %s | %s | %s |%n",
                            HH_MM.format(Instant.ofEpochMilli(c.barEnd())),
                            c.timeframes(),
                            c.spread(),
                            l.length - c.missing(),
                            ms(l.length == 0 ? -1 : l[0]),
                            ms(percentile(l, 50)),
                            ms(percentile(l, 99)),
                            ms(l.length == 0 ? -1 : l[l.length - 1])));
        }
        return sb.toString();
    }

    private static String ms(long millis) {
        if (millis == NOT_SEEN) {
            return "not seen";
        }
        return millis < 0 ? "–" : String.format(Locale.ROOT, "%,d ms", millis);
    }
}
