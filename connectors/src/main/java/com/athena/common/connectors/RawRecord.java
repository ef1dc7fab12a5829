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
