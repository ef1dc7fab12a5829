package com.athena.common.json;

/** A record that does not parse or validate; its message is the dead-letter reason. */
public class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
