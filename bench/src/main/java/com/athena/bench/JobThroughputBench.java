package com.athena.bench;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.RawRecord;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.NamedSink;
import com.athena.common.flink.ParseOrDeadLetter;
import com.athena.common.flink.SourceFactory;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Trade;
import com.athena.jobs.market.MarketJob;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trades/s of the market job on a local MiniCluster (parallelism 2) against a bare job over the
 * same input, on the heap and RocksDB (incremental) backends, with checkpointing off and every
 * second.
 *
 * <p>The input is {@code N} JSON trades generated from the real Bitstamp trades: every trade is
 * repeated for several symbols, and the data set is replayed shifted by its span as often as
 * needed, so event time only moves forward and no trade is late. Sequence numbers are interleaved
 * between the two source readers so that both advance through event time together, as two Kafka
 * partitions would.
 *
 * <p>Usage: {@code JobThroughputBench OUT.md [trades] [repetitions] [RocksDB trades]}.
 */
public final class JobThroughputBench {
    static final String[] SYMBOLS = {
        "BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "LTC-USD", "DOT-USD"
    };
    static final int PARALLELISM = 2;
    static final String MANAGED_MEMORY = System.getProperty("bench.managed", "330m");

    private JobThroughputBench() {}

    /** Which graph runs: the market job or the bare pipe. */
    enum Graph {
        BARE,
        MARKET
    }

    /** One measured run. */
    record Run(
            Graph graph,
            String backend,
            boolean checkpoints,
            long trades,
            long millis,
            long streamingMillis,
            long cpu) {
        /** Trades per second while the trades streamed: deployment and shutdown left out. */
        double perSecond() {
            return trades * 1000.0 / streamingMillis;
        }

        /** Trades per second of process CPU time: per core, whatever else the machine runs. */
        double perCpuSecond() {
            return trades * 1e9 / cpu;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/throughput.md");
        long n = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        // RocksDB runs an order of magnitude slower here: fewer trades keep the run under budget.
        long rocksN = args.length > 3 ? Long.parseLong(args[3]) : n / 5;
        Path checkpoints = out.toAbsolutePath().getParent().resolve("checkpoints");

        // JIT warm-up of both graphs, not reported.
        run(Graph.BARE, "hashmap", false, n / 4, checkpoints);
        run(Graph.MARKET, "hashmap", false, n / 4, checkpoints);
        run(Graph.MARKET, "rocksdb", false, rocksN / 4, checkpoints);

        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            for (String backend :
                    System.getProperty("bench.backends", "hashmap,rocksdb").split(",")) {
                long trades = backend.equals("rocksdb") ? rocksN : n;
                runs.add(run(Graph.BARE, backend, false, trades, checkpoints));
                runs.add(run(Graph.MARKET, backend, false, trades, checkpoints));
                runs.add(run(Graph.MARKET, backend, true, trades, checkpoints));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report(runs, n, rocksN, reps));
    }

    static Run run(Graph graph, String backend, boolean checkpoints, long n, Path dir)
            throws Exception {
        Configuration conf = backend(new Configuration(), backend, dir);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        if (checkpoints) {
            env.enableCheckpointing(1000);
        }
        // The market job turns object reuse on for itself; the bare job gets the same setting.
        env.getConfig().enableObjectReuse();
        SourceFactory<RawRecord> source =
                (e, name) ->
                        e.fromSource(
                                new DataGeneratorSource<>(
                                        new TradeGenerator(n),
                                        n,
                                        TypeInformation.of(RawRecord.class)),
                                org.apache.flink.api.common.eventtime.WatermarkStrategy
                                        .noWatermarks(),
                                name,
                                TypeInformation.of(RawRecord.class));
        MarketSettings settings = settings();
        if (graph == Graph.MARKET) {
            MarketJob.Sources sources =
                    new MarketJob.Sources(
                            new MarketJob.Input<Trade>(
                                    source, settings.tradeParser::parse, "bench"),
                            null,
                            null);
            MarketJob.Sinks sinks =
                    new MarketJob.Sinks(
                            List.of(
                                    NamedSink.of(
                                            "bench-market-data", new DiscardingSink<MarketBar>())),
                            List.of(),
                            List.of(),
                            List.of(
                                    NamedSink.of(
                                            "bench-dead-letters",
                                            new DiscardingSink<DeadLetter>())));
            new MarketJob(sources, sinks, settings).build(env);
        } else {
            source.create(env, "bench-source")
                    .uid("bench-source")
                    .process(
                            new ParseOrDeadLetter<>("bench", settings.tradeParser::parse),
                            TypeInformation.of(Trade.class))
                    .uid("bench-parse")
                    .keyBy(trade -> trade.symbol)
                    .sinkTo(new DiscardingSink<>())
                    .uid("bench-discard");
        }
        TradeGenerator.FIRST.set(Long.MAX_VALUE);
        TradeGenerator.LAST.set(Long.MIN_VALUE);
        long cpuBefore = processCpuNanos();
        JobExecutionResult result = env.execute("bench-" + graph + "-" + backend);
        long cpu = processCpuNanos() - cpuBefore;
        long streaming = (TradeGenerator.LAST.get() - TradeGenerator.FIRST.get()) / 1_000_000;
        Run run =
                new Run(
                        graph,
                        backend,
                        checkpoints,
                        n,
                        result.getNetRuntime(),
                        Math.max(1, streaming),
                        cpu);
        System.err.printf(
                Locale.ROOT,
                "[bench] %s %s checkpoints=%s: %d trades in %d ms (%d ms streaming) = %.0f"
                        + " trades/s%n",
                graph,
                backend,
                checkpoints,
                n,
                run.millis(),
                run.streamingMillis(),
                run.perSecond());
        return run;
    }

    /**
     * The benchmarks' MiniCluster state settings: the backend, incremental checkpoints into {@code
     * checkpoints}, and the managed memory a task manager of {@code flink-conf/config.yaml} has
     * (fraction 0.3 of 1536m): RocksDB's memtables and block cache come from it, and the
     * MiniCluster default starves them.
     */
    static Configuration backend(Configuration conf, String backend, Path checkpoints) {
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(MANAGED_MEMORY));
        return conf;
    }

