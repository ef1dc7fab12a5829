package com.athena.jobs.sql;

/**
 * {@code FIRST_BY_TIME(value, time)}: the value of the row with the smallest time, the first to
 * arrive among equal times; a bar's open by event time (see {@link ByTimeFunction}).
 */
public class FirstByTimeFunction extends ByTimeFunction {
    @Override
    boolean replaces(long time, long kept) {
        // Strict: an equal time arrived later, and the first arrival stays first.
        return time < kept;
    }
}
