package com.athena.common.deadletter;

import java.util.Objects;

/**
 * A record that could not be parsed or validated, kept with its raw payload, where it came from and
 * why it was rejected, so that nothing is silently dropped.
 *
 * <p>{@code (source, origin, receivedAt)} identifies it deterministically, so sinks upsert it and a
 * replay does not duplicate it.
 */
public class DeadLetter {
    /** Bounds what a hostile huge record can cost downstream. */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    /** The input it came from, e.g. {@code kafka:market.trades}. */
    public String source;

    /** Its position in that input, e.g. {@code market.trades/0@1234}. */
    public String origin;

    /** When the source received it, epoch millis. */
    public long receivedAt;

    /** Why it was rejected, readable by a person. */
    public String reason;

    /** The payload as received, cut to {@link #MAX_PAYLOAD_CHARS}. */
    public String payload;

    public DeadLetter() {}

    public DeadLetter(
            String source, String origin, long receivedAt, String reason, String payload) {
        this.source = source;
        this.origin = origin;
        this.receivedAt = receivedAt;
        this.reason = reason;
        this.payload =
                payload != null && payload.length() > MAX_PAYLOAD_CHARS
                        ? payload.substring(0, MAX_PAYLOAD_CHARS)
                        : payload;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter that = (DeadLetter) o;
        return receivedAt == that.receivedAt
                && Objects.equals(source, that.source)
                && Objects.equals(origin, that.origin)
                && Objects.equals(reason, that.reason)
                && Objects.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, origin, receivedAt, reason, payload);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + source + " " + origin + ": " + reason + "}";
    }
}
