package com.athena.jobs.sql;

/** Argument checks and NaN handling shared by the SQL functions. */
final class SqlArguments {
    private SqlArguments() {}

    /** The period of an indicator: a non-NULL INT (the indicator checks its range). */
    static int period(String function, Integer period) {
        if (period == null) {
            throw new IllegalArgumentException(function + ": the period is NULL");
        }
        return period;
    }

    /**
     * A partition's state was built for one period: a different one on a later row is a query
     * error, not a reason to start over silently.
     */
    static void samePeriod(String function, int expected, Integer actual) {
        if (actual == null || actual != expected) {
            throw new IllegalArgumentException(
                    function
                            + ": the period must be the same on every row of a partition, got "
                            + actual
                            + " after "
                            + expected);
        }
    }

    /** The indicators say NaN for "not warmed up"; SQL says NULL, as market_data does. */
    static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