    static MarketSettings settings() {
        Configuration config = CommonOptions.fromArgs(new String[0]);
        // Generated event times say nothing about the wall clock, as in a replay.
        config.set(MarketOptions.QUIET_ADVANCE, Duration.ZERO);
        config.set(MarketOptions.IDLENESS, Duration.ZERO);
        return new MarketSettings(config);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Markdown with every run, the means with their range and the ratios. */
    static String report(List<Run> runs, long n, long rocksN, int reps) {
        StringBuilder sb = new StringBuilder();
        sb.append("## 2. Job throughput (MiniCluster, parallelism ")
                .append(PARALLELISM)
                .append(")\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%,d JSON trades per run on heap, %,d on RocksDB (%d symbols, real Bitstamp prices and times),"
                                + " %d repetitions, interleaved; market = source → parse →"
                                + " watermarks → bars (5 timeframes) → indicators → discarding"
                                + " sink; bare = source → parse → keyBy(symbol) → discarding sink."
                                + " Time is from the first trade the source generates to the"
                                + " last (sampled every "
                                + TradeGenerator.SAMPLE
                                + " trades): the job's deployment and shutdown (about 1 s, the"
                                + " same for every graph) are left out, since they would flatter"
                                + " the ratio of a slower graph; the all-runs table also gives the"
                                + " net runtime. As the source is backpressured, its last trade"
                                + " leaves only the in-flight buffers and the final window firing"
                                + " uncounted. Managed memory "
                                + MANAGED_MEMORY
                                + " per task manager, as flink-conf/config.yaml gives it."
                                + " \"per CPU-s\" divides by the process CPU time used, the"
                                + " per-core figure on a shared machine.%n%n",
                        n,
                        rocksN,
                        SYMBOLS.length,
                        reps));
        sb.append(
                        "| graph | backend | checkpoints | trades/s (mean ± half-range) | trades/s per core (÷")
                .append(PARALLELISM)
                .append(") | trades per CPU-s |\n|---|---|---|---|---|---|\n");
        String[][] configs = {
            {"BARE", "hashmap", "false"},
            {"MARKET", "hashmap", "false"},
            {"MARKET", "hashmap", "true"},
            {"BARE", "rocksdb", "false"},
            {"MARKET", "rocksdb", "false"},
            {"MARKET", "rocksdb", "true"}
        };
        double[][] stats = new double[configs.length][];
        double[][] perRep = new double[configs.length][];
        for (int i = 0; i < configs.length; i++) {
            String[] c = configs[i];
            List<Run> matching =
                    runs.stream()
                            .filter(
                                    r ->
                                            r.graph().name().equals(c[0])
                                                    && r.backend().equals(c[1])
                                                    && r.checkpoints()
                                                            == Boolean.parseBoolean(c[2]))
                            .toList();
            // In repetition order: runs of one repetition ran next to each other.
            perRep[i] = matching.stream().mapToDouble(Run::perSecond).toArray();
            stats[i] = meanHalfRange(perRep[i]);
            double cpu = matching.stream().mapToDouble(Run::perCpuSecond).average().orElse(0);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %,.0f ± %,.0f | %,.0f | %,.0f |%n",
                            c[0].toLowerCase(Locale.ROOT),
                            c[1],
                            Boolean.parseBoolean(c[2]) ? "every 1 s" : "off",
                            stats[i][0],
                            stats[i][1],
                            stats[i][0] / PARALLELISM,
                            cpu));
        }
        sb.append("\n| ratio | value | goal |\n|---|---|---|\n");
        ratio(sb, "market / bare, heap", perRep[1], perRep[0], "≥ 0.5");
        ratio(sb, "market / bare, RocksDB", perRep[4], perRep[3], "≥ 0.25");
        cost(sb, "checkpointing cost, heap", perRep[2], perRep[1]);
        cost(sb, "checkpointing cost, RocksDB", perRep[5], perRep[4]);
        sb.append(
                        "\nAll runs:\n\n| graph | backend | checkpoints | trades | net runtime ms"
                                + " | streaming ms | trades/s |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %d | %d | %d | %,.0f |%n",
                            r.graph(),
                            r.backend(),
                            r.checkpoints(),
                            r.trades(),
                            r.millis(),
                            r.streamingMillis(),
                            r.perSecond()));
        }
        return sb.toString();
    }

    /**
     * The ratio of two configurations per repetition, then its mean and half-range: A and B of one
     * repetition ran back to back, so pairing them cancels most of the drift of a shared machine.
     */
    private static double[] paired(double[] a, double[] b) {
        double[] ratios = new double[Math.min(a.length, b.length)];
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = a[r] / b[r];
        }
        return meanHalfRange(ratios);
    }

    private static void ratio(StringBuilder sb, String name, double[] a, double[] b, String goal) {
        double[] q = paired(a, b);
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| %s (paired per repetition) | %.2fx ± %.2f | %s |%n",
                        name,
                        q[0],
                        q[1],
                        goal));
    }

    private static void cost(StringBuilder sb, String name, double[] on, double[] off) {
        double[] q = paired(on, off);
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| %s (1 - on/off, paired) | %.1f%% ± %.1f | < 5%% |%n",
                        name,
                        (1 - q[0]) * 100,
                        q[1] * 100));
    }

    static double[] meanHalfRange(double[] xs) {
        if (xs.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sum = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double x : xs) {
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new double[] {sum / xs.length, (max - min) / 2};
    }

    /**
     * Generates JSON trades from the real data: sequence number → (round, trade, symbol), the two
     * readers' halves interleaved so that both move through event time together.
     */
    static final class TradeGenerator implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;

        /** Every this many trades the generator notes the time: a clock read per trade costs. */
        static final int SAMPLE = 1024;

        /** Earliest and latest sampled times of a run, over both readers (same JVM). */
        static final AtomicLong FIRST = new AtomicLong();

        static final AtomicLong LAST = new AtomicLong();

        private final long count;
        private transient BenchData data;
        private transient long span;

        /**
         * Prices and sizes as JSON text, once per real trade: formatting doubles is not the job's
         * cost.
         */
        private transient String[] priceText;

        private transient String[] sizeText;

        TradeGenerator(long count) {
            this.count = count;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            data = BenchData.get();
            span = data.tradeTs[data.trades() - 1] - data.tradeTs[0] + 60_000L;
            priceText = new String[data.trades()];
            sizeText = new String[data.trades()];
            for (int t = 0; t < data.trades(); t++) {
                priceText[t] = Double.toString(data.tradePrice[t]);
                sizeText[t] = Double.toString(data.tradeSize[t]);
            }
        }

        @Override
        public RawRecord map(Long index) throws IOException {
            long half = (count + 1) / 2;
            long i = index;
            if (i % SAMPLE == 0 || i == count - 1 || i == half - 1) {
                long now = System.nanoTime();
                FIRST.accumulateAndGet(now, Math::min);
                LAST.accumulateAndGet(now, Math::max);
            }
            long position = i < half ? 2 * i : 2 * (i - half) + 1;
            int symbols = SYMBOLS.length;
            int trades = data.trades();
            long perRound = (long) trades * symbols;
            long round = position / perRound;
            long within = position % perRound;
            int t = (int) (within / symbols);
            String symbol = SYMBOLS[(int) (within % symbols)];
            long ts = data.tradeTs[t] + round * span;
            return new RawRecord(
                    tradeJson(symbol, ts, priceText[t], sizeText[t], position),
                    "bench@" + position,
                    ts);
        }
    }

    /** A trade as the producers write it to Kafka; price and size already formatted. */
    static String tradeJson(String symbol, long ts, String price, String size, long tradeId) {
        return "{\"symbol\":\""
                + symbol
                + "\",\"ts\":"
                + ts
                + ",\"price\":"
                + price
                + ",\"size\":"
                + size
                + ",\"trade_id\":"
                + tradeId
                + ",\"source\":\"bench\"}";
    }
}
