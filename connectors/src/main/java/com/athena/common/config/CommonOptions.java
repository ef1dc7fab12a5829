package com.athena.common.config;

import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The options both jobs share (kafka.*, pubsub.*, jdbc.*, sinks.*); each job adds its own
 * (market.*, treasury.*). docs/configuration.md is generated from these fields.
 */
public final class CommonOptions {

    public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
            ConfigOptions.key("jdbc.batch-size")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Rows per JDBC batch: a sink flushes when a batch holds this many rows"
                                    + " (or after jdbc.batch-interval, or at a checkpoint). Larger"
                                    + " batches cost fewer round trips; 5000 measured no faster than 1000"
                                    + " (bench/findings.md).");

    public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
            ConfigOptions.key("jdbc.batch-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Longest time a row waits in a JDBC batch before the batch is flushed;"
                                    + " bounds the latency of the JDBC sinks. 0 disables the timer"
                                    + " (flush by size and at checkpoints only).");

    public static final ConfigOption<Integer> JDBC_MAX_RETRIES =
            ConfigOptions.key("jdbc.max-retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Retries of a failed JDBC batch before the job fails over (and restarts"
                                    + " from its last checkpoint); 0 fails over at the first"
                                    + " error.");

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("athena")
                    .withDescription(
                            "Kafka consumer group of the jobs' sources. A job restored from a"
                                    + " checkpoint or savepoint resumes from the offsets in it; a"
                                    + " fresh start resumes from the group's committed offsets (the"
                                    + " earliest if it has none), so a new group id re-reads the"
                                    + " topics from the beginning.");

    public static final ConfigOption<Integer> PUBSUB_MAX_MESSAGES_PER_PULL =
            ConfigOptions.key("pubsub.max-messages-per-pull")
                    .intType()
                    .defaultValue(100)
                    .withDescription("Most messages one Pub/Sub pull request returns.");

    public static final ConfigOption<Duration> PUBSUB_PULL_TIMEOUT =
            ConfigOptions.key("pubsub.pull-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription(
                            "Timeout of one Pub/Sub pull request; a pull that fails or times out"
                                    + " is retried up to pubsub.pull-retries times.");

    public static final ConfigOption<Integer> PUBSUB_PULL_RETRIES =
            ConfigOptions.key("pubsub.pull-retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Retries of a failed Pub/Sub pull before the job fails over (and"
                                    + " restarts from its last checkpoint).");

    public static final ConfigOption<Boolean> BIGQUERY_ENABLED =
            ConfigOptions.key("sinks.bigquery.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Write the analytics tables to BigQuery (the services environment"
                                    + " names the project and dataset: BIGQUERY_PROJECT_ID,"
                                    + " BIGQUERY_DATASET). false: no BigQuery sink is built.");

    public static final ConfigOption<Boolean> FIRESTORE_ENABLED =
            ConfigOptions.key("sinks.firestore.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Write the live documents to Firestore (FIRESTORE_PROJECT_ID in the"
                                    + " services environment). false: no Firestore sink is built.");

    public static final ConfigOption<Duration> DEFAULT_CHECKPOINT_INTERVAL =
            ConfigOptions.key("sinks.default-checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDeprecatedKeys("athena.default-checkpoint-interval")
                    .withDescription(
                            "Checkpoint interval a job uses when the cluster configures none"
                                    + " (execution.checkpointing.interval wins when set). The sinks"
                                    + " flush and commit, and Pub/Sub messages are acknowledged,"
                                    + " only on checkpoints, so it bounds their latency.");

    public static final ConfigOption<Boolean> SOURCE_BOUNDED =
            ConfigOptions.key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDeprecatedKeys("source.bounded")
                    .withDescription(
                            "true: the Kafka sources read their topics up to the offsets they find"
                                    + " at start, then finish (a backfill); false: they read on"
                                    + " forever.");

    private CommonOptions() {}

    /**
     * Reads {@code --key value} arguments into a configuration, with the savepoint discipline of
     * {@code flink-conf/config.yaml} (every operator names its uid; no Kryo) as defaults, so that
     * local runs and tests hold the jobs to the same rules as the cluster.
     */
    public static Configuration fromArgs(String[] args) {
        Configuration config = savepointDiscipline();
        config.addAll(Configuration.fromMap(ParameterTool.fromArgs(args).toMap()));
        return config;
    }

    /**
     * A job's configuration from three layers, each over the one before: the savepoint discipline
     * of {@link #fromArgs}, the cluster's configuration ({@code config.yaml} and {@code flink run
     * -Dkey=value}, as the job's main sees it), and the {@code --key value} program arguments. So
     * the arguments win, also when they use a deprecated key of an option the cluster sets under
     * its current key: an argument replaces every key (current and deprecated) of the options it
     * names among {@code options}. Deprecated keys are left in place, so that Flink's {@link
     * Configuration} logs its deprecation warning when the option is read.
     */
    public static Configuration merge(
            ReadableConfig cluster, String[] args, Collection<ConfigOption<?>> options) {
        Configuration config = savepointDiscipline();
        config.addAll(Configuration.fromMap(cluster.toMap()));
        Map<String, String> arguments = ParameterTool.fromArgs(args).toMap();
        for (ConfigOption<?> option : options) {
            List<String> keys = keys(option);
            if (keys.stream().anyMatch(arguments::containsKey)) {
                keys.forEach(config::removeKey);
            }
        }
        config.addAll(Configuration.fromMap(arguments));
        return config;
    }

    /** The option's key and then its deprecated keys. */
    public static List<String> keys(ConfigOption<?> option) {
        List<String> keys = new ArrayList<>();
        keys.add(option.key());
        for (FallbackKey fallback : option.fallbackKeys()) {
            keys.add(fallback.getKey());
        }
        return keys;
    }

    private static Configuration savepointDiscipline() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        return config;
    }

    /** The JDBC batching options. */
    public static JdbcExecutionOptions jdbcExecution(Configuration config) {
        return JdbcExecutionOptions.builder()
                .withBatchSize(config.get(JDBC_BATCH_SIZE))
                .withBatchIntervalMs(config.get(JDBC_BATCH_INTERVAL).toMillis())
                .withMaxRetries(config.get(JDBC_MAX_RETRIES))
                .build();
    }
}
