package com.athena.jobs.sql;

/**
 * {@code LAST_BY_TIME(value, time)}: the value of the row with the largest time, the last to arrive
 * among equal times; a bar's close by event time (see {@link ByTimeFunction}).
 */
public class LastByTimeFunction extends ByTimeFunction {
    @Override
    boolean replaces(long time, long kept) {
        // Not strict: an equal time arrived later, and the last arrival becomes last.
        return time >= kept;
    }
}
