package com.athena.common.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommonOptionsTest {

    private static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    CommonOptions.SOURCE_BOUNDED,
                    CommonOptions.KAFKA_GROUP_ID,
                    CommonOptions.PUBSUB_PULL_TIMEOUT,
                    CommonOptions.DEFAULT_CHECKPOINT_INTERVAL);

    @Test
    void argumentsBecomeTypedOptions() {
        Configuration config =
                CommonOptions.fromArgs(
                        new String[] {
                            "--kafka.bounded", "true",
                            "--pubsub.pull-timeout", "500ms",
                            "--sinks.firestore.enabled", "false",
                            "--market.timeframes", "1m,5m"
                        });
        assertThat(config.get(CommonOptions.SOURCE_BOUNDED)).isTrue();
        assertThat(config.get(CommonOptions.PUBSUB_PULL_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.get(CommonOptions.FIRESTORE_ENABLED)).isFalse();
        // Keys of other jobs' options pass through as they were given.
        assertThat(config.toMap()).containsEntry("market.timeframes", "1m,5m");
        // Untouched options keep their defaults.
        assertThat(config.get(CommonOptions.KAFKA_GROUP_ID)).isEqualTo("athena");
        assertThat(config.get(CommonOptions.BIGQUERY_ENABLED)).isTrue();
    }

    @Test
    void clusterConfigurationIsReadAndArgumentsWin() {
        Configuration cluster = new Configuration();
        cluster.setString("kafka.group-id", "from-cluster");
        cluster.setString("pubsub.pull-timeout", "3 s");
        cluster.setString("some.cluster.setting", "kept");
        Configuration config =
                CommonOptions.merge(
                        cluster, new String[] {"--pubsub.pull-timeout", "500ms"}, OPTIONS);
        assertThat(config.get(CommonOptions.KAFKA_GROUP_ID)).isEqualTo("from-cluster");
        assertThat(config.get(CommonOptions.PUBSUB_PULL_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.toMap()).containsEntry("some.cluster.setting", "kept");
        // Neither sets it: the default.
        assertThat(config.get(CommonOptions.SOURCE_BOUNDED)).isFalse();
    }

    @Test
    void savepointDisciplineIsTheDefaultAndTheClusterMayOverrideIt() {
        assertThat(
                        CommonOptions.merge(new Configuration(), new String[0], OPTIONS)
                                .get(PipelineOptions.AUTO_GENERATE_UIDS))
                .isFalse();
        Configuration cluster = new Configuration();
        cluster.set(PipelineOptions.AUTO_GENERATE_UIDS, true);
        assertThat(
                        CommonOptions.merge(cluster, new String[0], OPTIONS)
                                .get(PipelineOptions.AUTO_GENERATE_UIDS))
                .isTrue();
    }

    @Test
    void anArgumentUnderADeprecatedKeyStillWinsOverTheClusterUnderTheCurrentKey() {
        Configuration cluster = new Configuration();
        cluster.setString("kafka.bounded", "false");
        Configuration config =
                CommonOptions.merge(cluster, new String[] {"--source.bounded", "true"}, OPTIONS);
        assertThat(config.get(CommonOptions.SOURCE_BOUNDED)).isTrue();
    }

    @Test
    void aDeprecatedKeyInTheClusterConfigurationLosesToTheCurrentKeyInTheArguments() {
        Configuration cluster = new Configuration();
        cluster.setString("athena.default-checkpoint-interval", "1 min");
        Configuration config =
                CommonOptions.merge(
                        cluster,
                        new String[] {"--sinks.default-checkpoint-interval", "5 s"},
                        OPTIONS);
        assertThat(config.get(CommonOptions.DEFAULT_CHECKPOINT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(config.toMap()).doesNotContainKey("athena.default-checkpoint-interval");
    }

    @Test
    void anOldKeyStillWorksAndLogsADeprecationWarning() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(Configuration.class);
        Appender appender =
                new AbstractAppender("deprecations", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        if (event.getLevel() == Level.WARN) {
                            warnings.add(event.getMessage().getFormattedMessage());
                        }
                    }
                };
        appender.start();
        logger.addAppender(appender);
        try {
            Configuration config =
                    CommonOptions.fromArgs(new String[] {"--source.bounded", "true"});
            assertThat(config.get(CommonOptions.SOURCE_BOUNDED)).isTrue();
        } finally {
            logger.removeAppender(appender);
            appender.stop();
        }
        assertThat(warnings)
                .contains(
                        "Config uses deprecated configuration key 'source.bounded' instead of"
                                + " proper key 'kafka.bounded'");
    }

    @Test
    void jdbcExecutionMapsTheThreeBatchOptions() {
        JdbcExecutionOptions options =
                CommonOptions.jdbcExecution(
                        CommonOptions.fromArgs(
                                new String[] {
                                    "--jdbc.batch-size", "50",
                                    "--jdbc.batch-interval", "2 s",
                                    "--jdbc.max-retries", "7"
                                }));
        assertThat(options.getBatchSize()).isEqualTo(50);
        assertThat(options.getBatchIntervalMs()).isEqualTo(2_000L);
        assertThat(options.getMaxRetries()).isEqualTo(7);
    }

    @Test
    void jdbcExecutionDefaults() {
        JdbcExecutionOptions options =
                CommonOptions.jdbcExecution(CommonOptions.fromArgs(new String[0]));
        assertThat(options.getBatchSize()).isEqualTo(1000);
        assertThat(options.getBatchIntervalMs()).isEqualTo(200L);
        assertThat(options.getMaxRetries()).isEqualTo(3);
    }

    @Test
    void malformedValueFailsWhenRead() {
        Configuration config = CommonOptions.fromArgs(new String[] {"--jdbc.batch-size", "many"});
        assertThatThrownBy(() -> CommonOptions.jdbcExecution(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc.batch-size");
    }
}
