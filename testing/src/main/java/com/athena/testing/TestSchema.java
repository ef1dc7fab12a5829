package com.athena.testing;

import com.athena.common.sql.SchemaMigrator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The schema of an integration test that writes rows: the migrations, and on TimescaleDB the
 * background jobs that drop or compress rows by age postponed by a day.
 *
 * <p>The tests write history (trades of 2013, treasury days of 2024), which the retention policies
 * (30 days for {@code agent_metrics} and 1m bars) drop at their next run. A job runs when it is
 * created and again after a failure, so without this it could drop a test's rows a second after
 * they were written (seen in CI: the {@code agent_metrics} rows of a kill test). Postponed, not
 * paused, so a local database keeps its daily retention. {@code TimescalePoliciesITCase} runs these
 * jobs as TimescaleDB runs them ({@code run_job}) and checks what they do.
 */
public final class TestSchema {
    private static final Logger LOG = LoggerFactory.getLogger(TestSchema.class);

    /** The jobs that delete or rewrite rows by their age: every other job only reads them. */
    private static final String AGE_JOBS =
            "j.proc_name IN ('policy_retention', 'policy_compression', 'market_data_retention')";

    private static final String RUNNING_AGE_JOBS =
            "SELECT count(*) FROM timescaledb_information.jobs j"
                    + " JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id"
                    + " WHERE s.job_status = 'Running' AND "
                    + AGE_JOBS;

    private static final String POSTPONE_AGE_JOBS =
            "SELECT count(*) FROM timescaledb_information.jobs j,"
                    + " LATERAL alter_job(j.job_id, next_start => now() + INTERVAL '1 day')"
                    + " WHERE "
                    + AGE_JOBS;

    private TestSchema() {}

    /** Applies {@code sql/timescaledb}; on TimescaleDB, postpones the age jobs by a day. */
    public static void apply(Connection connection) throws Exception {
        SchemaMigrator.apply(connection);
        if (!SchemaMigrator.timescaleInstalled(connection)) {
            return;
        }
        // A run still going when it is postponed would set its own next start when it ends (a
        // failed run retries within minutes), so the postponement waits for it.
        Waits.until(
                "TimescaleDB's retention and compression jobs to finish their current run",
                Duration.ofMinutes(2),
                () -> count(connection, RUNNING_AGE_JOBS) == 0);
        LOG.info(
                "Postponed {} TimescaleDB retention and compression jobs by a day",
                count(connection, POSTPONE_AGE_JOBS));
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
