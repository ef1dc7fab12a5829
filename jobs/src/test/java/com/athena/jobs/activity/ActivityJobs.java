package com.athena.jobs.activity;

import com.athena.common.bigquery.StorageWriteEndpoint;
import com.athena.common.config.ServiceEnvironment;

import org.apache.flink.configuration.Configuration;

/** Lets tests of other packages wire the activity job as {@link ActivityMain} does. */
public final class ActivityJobs {
    private ActivityJobs() {}

    public static ActivityJob wired(
            Configuration config, ServiceEnvironment services, StorageWriteEndpoint bigquery)
            throws Exception {
        return ActivityMain.build(config, services, bigquery);
    }
}
