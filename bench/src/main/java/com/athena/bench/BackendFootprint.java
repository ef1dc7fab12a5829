package com.athena.bench;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.market.Timeframe;
import com.athena.jobs.market.MarketState;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.View;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FileUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads N warmed indicator states (each from its own stretch of the real bars), keyed by {@code
 * symbol|timeframe} under the market job's own state descriptor, into a real keyed state backend on
 * a MiniCluster (parallelism 2, the market job's managed memory), waits for a checkpoint taken
 * after the last key, and reads the footprint.
 *
 * <p>RocksDB: Flink's RocksDB native metrics of the indicator state's column family (summed over
 * the two subtasks), the SST bytes in the backend's local directories, and the checkpoint's bytes
 * on disk. Heap: the JVM heap used with the job running and the keys loaded, less the same job with
 * no keys, after full GCs, and the checkpoint's bytes. The job keeps running (its source stalls
 * after N keys) while it is measured, then is cancelled.
 */
final class BackendFootprint {
    private static final int PARALLELISM = 2;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** RocksDB properties read, in report order; each is one Flink native metric option. */
    static final String[] ROCKSDB_PROPERTIES = {
        "estimate-num-keys",
        "total-sst-files-size",
        "estimate-live-data-size",
        "size-all-mem-tables",
        "estimate-table-readers-mem",
        "block-cache-usage",
        "block-cache-pinned-usage",
        "block-cache-capacity"
    };

    /** Keys written and checkpoints that saw every key; static: the job runs in this JVM. */
    private static final AtomicLong WRITTEN = new AtomicLong();

    private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();
    private static volatile long expected;
    private static volatile CountDownLatch loadedAndCheckpointed;

    /** One measured backend at one number of keys. */
    record Result(
            String backend,
            int keys,
            long checkpointBytes,
            long localSstBytes,
            long heapBytes,
            Map<String, Long> rocksdb) {}

    private BackendFootprint() {}

