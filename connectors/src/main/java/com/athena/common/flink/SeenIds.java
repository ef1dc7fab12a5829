package com.athena.common.flink;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;

import java.time.Duration;

/**
 * The keyed state both jobs de-duplicate with: ids seen, each with its event time, forgotten {@code
 * ttl} (processing time) after first seen. Expired ids are never returned. The caller drops a key's
 * expired ids with {@link #forgetExpired} at moments of its own (the treasury at each of an agent's
 * day closes, the activity job on a timer); RocksDB's compaction filter drops them too.
 *
 * <p>Not Flink's incremental cleanup on the heap backend: each key it visits has its whole id map
 * copied ({@code TtlMapState.getUnexpiredOrNull}), and it visits at least one key per state access,
 * so every record paid for a copy of some other key's ids: thousands of entries for a busy agent
 * (docs/benchmarks.md).
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
                        .disableCleanupInBackground()
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        return descriptor;
    }

    /**
     * Drops the expired ids of the current key, and the key's entry once none is left. Reading
     * through the TTL state removes each expired id it meets; this reads them all.
     */
    public static void forgetExpired(MapState<String, Long> seen) throws Exception {
        for (var it = seen.keys().iterator(); it.hasNext(); ) {
            it.next();
        }
        if (seen.isEmpty()) {
            // The heap backend keeps a key's emptied map otherwise.
            seen.clear();
        }
    }
}
