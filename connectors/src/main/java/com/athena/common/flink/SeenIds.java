package com.athena.common.flink;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;

import java.time.Duration;

/**
 * The keyed state both jobs de-duplicate with: ids seen, each with its event time, forgotten {@code
 * ttl} (processing time) after first seen. Expired ids are never returned and are cleaned up
 * incrementally on the heap backend and by RocksDB's compaction filter, so the state stays bounded
 * by the ids of one TTL.
 */
public final class SeenIds {
    private SeenIds() {}

    /** The descriptor under the given (never changing) state name. */
    public static MapStateDescriptor<String, Long> descriptor(String name, Duration ttl) {
        MapStateDescriptor<String, Long> descriptor =
                new MapStateDescriptor<>(name, Types.STRING, Types.LONG);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .updateTtlOnCreateAndWrite()
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        // One entry per access: on the heap backend each entry visited copies
                        // that key's whole id map, and ten per access cost the treasury job
                        // more than half its throughput (docs/benchmarks.md). One still sweeps
                        // every key once per as many records as there are keys.
                        .cleanupIncrementally(1, false)
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        return descriptor;
    }
}