    static Result measure(String backend, int keys, Path dir) throws Exception {
        FileUtils.deleteDirectory(dir.toFile());
        Path checkpoints = dir.resolve("checkpoints");
        Path local = dir.resolve("rocksdb");
        Configuration conf = JobThroughputBench.backend(new Configuration(), backend, checkpoints);
        conf.setString("state.backend.rocksdb.localdir", local.toString());
        for (String p : ROCKSDB_PROPERTIES) {
            conf.setString("state.backend.rocksdb.metrics." + p, "true");
        }
        conf.setString("metrics.reporter.footprint.factory.class", Reporter.class.getName());

        WRITTEN.set(0);
        GAUGES.clear();
        expected = keys;
        loadedAndCheckpointed = new CountDownLatch(PARALLELISM);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        env.fromSource(
                        new DataGeneratorSource<>(
                                BackendFootprint::key,
                                Long.MAX_VALUE,
                                new StallAfter(keys),
                                Types.STRING),
                        WatermarkStrategy.noWatermarks(),
                        "keys")
                .setParallelism(1)
                .keyBy(k -> k, Types.STRING)
                .process(new Store())
                .name("store")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("state footprint " + backend + " " + keys);
        try {
            if (!loadedAndCheckpointed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "no checkpoint with all "
                                + keys
                                + " keys within "
                                + TIMEOUT
                                + "; written: "
                                + WRITTEN.get());
            }
            Map<String, Long> rocksdb = new java.util.LinkedHashMap<>();
            if (backend.equals("rocksdb")) {
                for (String p : ROCKSDB_PROPERTIES) {
                    rocksdb.put(p, sum(p));
                }
            }
            long heap = usedHeap();
            return new Result(
                    backend, keys, checkpointBytes(checkpoints), dbSstBytes(local), heap, rocksdb);
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    /** The n-th key: 100k symbols x 5 timeframes for 500k keys, as the market job keys them. */
    static String key(long i) {
        return String.format(
                Locale.ROOT, "SYM%06d-USD|%s", i / 5, Timeframe.values()[(int) (i % 5)].label());
    }

    /** Sum over the subtasks of one native property of the indicator state's column family. */
    private static long sum(String property) {
        long total = 0;
        int found = 0;
        for (Map.Entry<String, Gauge<?>> e : GAUGES.entrySet()) {
            // e.g. "...store.1.indicator-state.rocksdb_estimate-num-keys"
            if (e.getKey().contains("." + MarketState.INDICATORS.getName() + ".rocksdb")
                    && e.getKey().endsWith(property)) {
                Gauge<?> g = e.getValue();
                if (g instanceof View view) {
                    view.update(); // Flink refreshes views every 5 s; read them now
                }
                total += ((BigInteger) g.getValue()).longValue();
                found++;
            }
        }
        if (found != PARALLELISM) {
            throw new IllegalStateException(
                    property
                            + ": "
                            + found
                            + " gauges, expected "
                            + PARALLELISM
                            + "; RocksDB gauges: "
                            + GAUGES.keySet().stream().filter(k -> k.contains("rocksdb")).toList());
        }
        return total;
    }

    /**
     * Bytes of the latest completed checkpoint: its own directory and the shared files (RocksDB's
     * SSTs); a checkpoint still being written has no {@code _metadata} yet and is left out.
     */
    private static long checkpointBytes(Path root) throws IOException {
        Map<Path, Long> files = files(root);
        Path latest = null;
        for (Path file : files.keySet()) {
            if (file.endsWith("_metadata")) {
                Path chk = file.getParent();
                if (latest == null || id(chk) > id(latest)) {
                    latest = chk;
                }
            }
        }
        if (latest == null) {
            throw new IllegalStateException("no completed checkpoint under " + root);
        }
        return bytesUnder(files, latest) + bytesUnder(files, latest.resolveSibling("shared"));
    }

    private static long id(Path chk) {
        return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
    }

    /**
     * The SST files of the RocksDB instances ({@code .../db/*.sst}); a snapshot's hard links in its
     * own local directory would count the same files twice.
     */
    private static long dbSstBytes(Path root) throws IOException {
        long total = 0;
        for (Map.Entry<Path, Long> file : files(root).entrySet()) {
            Path p = file.getKey();
            if (p.toString().endsWith(".sst")
                    && p.getParent().getFileName().toString().equals("db")) {
                total += file.getValue();
            }
        }
        return total;
    }

    private static long bytesUnder(Map<Path, Long> files, Path dir) {
        long total = 0;
        for (Map.Entry<Path, Long> file : files.entrySet()) {
            if (file.getKey().startsWith(dir)) {
                total += file.getValue();
            }
        }
        return total;
    }

    /**
     * The regular files under {@code root} with their sizes, in one walk. The job keeps running
     * while it is measured: a file or directory deleted during the walk (a subsumed checkpoint, an
     * SST compacted away) is left out rather than failing the measurement.
     */
    private static Map<Path, Long> files(Path root) throws IOException {
        Map<Path, Long> found = new HashMap<>();
        if (!Files.exists(root)) {
            return found; // e.g. no local RocksDB directory on the heap backend
        }
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            found.put(file, attrs.size());
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e)
                            throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e)
                            throws IOException {
                        if (e == null || e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        return found;
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Emits N records, then never again: the job stays up to be measured. */
    private static final class StallAfter implements RateLimiterStrategy {
        private final long n;

        StallAfter(long n) {
            this.n = n;
        }

        @Override
        public RateLimiter createRateLimiter(int parallelism) {
            return new RateLimiter() {
                private long permits;

                @Override
                public CompletionStage<Void> acquire() {
                    return permits++ < n
                            ? CompletableFuture.completedFuture(null)
                            : new CompletableFuture<>();
                }

                @Override
                public void notifyCheckpointComplete(long checkpointId) {}
            };
        }
    }

    /** Stores a warmed state per key and reports checkpoints that hold every key. */
    private static final class Store extends KeyedProcessFunction<String, String, String>
            implements CheckpointedFunction, CheckpointListener {
        private transient ValueState<IndicatorState> state;
        private transient long complete;
        private transient boolean reported;

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext context) {
            state = getRuntimeContext().getState(MarketState.INDICATORS);
            complete = -1;
            reported = false;
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out)
                throws IOException {
            state.update(StateSizeBench.warmed(key.hashCode()));
            WRITTEN.incrementAndGet();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (complete < 0 && WRITTEN.get() == expected) {
                complete = context.getCheckpointId();
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (!reported && complete >= 0 && checkpointId >= complete) {
                reported = true;
                loadedAndCheckpointed.countDown();
            }
        }
    }

    /** Keeps every gauge Flink registers, so that the native RocksDB metrics can be read. */
    public static final class Reporter implements MetricReporter, MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (metric instanceof Gauge<?> g) {
                GAUGES.put(group.getMetricIdentifier(name), g);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            GAUGES.remove(group.getMetricIdentifier(name));
        }
    }
}
