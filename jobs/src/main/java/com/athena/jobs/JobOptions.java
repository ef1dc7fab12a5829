package com.athena.jobs;

import com.athena.common.config.CommonOptions;
import com.athena.jobs.activity.ActivityOptions;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.treasury.TreasuryOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every job option, and the one way a job's main reads them: the cluster's configuration first
 * ({@code config.yaml}, {@code flink run -Dkey=value}), the program arguments ({@code --key value})
 * on top.
 */
public final class JobOptions {
    private static final Logger LOG = LoggerFactory.getLogger(JobOptions.class);

    /** The classes whose public static {@link ConfigOption} fields are the job options. */
    public static final List<Class<?>> HOLDERS =
            List.of(
                    CommonOptions.class,
                    MarketOptions.class,
                    TreasuryOptions.class,
                    ActivityOptions.class);

    private JobOptions() {}

    /** The options a holder class declares, sorted by key. */
    public static List<ConfigOption<?>> of(Class<?> holder) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        options.sort(Comparator.comparing(ConfigOption::key));
        return options;
    }

    /** Every job option, sorted by key. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        HOLDERS.forEach(holder -> options.addAll(of(holder)));
        options.sort(Comparator.comparing(ConfigOption::key));
        return options;
    }

    /**
     * A job's configuration as its main sees it: the cluster's configuration (which Flink's client
     * hands to the program's execution environment), then the program arguments on top.
     */
    public static Configuration fromClusterAndArgs(String[] args) {
        ReadableConfig cluster =
                StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration();
        return CommonOptions.merge(cluster, args, all());
    }

    /**
     * The execution environment for a job's configuration: checkpointing at {@link
     * CommonOptions#DEFAULT_CHECKPOINT_INTERVAL} unless the configuration enables it, and the
     * effective job options as the job's global parameters, so that the Web UI and the REST API
     * ({@code /jobs/<id>/config}, {@code user-config}) show what the job runs with.
     */
    public static StreamExecutionEnvironment environment(Configuration config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // Sinks flush and Pub/Sub acknowledges only on checkpoints.
            env.enableCheckpointing(
                    config.get(CommonOptions.DEFAULT_CHECKPOINT_INTERVAL).toMillis());
            LOG.warn(
                    "No checkpointing configured; using {}",
                    config.get(CommonOptions.DEFAULT_CHECKPOINT_INTERVAL));
        }
        env.getConfig().setGlobalJobParameters(effective(config));
        return env;
    }

    /**
     * The value of every job option under its current key, defaults included; nothing else of the
     * configuration (the cluster's may hold secrets).
     */
    public static Configuration effective(ReadableConfig config) {
        Configuration effective = new Configuration();
        for (ConfigOption<?> option : all()) {
            copy(option, config, effective);
        }
        return effective;
    }

    private static <T> void copy(ConfigOption<T> option, ReadableConfig from, Configuration to) {
        to.set(option, from.get(option));
    }
}
