package com.athena.bench;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

/**
 * The state and checkpoint settings of the shipped {@code flink-conf/config.yaml}, read from the
 * file, so that the benchmarks run what a cluster runs: the backend's incremental checkpoints, the
 * managed memory a task manager of that size gets (RocksDB's memtables and block cache come from
 * it; a MiniCluster's default would starve them), the checkpoint interval, pause and mode.
 */
final class Shipped {
    /** The file's directory: {@code -Dbench.flink-conf}, else {@code flink-conf} here or above. */
    static final Path DIR =
            Paths.get(
                    System.getProperty(
                            "bench.flink-conf",
                            java.nio.file.Files.isDirectory(Paths.get("flink-conf"))
                                    ? "flink-conf"
                                    : "../flink-conf"));

    private static Shipped instance;

    final Configuration file;
    final boolean incremental;
    final MemorySize managedMemory;
    final Duration interval;
    final Duration minPause;
    final CheckpointingMode mode;
    final String timers;

    private Shipped(Configuration file) {
        this.file = file;
        this.incremental = file.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS);
        // What the task manager's memory model gives a task manager of the shipped process size
        // and managed fraction (one task manager, its slots sharing it, as on the cluster).
        this.managedMemory =
                TaskExecutorProcessUtils.processSpecFromConfig(file).getManagedMemorySize();
        this.interval = file.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        this.minPause = file.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS);
        this.mode = file.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE);
        // -Dbench.timers=HEAP: side experiments with RocksDB's timers on the heap.
        this.timers =
                System.getProperty(
                        "bench.timers",
                        file.getString("state.backend.rocksdb.timer-service.factory", "ROCKSDB"));
    }

    static synchronized Shipped get() {
        if (instance == null) {
            instance = new Shipped(GlobalConfiguration.loadConfiguration(DIR.toString()));
        }
        return instance;
    }

    /**
     * The backend ({@code hashmap} or {@code rocksdb}) with the shipped state settings and
     * checkpoints into {@code checkpoints}; {@code -Dbench.managed} overrides the managed memory
     * for side experiments.
     */
    Configuration backend(Configuration conf, String backend, Path checkpoints) {
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, incremental);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        String managed = System.getProperty("bench.managed");
        conf.set(
                TaskManagerOptions.MANAGED_MEMORY_SIZE,
                managed == null ? managedMemory : MemorySize.parse(managed));
        conf.setString("state.backend.rocksdb.timer-service.factory", timers);
        return conf;
    }

    /** Checkpointing every {@code interval}; the shipped pause only at the shipped interval. */
    void checkpointing(Configuration conf, Duration every) {
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, every);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, mode);
        conf.set(
                CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS,
                every.equals(interval) ? minPause : Duration.ZERO);
    }

    /** One line for the reports: what "shipped settings" means here. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "from `%s/config.yaml`: incremental checkpoints %s, managed memory %s per task"
                        + " manager (what `taskmanager.memory.process.size` %s with"
                        + " `managed.fraction` %s gives; the MiniCluster's one task manager has"
                        + " both slots, as the shipped one does), RocksDB timers in %s"
                        + " (`state.backend.rocksdb.timer-service.factory`; unset in the file: Flink's default ROCKSDB),"
                        + " checkpoints %s every %d s with a %d s minimum pause",
                DIR,
                incremental ? "on" : "off",
                managedMemory.toHumanReadableString(),
                file.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY).toHumanReadableString(),
                file.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION),
                timers,
                mode,
                interval.toSeconds(),
                minPause.toSeconds());
    }
}
