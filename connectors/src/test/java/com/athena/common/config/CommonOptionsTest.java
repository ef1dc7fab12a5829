package com.athena.common.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommonOptionsTest {

    @Test
    void argumentsBecomeTypedOptions() {
        Configuration config =
                CommonOptions.fromArgs(
                        new String[] {
                            "--kafka.trades-topic", "trades.v2",
                            "--source.bounded", "true",
                            "--trade.max-price", "5e6",
                            "--event.max-future", "1 h",
                            "--pubsub.pull-timeout", "500ms",
                            "--sinks.firestore.enabled", "false",
                            "--market.timeframes", "1m,5m"
                        });
        assertThat(config.get(CommonOptions.TRADES_TOPIC)).isEqualTo("trades.v2");
        assertThat(config.get(CommonOptions.SOURCE_BOUNDED)).isTrue();
        assertThat(config.get(CommonOptions.TRADE_MAX_PRICE)).isEqualTo(5_000_000.0);
        assertThat(config.get(CommonOptions.MAX_FUTURE)).isEqualTo(Duration.ofHours(1));
        assertThat(config.get(CommonOptions.PUBSUB_PULL_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.get(CommonOptions.FIRESTORE_ENABLED)).isFalse();
        // Keys of other jobs' options pass through as they were given.
        assertThat(config.toMap()).containsEntry("market.timeframes", "1m,5m");
        // Untouched options keep their defaults.
        assertThat(config.get(CommonOptions.KAFKA_GROUP_ID)).isEqualTo("athena");
        assertThat(config.get(CommonOptions.BIGQUERY_ENABLED)).isTrue();
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
