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
import com.athena.jobs.market.MarketNames;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.market.MarketSettings;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Trades/s of the market job on a local MiniCluster (parallelism 2) against a bare keyed job over
 * the same input and the same keys, on the heap and RocksDB backends with the shipped state
 * settings ({@link Shipped}), with checkpointing off, at the shipped interval and every second.
 *
 * <p>The input is {@code N} JSON trades generated from the real Bitstamp trades, each repeated for
 * {@value #SYMBOL_COUNT} symbols chosen so that every key group of the default maximum parallelism
 * holds the same number of them: both subtasks get the same share, which each run measures (the
 * keyed operator's {@code numRecordsIn} per subtask). The data set is replayed shifted by its span
 * as often as needed, so event time only moves forward and no trade is late. Sequence numbers are
 * interleaved between the two source readers so that both advance through event time together, as
 * two Kafka partitions would.
 *
 * <p>The checkpoint cost at the shipped interval needs longer runs than the ratios: a run of a few
 * seconds holds one checkpoint or none. Each repetition therefore also runs the market job sized
 * from its rate without checkpoints in that repetition to last {@code cost seconds} (at least four
 * shipped intervals), once without checkpoints and once at the shipped interval, in alternating
 * order, and takes the cost from that pair.
 *
 * <p>Usage: {@code JobThroughputBench OUT.md [heap trades] [repetitions] [RocksDB trades] [cost
 * seconds]}.
 */
public final class JobThroughputBench {
    static final int PARALLELISM = 2;

    static final int SYMBOL_COUNT = 256;

    /** The key groups Flink uses at parallelism 2 when none is set (128). */
    static final int MAX_PARALLELISM =
            KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM);

    /** The symbols: {@code SYMBOL_COUNT / MAX_PARALLELISM} in every key group. */
    static final String[] SYMBOLS = balancedSymbols(SYMBOL_COUNT);

    /** The managed memory the runs get, for the state size report. */
    static final String MANAGED_MEMORY =
            System.getProperty(
                    "bench.managed", Shipped.get().managedMemory.toHumanReadableString());

    /** The bare job's keyed operator: its name is what the subtask counter looks for. */
    static final String BARE_KEYED = "bench-bare-keyed";

    private JobThroughputBench() {}

    /** Which graph runs: the market job or the bare keyed pipe. */
    enum Graph {
        BARE,
        MARKET
    }

    /** Checkpointing of a run. */
    enum Checkpoints {
        OFF,
        SHIPPED,
        ONE_SECOND
    }

    /** What a run is for: the ratio against the bare job, or the checkpoint cost pair. */
    enum Purpose {
        RATIO,
        COST
    }

    /** One measured run. */
    record Run(
            Graph graph,
            String backend,
            Checkpoints checkpoints,
            Purpose purpose,
            long trades,
            long millis,
            long streamingMillis,
            long cpu,
            long[] perSubtask,
            long completedCheckpoints) {
        /** Trades per second while the trades streamed: deployment and shutdown left out. */
        double perSecond() {
            return trades * 1000.0 / streamingMillis;
        }

        /** Trades per second of process CPU time: per core, whatever else the machine runs. */
        double perCpuSecond() {
            return trades * 1e9 / cpu;
        }

        /** Records into the keyed operator, busiest subtask over the idlest. */
        double skew() {
            long max = Long.MIN_VALUE;
            long min = Long.MAX_VALUE;
            for (long c : perSubtask) {
                max = Math.max(max, c);
                min = Math.min(min, c);
            }
            return perSubtask.length == 0 || min <= 0 ? Double.NaN : (double) max / min;
        }
    }

    /**
     * {@code n} symbols, the same number in every key group: candidates {@code S0}, {@code S1}, ...
     * are taken while their key group still has room, so that the key groups and with them the
     * subtasks get equal shares of a round-robin input.
     */
    static String[] balancedSymbols(int n) {
        if (n % MAX_PARALLELISM != 0) {
            throw new IllegalArgumentException(
                    n + " symbols do not spread evenly over " + MAX_PARALLELISM + " key groups");
        }
        int perGroup = n / MAX_PARALLELISM;
        int[] taken = new int[MAX_PARALLELISM];
        List<String> symbols = new ArrayList<>();
        for (int i = 0; symbols.size() < n; i++) {
            String candidate = "S" + i + "-USD";
            int group = KeyGroupRangeAssignment.assignToKeyGroup(candidate, MAX_PARALLELISM);
            if (taken[group] < perGroup) {
                taken[group]++;
                symbols.add(candidate);
            }
        }
        return symbols.toArray(String[]::new);
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/throughput.md");
        long n = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long rocksN = args.length > 3 ? Long.parseLong(args[3]) : n / 5;
        Path checkpoints = out.toAbsolutePath().getParent().resolve("checkpoints");
        long costSeconds = args.length > 4 ? Long.parseLong(args[4]) : 40;
        String[] backends = System.getProperty("bench.backends", "hashmap,rocksdb").split(",");

        // JIT warm-up of both graphs, not reported.
        run(Graph.BARE, "hashmap", Checkpoints.OFF, n / 4, checkpoints);
        run(Graph.MARKET, "hashmap", Checkpoints.OFF, n / 4, checkpoints);

        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            for (String backend : backends) {
                long trades = backend.equals("rocksdb") ? rocksN : n;
                runs.add(run(Graph.BARE, backend, Checkpoints.OFF, trades, checkpoints));
                Run off = run(Graph.MARKET, backend, Checkpoints.OFF, trades, checkpoints);
                runs.add(off);
                runs.add(run(Graph.MARKET, backend, Checkpoints.ONE_SECOND, trades, checkpoints));
                long costTrades = Math.max(trades, (long) (off.perSecond() * costSeconds));
                // Alternating which of the pair runs first evens out drift within a repetition.
                List<Checkpoints> pair =
                        r % 2 == 0
                                ? List.of(Checkpoints.OFF, Checkpoints.SHIPPED)
                                : List.of(Checkpoints.SHIPPED, Checkpoints.OFF);
                for (Checkpoints c : pair) {
                    runs.add(run(Graph.MARKET, backend, c, Purpose.COST, costTrades, checkpoints));
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Report report = new Report(runs);
        Files.writeString(out, report.markdown(n, rocksN, reps, costSeconds));
        BenchSummary.writePart(out.toAbsolutePath().getParent(), "throughput", report.summary());
    }

    static Run run(Graph graph, String backend, Checkpoints checkpoints, long n, Path dir)
            throws Exception {
        return run(graph, backend, checkpoints, Purpose.RATIO, n, dir);
    }

    static Run run(
            Graph graph, String backend, Checkpoints checkpoints, Purpose purpose, long n, Path dir)
            throws Exception {
        Shipped shipped = Shipped.get();
        Configuration conf = shipped.backend(new Configuration(), backend, dir);
        conf.setString("metrics.reporter.subtasks.factory.class", SubtaskCounter.class.getName());
        if (checkpoints != Checkpoints.OFF) {
            shipped.checkpointing(
                    conf,
                    checkpoints == Checkpoints.SHIPPED ? shipped.interval : Duration.ofSeconds(1));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
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
        String keyed;
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
            keyed = MarketNames.DEDUP_TRADES;
        } else {
            // The same source, parser and key as the market job, and one keyed state update per
            // trade: the floor of a keyed job on this backend.
            source.create(env, "bench-source")
                    .uid("bench-source")
                    .process(
                            new ParseOrDeadLetter<>("bench", settings.tradeParser::parse),
                            TypeInformation.of(Trade.class))
                    .uid("bench-parse")
                    .keyBy(trade -> trade.symbol)
                    .process(new CountPerKey(), Types.LONG)
                    .uid(BARE_KEYED)
                    .name(BARE_KEYED)
                    .sinkTo(new DiscardingSink<>())
                    .uid("bench-discard");
            keyed = BARE_KEYED;
        }
        TradeGenerator.FIRST.set(Long.MAX_VALUE);
        TradeGenerator.LAST.set(Long.MIN_VALUE);
        SubtaskCounter.COUNTERS.clear();
        SubtaskCounter.CHECKPOINTS.clear();
        long cpuBefore = processCpuNanos();
        JobExecutionResult result = env.execute("bench-" + graph + "-" + backend);
        long cpu = processCpuNanos() - cpuBefore;
        long streaming = (TradeGenerator.LAST.get() - TradeGenerator.FIRST.get()) / 1_000_000;
        Run run =
                new Run(
                        graph,
                        backend,
                        checkpoints,
                        purpose,
                        n,
                        result.getNetRuntime(),
                        Math.max(1, streaming),
                        cpu,
                        SubtaskCounter.recordsIn(keyed),
                        SubtaskCounter.completedCheckpoints());
        System.err.printf(
                Locale.ROOT,
                "[bench] %s %s checkpoints=%s %s: %d trades in %d ms (%d ms streaming) = %.0f"
                        + " trades/s; per subtask %s; %d checkpoints%n",
                graph,
                backend,
                checkpoints,
                purpose,
                n,
                run.millis(),
                run.streamingMillis(),
                run.perSecond(),
                java.util.Arrays.toString(run.perSubtask()),
                run.completedCheckpoints());
        return run;
    }

    /** Kept for the other benchmarks: the backend with the shipped state settings. */
    static Configuration backend(Configuration conf, String backend, Path checkpoints) {
        return Shipped.get().backend(conf, backend, checkpoints);
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

    /** The bare job's keyed step: one read and one write of a value per trade. */
    static final class CountPerKey extends KeyedProcessFunction<String, Trade, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(
                Trade trade, Context ctx, org.apache.flink.util.Collector<Long> out)
                throws IOException {
            Long c = count.value();
            count.update(c == null ? 1L : c + 1);
        }
    }

    /**
     * Keeps the {@code numRecordsIn} counters of every operator subtask and the job's completed
     * checkpoint count, so that a run can report what each subtask of its keyed operator received.
     */
    public static final class SubtaskCounter
            implements MetricReporter, MetricReporterFactory, Scheduled {
        /** operator name + "#" + subtask index → its records-in counter, of the current run. */
        static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

        static final Map<String, org.apache.flink.metrics.Gauge<?>> CHECKPOINTS =
                new ConcurrentHashMap<>();

        /**
         * The largest {@code lastCheckpointFullSize} seen at a report; Flink calls {@link
         * #report()} every {@code metrics.reporter.subtasks.interval}, as it polls gauges for any
         * reporter.
         */
        static final AtomicLong LARGEST_CHECKPOINT = new AtomicLong(-1);

        @Override
        public void report() {
            LARGEST_CHECKPOINT.accumulateAndGet(lastCheckpointFullSize(), Math::max);
        }

        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new SubtaskCounter();
        }

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            Map<String, String> vars = group.getAllVariables();
            if (metric instanceof Counter c
                    && name.equals("numRecordsIn")
                    && vars.containsKey("<operator_name>")) {
                COUNTERS.put(vars.get("<operator_name>") + "#" + vars.get("<subtask_index>"), c);
            } else if (metric instanceof org.apache.flink.metrics.Gauge<?> g
                    && (name.equals("numberOfCompletedCheckpoints")
                            || name.equals("lastCheckpointFullSize"))) {
                CHECKPOINTS.put(name, g);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // Kept: the counts are read once the job has finished.
        }

        static long[] recordsIn(String operator) {
            long[] counts = new long[PARALLELISM];
            for (int s = 0; s < PARALLELISM; s++) {
                Counter c = COUNTERS.get(operator + "#" + s);
                counts[s] = c == null ? -1 : c.getCount();
            }
            return counts;
        }

        static long completedCheckpoints() {
            return gauge("numberOfCompletedCheckpoints");
        }

        /**
         * The full size in bytes of the last completed checkpoint of the latest job; -1 if none.
         */
        static long lastCheckpointFullSize() {
            return gauge("lastCheckpointFullSize");
        }

        private static long gauge(String name) {
            org.apache.flink.metrics.Gauge<?> g = CHECKPOINTS.get(name);
            return g == null || !(g.getValue() instanceof Number v) ? -1 : v.longValue();
        }
    }

    /** The runs' figures: medians with min and max, ratios paired within a repetition. */
    static final class Report {
        private final List<Run> runs;

        Report(List<Run> runs) {
            this.runs = runs;
        }

        /** Trades/s of one configuration, in repetition order. */
        double[] rates(Graph graph, String backend, Checkpoints c, Purpose p) {
            return select(graph, backend, c, p).stream().mapToDouble(Run::perSecond).toArray();
        }

        double[] rates(Graph graph, String backend, Checkpoints c) {
            return rates(graph, backend, c, Purpose.RATIO);
        }

        List<Run> select(Graph graph, String backend, Checkpoints c, Purpose p) {
            return runs.stream()
                    .filter(
                            r ->
                                    r.graph() == graph
                                            && r.backend().equals(backend)
                                            && r.checkpoints() == c
                                            && r.purpose() == p)
                    .toList();
        }

        /** a / b within each repetition: runs of one repetition ran back to back. */
        static double[] paired(double[] a, double[] b) {
            double[] q = new double[Math.min(a.length, b.length)];
            for (int r = 0; r < q.length; r++) {
                q[r] = a[r] / b[r];
            }
            return q;
        }

        double[] ratio(String backend) {
            return paired(
                    rates(Graph.MARKET, backend, Checkpoints.OFF),
                    rates(Graph.BARE, backend, Checkpoints.OFF));
        }

        /**
         * 1 - (with checkpoints / without), per repetition, by trades per wall-clock second or per
         * CPU second: the shipped interval from the long pair, every second from the ratio runs.
         */
        double[] cost(String backend, Checkpoints c, ToDoubleFunction<Run> rate) {
            Purpose p = c == Checkpoints.SHIPPED ? Purpose.COST : Purpose.RATIO;
            double[] q =
                    paired(
                            select(Graph.MARKET, backend, c, p).stream()
                                    .mapToDouble(rate)
                                    .toArray(),
                            select(Graph.MARKET, backend, Checkpoints.OFF, p).stream()
                                    .mapToDouble(rate)
                                    .toArray());
            for (int i = 0; i < q.length; i++) {
                q[i] = 1 - q[i];
            }
            return q;
        }

        double[] cost(String backend, Checkpoints c) {
            return cost(backend, c, Run::perSecond);
        }

        double[] skews() {
            return runs.stream().mapToDouble(Run::skew).filter(Double::isFinite).toArray();
        }

        Map<String, Double> summary() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("heap_ratio", BenchSummary.median(ratio("hashmap")));
            m.put("rocksdb_ratio", BenchSummary.median(ratio("rocksdb")));
            m.put(
                    "checkpoint_cost_heap",
                    BenchSummary.median(cost("hashmap", Checkpoints.SHIPPED)));
            m.put(
                    "checkpoint_cost_rocksdb",
                    BenchSummary.median(cost("rocksdb", Checkpoints.SHIPPED)));
            m.put("subtask_skew", BenchSummary.median(skews()));
            return m;
        }

        String markdown(long n, long rocksN, int reps, long costSeconds) {
            Shipped shipped = Shipped.get();
            StringBuilder sb = new StringBuilder();
            sb.append("## 2. Job throughput (MiniCluster, parallelism ")
                    .append(PARALLELISM)
                    .append(")\n\n");
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%,d JSON trades per run on heap, %,d on RocksDB, round-robin over %d"
                                    + " symbols (%d in each of the %d key groups, so both subtasks"
                                    + " get half; real Bitstamp prices and times), %d repetitions,"
                                    + " the configurations of a repetition back to back. market ="
                                    + " source → parse → watermarks → trade bars (one keyed step"
                                    + " for 5 timeframes) → indicators → discarding sink; bare ="
                                    + " the same source and parser → keyBy(symbol) → one"
                                    + " `ValueState<Long>` read and write per trade → discarding"
                                    + " sink, so each backend is compared with the floor of a"
                                    + " keyed job on that backend. State settings %s. Time is from"
                                    + " the first trade the source generates to the last (sampled"
                                    + " every %d trades): deployment and shutdown are left out."
                                    + " Figures are medians (min to max) over the repetitions;"
                                    + " ratios are taken within a repetition, then their median."
                                    + " \"per CPU-s\" divides by the process CPU time used."
                                    + " The checkpoint cost at the shipped interval comes from a"
                                    + " second pair of market runs per repetition (cost runs),"
                                    + " sized to last about %d s at the rate of that repetition's"
                                    + " run without checkpoints, one without checkpoints and one"
                                    + " with, the order alternating between repetitions.%n%n",
                            n,
                            rocksN,
                            SYMBOLS.length,
                            SYMBOLS.length / MAX_PARALLELISM,
                            MAX_PARALLELISM,
                            reps,
                            shipped.describe(),
                            TradeGenerator.SAMPLE,
                            costSeconds));
            sb.append(
                    "| graph | backend | checkpoints | runs | trades/s | trades per CPU-s |"
                            + " records per subtask (max / min) |\n|---|---|---|---|---|---|---|\n");
            for (String backend : List.of("hashmap", "rocksdb")) {
                for (Graph g : Graph.values()) {
                    for (Purpose p : Purpose.values()) {
                        for (Checkpoints c : Checkpoints.values()) {
                            List<Run> sel = select(g, backend, c, p);
                            if (sel.isEmpty()) {
                                continue;
                            }
                            sb.append(
                                    String.format(
                                            Locale.ROOT,
                                            "| %s | %s | %s | %s | %s | %s | %s |%n",
                                            g.name().toLowerCase(Locale.ROOT),
                                            backend,
                                            label(c, shipped),
                                            p == Purpose.RATIO ? "ratio" : "cost",
                                            BenchSummary.stat(rates(g, backend, c, p), "%,.0f"),
                                            BenchSummary.stat(
                                                    sel.stream()
                                                            .mapToDouble(Run::perCpuSecond)
                                                            .toArray(),
                                                    "%,.0f"),
                                            BenchSummary.stat(
                                                    sel.stream().mapToDouble(Run::skew).toArray(),
                                                    "%.3f")));
                        }
                    }
                }
            }
            sb.append(
                    "\n| figure (per repetition) | median (min to max) | goal |\n|---|---|---|\n");
            row(sb, "market / bare, heap", BenchSummary.stat(ratio("hashmap"), "%.2fx"), "≥ 0.5x");
            row(
                    sb,
                    "market / bare, RocksDB",
                    BenchSummary.stat(ratio("rocksdb"), "%.2fx"),
                    "≥ 0.25x");
            for (String backend : List.of("hashmap", "rocksdb")) {
                for (Checkpoints c : List.of(Checkpoints.SHIPPED, Checkpoints.ONE_SECOND)) {
                    row(
                            sb,
                            "checkpoint cost, "
                                    + backend
                                    + ", "
                                    + label(c, shipped)
                                    + " (1 - with / without)",
                            BenchSummary.stat(scale(cost(backend, c), 100), "%.1f%%"),
                            c == Checkpoints.SHIPPED ? "< 5%" : "");
                }
                row(
                        sb,
                        "checkpoint cost, "
                                + backend
                                + ", "
                                + label(Checkpoints.SHIPPED, shipped)
                                + ", by trades per CPU-s",
                        BenchSummary.stat(
                                scale(cost(backend, Checkpoints.SHIPPED, Run::perCpuSecond), 100),
                                "%.1f%%"),
                        "");
            }
            row(
                    sb,
                    "records per subtask, max / min (all runs)",
                    BenchSummary.stat(skews(), "%.3f"),
                    "");
            sb.append(
                            "\nAll runs (records per subtask = `numRecordsIn` of the keyed operator's"
                                    + " subtasks):\n\n| graph | backend | checkpoints | runs |"
                                    + " trades | net runtime ms | streaming ms | trades/s | records"
                                    + " per subtask | checkpoints completed |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (Run r : runs) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %s | %s | %d | %d | %d | %,.0f | %s | %d |%n",
                                r.graph(),
                                r.backend(),
                                label(r.checkpoints(), shipped),
                                r.purpose() == Purpose.RATIO ? "ratio" : "cost",
                                r.trades(),
                                r.millis(),
                                r.streamingMillis(),
                                r.perSecond(),
                                java.util.Arrays.toString(r.perSubtask()),
                                r.completedCheckpoints()));
            }
            return sb.toString();
        }

        private static String label(Checkpoints c, Shipped shipped) {
            return switch (c) {
                case OFF -> "off";
                case SHIPPED -> "every " + shipped.interval.toSeconds() + " s (shipped)";
                case ONE_SECOND -> "every 1 s";
            };
        }

        private static void row(StringBuilder sb, String name, String value, String goal) {
            sb.append("| ").append(name).append(" | ").append(value).append(" | ");
            sb.append(goal).append(" |\n");
        }

        private static double[] scale(double[] xs, double f) {
            double[] s = xs.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] *= f;
            }
            return s;
        }
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
