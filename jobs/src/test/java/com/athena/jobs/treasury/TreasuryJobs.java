package com.athena.jobs.treasury;

import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.config.ServiceEnvironment;

import org.apache.flink.configuration.Configuration;

/** Lets tests of other packages wire the treasury job as {@link TreasuryMain} does. */
public final class TreasuryJobs {
    private TreasuryJobs() {}

    public static TreasuryJob wired(
            Configuration config, ServiceEnvironment services, StorageWriteEndpoint bigquery)
            throws Exception {
        return TreasuryMain.build(config, services, bigquery);
    }
}
