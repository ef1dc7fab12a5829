package com.athena.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the integration tests share: one TaskManager with two slots, like CI's cores. */
public final class MiniClusters {
    public static final int PARALLELISM = 2;

    private MiniClusters() {}

    public static MiniClusterExtension extension() {
        Configuration config = new Configuration();
        config.setString("pipeline.auto-generate-uids", "false");
        config.setString("pipeline.generic-types", "false");
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .build());
    }
}
