package com.athena.common.flink;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;

import java.time.Duration;

/**
 * The keyed state both jobs de-duplicate with: ids seen, each with its event time, forgotten {@code
 * ttl} (processing time) after first seen. Expired ids are never returned. RocksDB's compaction
 * filter drops them on either descriptor; on the heap backend {@link #descriptor} drops them
 * incrementally as state is accessed, {@link #sweptDescriptor} when its caller sweeps a key with
 * {@link #forgetExpired}. Either way the state stays bounded by the ids of about one TTL.
 */
public final class SeenIds {
    private SeenIds() {}

    /** The descriptor under the given (never changing) state name. */
    public static MapStateDescriptor<String, Long> descriptor(String name, Duration ttl) {
        return withTtl(
                name,
                ttl(ttl)
                        // One entry per access: on the heap backend each entry visited copies
                        // that key's whole id map, and ten per access cost the treasury job
                        // more than half its throughput (docs/benchmarks.md). One still sweeps
                        // every key once per as many records as there are keys.
                        .cleanupIncrementally(1, false));
    }

    /**
     * The descriptor for a caller that sweeps each key itself with {@link #forgetExpired} (the
     * treasury, at each of an agent's day closes): on the heap backend nothing is cleaned as other
     * keys are accessed, which saves two copies of some key's id map per record.
     */
    public static MapStateDescriptor<String, Long> sweptDescriptor(String name, Duration ttl) {
        return withTtl(name, ttl(ttl).disableCleanupInBackground());
    }

    /**
     * Drops the expired ids of the current key. Reading through the TTL state removes each expired
     * entry it meets; this reads them all.
     */
    public static void forgetExpired(MapState<String, Long> seen) throws Exception {
        for (var it = seen.keys().iterator(); it.hasNext(); ) {
            it.next();
        }
    }

    private static StateTtlConfig.Builder ttl(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .updateTtlOnCreateAndWrite()
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired);
    }

    private static MapStateDescriptor<String, Long> withTtl(
            String name, StateTtlConfig.Builder ttl) {
        MapStateDescriptor<String, Long> descriptor =
                new MapStateDescriptor<>(name, Types.STRING, Types.LONG);
        descriptor.enableTimeToLive(ttl.cleanupInRocksdbCompactFilter(1000).build());
        return descriptor;
    }
}
