package com.athena.common.config;

import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.time.Duration;

/** Options every job shares; each job adds its own. All are documented in the README table. */
public final class CommonOptions {

    public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
            ConfigOptions.key("jdbc.batch-size")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Rows per JDBC batch before a flush.");

    public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
            ConfigOptions.key("jdbc.batch-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("Longest time a row waits in a JDBC batch.");

    public static final ConfigOption<Integer> JDBC_MAX_RETRIES =
            ConfigOptions.key("jdbc.max-retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Retries of a failed JDBC batch before the job fails over.");

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("athena")
                    .withDescription("Consumer group; offsets live in checkpoints, not here.");

    public static final ConfigOption<String> TRADES_TOPIC =
            ConfigOptions.key("kafka.trades-topic")
                    .stringType()
                    .defaultValue("market.trades")
                    .withDescription("Kafka topic of the JSON trades.");

    public static final ConfigOption<String> SNAPSHOTS_SUBSCRIPTION =
            ConfigOptions.key("pubsub.snapshots-subscription")
                    .stringType()
                    .defaultValue("market-snapshots-sub")
                    .withDescription("Pub/Sub subscription of the market snapshots.");

    public static final ConfigOption<Integer> PUBSUB_MAX_MESSAGES_PER_PULL =
            ConfigOptions.key("pubsub.max-messages-per-pull")
                    .intType()
                    .defaultValue(100)
                    .withDescription("Messages per Pub/Sub pull request.");

    public static final ConfigOption<Duration> PUBSUB_PULL_TIMEOUT =
            ConfigOptions.key("pubsub.pull-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription("Timeout of one Pub/Sub pull request.");

    public static final ConfigOption<Integer> PUBSUB_PULL_RETRIES =
            ConfigOptions.key("pubsub.pull-retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Retries of a failed Pub/Sub pull before the job fails over.");

    public static final ConfigOption<Boolean> BIGQUERY_ENABLED =
            ConfigOptions.key("sinks.bigquery.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Write the analytics tables to BigQuery.");

    public static final ConfigOption<Boolean> FIRESTORE_ENABLED =
            ConfigOptions.key("sinks.firestore.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Write the live documents to Firestore.");

    public static final ConfigOption<Duration> DEFAULT_CHECKPOINT_INTERVAL =
            ConfigOptions.key("athena.default-checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval used when the cluster configures none: sinks flush and Pub/Sub acknowledges on checkpoints.");

    public static final ConfigOption<Boolean> SOURCE_BOUNDED =
            ConfigOptions.key("source.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Read the Kafka topics up to their offsets at start, then finish (backfill).");

    public static final ConfigOption<Double> TRADE_MAX_PRICE =
            ConfigOptions.key("trade.max-price")
                    .doubleType()
                    .defaultValue(10_000_000.0)
                    .withDescription("Trades priced above it are dead-lettered as absurd.");

    public static final ConfigOption<Double> TRADE_MAX_SIZE =
            ConfigOptions.key("trade.max-size")
                    .doubleType()
                    .defaultValue(1_000_000_000.0)
                    .withDescription("Trades larger than it are dead-lettered as absurd.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("event.max-future")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Event times further ahead of the wall clock are dead-lettered.");

    private CommonOptions() {}

    /**
     * Reads {@code --key value} arguments into a configuration, with the savepoint discipline of
     * {@code flink-conf/config.yaml} (every operator names its uid; no Kryo) as defaults, so that
     * local runs and tests hold the jobs to the same rules as the cluster.
     */
    public static Configuration fromArgs(String[] args) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.addAll(Configuration.fromMap(ParameterTool.fromArgs(args).toMap()));
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
