package com.athena.bench;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Timeframe;
import com.athena.common.treasury.TreasuryState;
import com.athena.jobs.market.MarketState;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes of keyed state per (symbol, timeframe) and per agent, and the footprint at 1k to 500k keys
 * (100k symbols x 5 timeframes).
 *
 * <p>What is measured, and how: the serialized bytes come from Flink's own POJO serializer, exact;
 * they are what a checkpoint and RocksDB store per key (RocksDB adds its own per-entry overhead and
 * compresses). The heap figure is the retained heap of N warmed states (each from its own stretch
 * of the real bars) in a map from key to state, as the heap backend's state table holds them, read
 * from the JVM after full GCs: approximate (the state table's entry objects are not included).
 *
 * <p>Then the same keys in the real backends ({@link BackendFootprint}): the heap backend's heap
 * and the RocksDB backend's native footprint, each with its checkpoint's bytes.
 *
 * <p>Usage: {@code StateSizeBench OUT.md [keys,keys,...]}.
 */
public final class StateSizeBench {
    private static final String KEYS = "1000,10000,100000,500000";

    private StateSizeBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/state.md");
        int[] keyCounts =
                Arrays.stream((args.length > 1 ? args[1] : KEYS).split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // a Kryo fallback would fail here, not skew the numbers
        TypeSerializer<IndicatorState> serializer =
                TypeInformation.of(IndicatorState.class).createSerializer(config);
        TypeSerializer<TreasuryState> treasury =
                TypeInformation.of(TreasuryState.class).createSerializer(config);

        IndicatorState fresh = new IndicatorState(Timeframe.M1);
        IndicatorState warm = warmed(0);
        int freshBytes = size(serializer, fresh);
        int warmBytes = size(serializer, warm);
        int keyBytes = size(StringSerializer.INSTANCE, "SYM000000-USD|15m");
        int agentBytes = size(treasury, new TreasuryState());

        StringBuilder sb = new StringBuilder("## 5. State size\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Serializer: `%s` (Flink's POJO serializer, generic types disabled).%n%n"
                                + "| state | serialized bytes | goal |%n|---|---|---|%n"
                                + "| `IndicatorState`, fresh | %d | ≤ 1024 |%n"
                                + "| `IndicatorState`, after 300 bars | %d | ≤ 1024 |%n"
                                + "| key `symbol|timeframe` (17 chars) | %d | |%n"
                                + "| `TreasuryState` (per agent), fresh | %d | |%n%n",
                        serializer.getClass().getSimpleName(),
                        freshBytes,
                        warmBytes,
                        keyBytes,
                        agentBytes));
        sb.append(
                "Growth with the number of (symbol, timeframe) keys: serialized = what a full"
                        + " checkpoint or RocksDB holds before its own overhead and compression"
                        + " (exact sum over the keys); heap = retained JVM heap of the states and"
                        + " keys in a map (measured after full GCs; approximate).\n\n");
        sb.append(
                "| keys | serialized total | bytes/key | heap retained | heap bytes/key |\n"
                        + "|---|---|---|---|---|\n");
        for (int n : keyCounts) {
            long serialized = 0;
            DataOutputSerializer buffer = new DataOutputSerializer(4096);
            long before = usedHeap();
            Map<String, IndicatorState> states = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                String key = BackendFootprint.key(i);
                IndicatorState s = warmed(key.hashCode());
                states.put(key, s);
                buffer.clear();
                StringSerializer.INSTANCE.serialize(key, buffer);
                serializer.serialize(s, buffer);
                serialized += buffer.length();
            }
            long heap = usedHeap() - before;
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %,d | %,d B | %d | %,d B | %d |%n",
                            n,
                            serialized,
                            serialized / n,
                            heap,
                            heap / n));
            if (states.size() != n) {
                throw new IllegalStateException("duplicate keys");
            }
            states = null;
        }
        sb.append(backends(keyCounts, out.toAbsolutePath().getParent().resolve("footprint")));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
    }

    /** The same keys in the real heap and RocksDB backends, each in its own MiniCluster job. */
    private static String backends(int[] keyCounts, Path dir) throws Exception {
        long baseline = BackendFootprint.measure("hashmap", 0, dir).heapBytes();
        List<BackendFootprint.Result> heap = new ArrayList<>();
        List<BackendFootprint.Result> rocks = new ArrayList<>();
        for (int n : keyCounts) {
            heap.add(BackendFootprint.measure("hashmap", n, dir));
            rocks.add(BackendFootprint.measure("rocksdb", n, dir));
        }
        StringBuilder sb =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "%n### In the real backends%n%nThe same keys and states, written"
                                        + " under the market job's `%s` descriptor by a keyed"
                                        + " function on a MiniCluster (parallelism 2, %s managed"
                                        + " memory per task manager as in"
                                        + " `flink-conf/config.yaml`, incremental checkpoints),"
                                        + " measured once a checkpoint taken after the last key"
                                        + " has completed, with the job still running."
                                        + " Checkpoint = bytes of the latest completed checkpoint"
                                        + " on disk (its directory and shared files).%n%n",
                                MarketState.INDICATORS.getName(),
                                JobThroughputBench.MANAGED_MEMORY));
        sb.append(
                        "Heap backend (`hashmap`): heap = JVM heap used with the keys loaded, less the"
                                + " same job with no keys (")
                .append(String.format(Locale.ROOT, "%,d B", baseline))
                .append(
                        "), after full GCs; it includes the state table's entries. The checkpoint"
                                + " is a full snapshot.\n\n")
                .append(
                        "| keys | heap | heap bytes/key | checkpoint | checkpoint bytes/key |\n"
                                + "|---|---|---|---|---|\n");
        for (BackendFootprint.Result r : heap) {
            long used = r.heapBytes() - baseline;
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %,d | %,d B | %d | %,d B | %d |%n",
                            r.keys(),
                            used,
                            used / r.keys(),
                            r.checkpointBytes(),
                            r.checkpointBytes() / r.keys()));
        }
        sb.append(
                "\nRocksDB backend (`rocksdb`, Flink's default options): Flink's native RocksDB"
                        + " metrics of the indicator state's column family, summed over both"
                        + " subtasks (`state.backend.rocksdb.metrics.*`); SST on disk = the `.sst`"
                        + " files of the two RocksDB instances (including files a compaction has"
                        + " replaced but not yet deleted); the checkpoint holds the live ones. The"
                        + " checkpoint has just flushed the memtables. With managed memory,"
                        + " indexes and filters live in the block cache, which the write buffers"
                        + " share: the cache is bounded by the slot's managed memory, not by the"
                        + " keys (both subtasks' caches summed).\n\n"
                        + "| keys | estimated keys | SST on disk | SST bytes/key | live data"
                        + " (estimate) | memtables | table readers outside the cache |"
                        + " block cache used / capacity | checkpoint | checkpoint bytes/key |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (BackendFootprint.Result r : rocks) {
            Map<String, Long> m = r.rocksdb();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %,d | %,d | %,d B | %d | %,d B | %,d B | %,d B | %,d / %,d B |"
                                    + " %,d B | %d |%n",
                            r.keys(),
                            m.get("estimate-num-keys"),
                            r.localSstBytes(),
                            r.localSstBytes() / r.keys(),
                            m.get("estimate-live-data-size"),
                            m.get("size-all-mem-tables"),
                            m.get("estimate-table-readers-mem"),
                            m.get("block-cache-usage"),
                            m.get("block-cache-capacity"),
                            r.checkpointBytes(),
                            r.checkpointBytes() / r.keys()));
        }
        return sb.toString();
    }

    /**
     * A state after 300 real 1m bars, from a place in the data and at a price scale picked by the
     * seed: keys hold different states, as real symbols do, so RocksDB's compression is not
     * flattered by identical values.
     */
    static IndicatorState warmed(int seed) {
        BenchData d = BenchData.get();
        int bars = 300;
        int from = Math.floorMod(seed, d.bars() - bars);
        double scale = 1 + Math.floorMod(seed, 1000) / 1000.0;
        IndicatorState s = new IndicatorState(Timeframe.M1);
        IndicatorValues v = new IndicatorValues();
        for (int i = from; i < from + bars; i++) {
            s.update(d.open[i] * scale, d.high[i] * scale, d.low[i] * scale, d.close[i] * scale, v);
        }
        return s;
    }

    private static <T> int size(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return out.length();
    }

    private static long usedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
