package com.athena.bench;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Timeframe;
import com.athena.common.treasury.TreasuryState;

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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes of keyed state per (symbol, timeframe) and per agent, and the footprint at 1k to 500k keys
 * (100k symbols x 5 timeframes).
 *
 * <p>What is measured, and how: the serialized bytes come from Flink's own POJO serializer, exact;
 * they are what a checkpoint and RocksDB store per key (RocksDB adds its own per-entry overhead and
 * compresses). The heap figure is the retained heap of N warmed states in a map from key to state,
 * as the heap backend's state table holds them, read from the JVM after full GCs: approximate (the
 * state table's entry objects are not included).
 *
 * <p>Usage: {@code StateSizeBench OUT.md}.
 */
public final class StateSizeBench {
    private static final int[] KEYS = {1_000, 10_000, 100_000, 500_000};

    private StateSizeBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "target/bench/state.md");
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // a Kryo fallback would fail here, not skew the numbers
        TypeSerializer<IndicatorState> serializer =
                TypeInformation.of(IndicatorState.class).createSerializer(config);
        TypeSerializer<TreasuryState> treasury =
                TypeInformation.of(TreasuryState.class).createSerializer(config);

        IndicatorState fresh = new IndicatorState(Timeframe.M1);
        IndicatorState warm = warmed();
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
        for (int n : KEYS) {
            long serialized = 0;
            DataOutputSerializer buffer = new DataOutputSerializer(4096);
            long before = usedHeap();
            Map<String, IndicatorState> states = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                String key =
                        String.format(
                                Locale.ROOT,
                                "SYM%06d-USD|%s",
                                i / 5,
                                Timeframe.values()[i % 5].label());
                IndicatorState s = copy(serializer, warm);
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
        sb.append(
                "\nNot measured: the RocksDB backend's own on-disk and block-cache footprint (SST"
                        + " overhead, compression) and the heap backend's state-table entries;"
                        + " a State Processor API read of a real savepoint would give those.\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb.toString());
    }

    private static IndicatorState warmed() {
        BenchData d = BenchData.get();
        IndicatorState s = new IndicatorState(Timeframe.M1);
        IndicatorValues v = new IndicatorValues();
        for (int i = 0; i < 300; i++) {
            s.update(d.open[i], d.high[i], d.low[i], d.close[i], v);
        }
        return s;
    }

    private static <T> IndicatorState copy(
            TypeSerializer<IndicatorState> serializer, IndicatorState s) {
        return serializer.copy(s);
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
