package com.athena.common.json;

import java.io.Serializable;

/** Turns one raw payload into a validated event, or says why it cannot. */
@FunctionalInterface
public interface RecordParser<T> extends Serializable {
    /**
     * @param payload the raw record, as received
     * @param nowMillis the wall clock, to reject event times too far in the future
     */
    T parse(String payload, long nowMillis) throws InvalidRecordException;
}
