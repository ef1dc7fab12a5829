package com.athena.jobs;

import com.athena.common.config.CommonOptions;
import com.athena.jobs.market.MarketOptions;
import com.athena.jobs.treasury.TreasuryOptions;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobOptionsTest {

    @Test
    void everyHolderContributesItsOptions() {
        assertThat(JobOptions.all())
                .contains(
                        CommonOptions.KAFKA_GROUP_ID,
                        MarketOptions.TRADES_TOPIC,
                        TreasuryOptions.COSTS_SUBSCRIPTION);
    }

    @Test
    void programArgumentsWinOverTheClusterForJobOptions() {
        Configuration cluster = new Configuration();
        cluster.setString("market.kafka.dlq-topic", "dlq-from-cluster");
        cluster.setString("market.timeframes", "1m,5m");
        Configuration config =
                CommonOptions.merge(
                        cluster,
                        new String[] {"--market.timeframes", "1h", "--market.dlq-topic", "old-key"},
                        JobOptions.all());
        // The argument under the deprecated key replaces the cluster's current key.
        assertThat(config.get(MarketOptions.DLQ_TOPIC)).isEqualTo("old-key");
        assertThat(config.get(MarketOptions.TIMEFRAMES)).isEqualTo("1h");
    }

    @Test
    void effectiveOptionsAreEveryJobOptionUnderItsCurrentKeyAndNothingElse() {
        Configuration config = new Configuration();
        config.setString("kafka.trades-topic", "trades-old-key");
        config.setString("treasury.pubsub.costs-subscription", "costs");
        config.setString("s3.secret-key", "not a job option");
        Map<String, String> effective = JobOptions.effective(config).toMap();
        assertThat(effective)
                .containsEntry("market.kafka.trades-topic", "trades-old-key")
                .containsEntry("treasury.pubsub.costs-subscription", "costs")
                .containsEntry("kafka.group-id", "athena")
                .containsEntry("sinks.default-checkpoint-interval", "10 s")
                .doesNotContainKey("kafka.trades-topic")
                .doesNotContainKey("s3.secret-key")
                .hasSize(JobOptions.all().size());
    }

    @Test
    void withoutAClusterTheArgumentsAndDefaultsMakeTheConfiguration() {
        Configuration config =
                JobOptions.fromClusterAndArgs(new String[] {"--market.timeframes", "1d"});
        assertThat(config.get(MarketOptions.TIMEFRAMES)).isEqualTo("1d");
        assertThat(config.get(CommonOptions.KAFKA_GROUP_ID)).isEqualTo("athena");
    }
}
