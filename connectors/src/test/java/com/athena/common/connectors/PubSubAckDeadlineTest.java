package com.athena.common.connectors;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The subscriptions' ack deadline covers a checkpoint of the cluster's configuration. */
class PubSubAckDeadlineTest {

    @Test
    void theShippedConfigurationGivesIntervalPlusPausePlusTimeout() {
        Path conf = Paths.get("..", "flink-conf");
        assertThat(Files.isDirectory(conf)).isTrue();
        Configuration shipped = GlobalConfiguration.loadConfiguration(conf.toString());
        // 10 s interval + 2 s minimum pause + 2 min timeout.
        assertThat(PubSubEndpoint.ackDeadlineSeconds(shipped, Duration.ofSeconds(10)))
                .isEqualTo(132);
    }

    @Test
    void itStaysWithinPubSubsRange() {
        Configuration slow = new Configuration();
        slow.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(5));
        slow.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(10));
        assertThat(PubSubEndpoint.ackDeadlineSeconds(slow, Duration.ofSeconds(10))).isEqualTo(600);
        Configuration fast = new Configuration();
        fast.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        fast.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofSeconds(2));
        assertThat(PubSubEndpoint.ackDeadlineSeconds(fast, Duration.ofSeconds(10))).isEqualTo(10);
    }
}
