package com.athena.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The MiniCluster the integration tests share: one TaskManager with two slots, like CI's cores. */
public final class MiniClusters {
    public static final int PARALLELISM = 2;

    private MiniClusters() {}

    public static MiniClusterExtension extension() {
        return extension(null);
    }

    /** The same, with an in-memory metric reporter the test can read (null: none). */
    public static MiniClusterExtension extension(InMemoryReporter reporter) {
        Configuration config = new Configuration();
        config.setString("pipeline.auto-generate-uids", "false");
        config.setString("pipeline.generic-types", "false");
        if (reporter != null) {
            reporter.addToConfiguration(config);
        }
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .build());
    }

    /** The job's {@code numRestarts} (0 while not yet registered). */
    public static long restarts(InMemoryReporter reporter, JobID job) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                reporter.getMetricsByGroup().entrySet()) {
            if (job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))
                    && group.getValue().get("numRestarts") instanceof Gauge<?> g
                    && g.getValue() instanceof Number n) {
                return n.longValue();
            }
        }
        return 0;
    }

    /** A counter of a job's operator summed over its subtasks (0 while not yet registered). */
    public static long counter(
            InMemoryReporter reporter, JobID job, String operator, String metric) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = group.getKey().getAllVariables();
            if (job.toString().equals(vars.get("<job_id>"))
                    && operator.equals(vars.get("<operator_name>"))
                    && group.getValue().get(metric) instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    /**
     * Takes a checkpoint of the job as soon as every task runs: a source may have read its input
     * while a downstream task still opens its connections, and a checkpoint triggered then is
     * refused. Returns the checkpoint's path.
     */
    public static String checkpoint(MiniCluster cluster, JobID job, Duration timeout)
            throws Exception {
        String[] path = new String[1];
        Waits.until(
                "a checkpoint of job " + job,
                timeout,
                () -> {
                    try {
                        path[0] = cluster.triggerCheckpoint(job).get(60, TimeUnit.SECONDS);
                        return true;
                    } catch (ExecutionException e) {
                        if (ExceptionUtils.findThrowable(e, CheckpointException.class)
                                .filter(
                                        c ->
                                                c.getCheckpointFailureReason()
                                                        == CheckpointFailureReason
                                                                .NOT_ALL_REQUIRED_TASKS_RUNNING)
                                .isPresent()) {
                            return false;
                        }
                        throw e;
                    }
                });
        return path[0];
    }
}
