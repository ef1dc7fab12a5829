package com.athena.jobs.deploy;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configuration keys Flink 1.20 knows: every ConfigOption of Flink's *Options classes on the
 * test classpath (their keys and their fallback and deprecated keys), plus the reporters' dynamic
 * {@code metrics.reporter.<name>.*} keys. A key outside it is a typo, or a key of another Flink
 * version, that Flink would silently ignore.
 */
public final class FlinkConfigKeys {
    /** Classes that must be on the classpath: the options the deployments set. */
    static final List<String> REQUIRED =
            List.of(
                    "org.apache.flink.configuration.CoreOptions",
                    "org.apache.flink.configuration.CheckpointingOptions",
                    "org.apache.flink.configuration.StateBackendOptions",
                    "org.apache.flink.configuration.StateRecoveryOptions",
                    "org.apache.flink.configuration.HighAvailabilityOptions",
                    "org.apache.flink.configuration.MetricOptions",
                    "org.apache.flink.configuration.TaskManagerOptions",
                    "org.apache.flink.configuration.JobManagerOptions",
                    "org.apache.flink.configuration.RestartStrategyOptions",
                    "org.apache.flink.configuration.PipelineOptions",
                    "org.apache.flink.configuration.RestOptions",
                    "org.apache.flink.configuration.ExecutionOptions",
                    "org.apache.flink.configuration.DeploymentOptions",
                    "org.apache.flink.configuration.HeartbeatManagerOptions",
                    "org.apache.flink.configuration.ClusterOptions",
                    "org.apache.flink.configuration.WebOptions",
                    "org.apache.flink.configuration.BlobServerOptions",
                    "org.apache.flink.configuration.RpcOptions",
                    "org.apache.flink.configuration.SecurityOptions",
                    "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
                    "org.apache.flink.configuration.StateChangelogOptions",
                    "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions",
                    "org.apache.flink.table.api.config.TableConfigOptions",
                    "org.apache.flink.table.api.config.ExecutionConfigOptions");

    /** Used when on the classpath (flink-kubernetes is not a dependency of the jobs). */
    static final List<String> OPTIONAL =
            List.of(
                    "org.apache.flink.kubernetes.configuration.KubernetesConfigOptions",
                    "org.apache.flink.kubernetes.highavailability.KubernetesHighAvailabilityOptions",
                    "org.apache.flink.configuration.ResourceManagerOptions",
                    "org.apache.flink.configuration.CleanupOptions",
                    "org.apache.flink.configuration.AlgorithmOptions",
                    "org.apache.flink.configuration.JMXServerOptions");

    private static final Pattern REPORTER_KEY =
            Pattern.compile("metrics\\.reporter\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_.-]+");

    private final Set<String> keys = new TreeSet<>();

    private FlinkConfigKeys() {}

    public static FlinkConfigKeys load() throws Exception {
        FlinkConfigKeys known = new FlinkConfigKeys();
        List<String> classes = new ArrayList<>(REQUIRED);
        for (String name : OPTIONAL) {
            try {
                Class.forName(name);
                classes.add(name);
            } catch (ClassNotFoundException absent) {
                // not on the classpath: its keys are not checked
            }
        }
        for (String name : classes) {
            for (Field f : Class.forName(name).getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    known.keys.add(option.key());
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        known.keys.add(fallback.getKey());
                    }
                }
            }
        }
        return known;
    }

    public boolean knows(String key) {
        return keys.contains(key) || REPORTER_KEY.matcher(key).matches();
    }

    public int size() {
        return keys.size();
    }
}
