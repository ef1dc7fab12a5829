package com.athena.common.connectors;

import java.util.Objects;

/**
 * A record as it arrived, before parsing, with a deterministic identity so that its dead letter (if
 * any) is written once even when the source replays it.
 */
public class RawRecord {
    /** The payload, decoded as UTF-8. */
    public String payload;

    /** Where exactly it came from: {@code topic/partition@offset}, a message id or a line. */
    public String origin;

    /** When the source received it (log append time, publish time), epoch millis. */
    public long receivedAt;

    /**
     * The outcome of the parse the source's timestamp assigner made (see {@code EventTimeParser}),
     * handed to the chained parse step so that a record is parsed once. Transient: not part of the
     * record's type, lost (and redone) wherever the record is copied or serialized.
     */
    public transient Object parsed;

    public RawRecord() {}

    public RawRecord(String payload, String origin, long receivedAt) {
        this.payload = payload;
        this.origin = origin;
        this.receivedAt = receivedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return receivedAt == r.receivedAt
                && Objects.equals(payload, r.payload)
                && Objects.equals(origin, r.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(payload, origin, receivedAt);
    }

    @Override
    public String toString() {
        return "RawRecord{" + origin + "}";
    }
}
