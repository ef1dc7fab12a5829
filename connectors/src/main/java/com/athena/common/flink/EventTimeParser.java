package com.athena.common.flink;

import com.athena.common.connectors.RawRecord;
import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.RecordParser;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

import java.io.Serializable;
import java.time.Duration;

/**
 * Parses a raw record in the source, where its event time is needed for the watermark: the source's
 * timestamp assigner parses each record once, hands the outcome to the parse step chained after it,
 * and gives an unparseable record, or one whose event time is beyond the future tolerance, no
 * timestamp, so that it moves no watermark and the parse step dead-letters it.
 *
 * <p>The tolerance is checked here, not only in the parsers, so that every input (also a replayed
 * file whose parser knows nothing of the wall clock) is bounded the same way: one event dated hours
 * ahead would otherwise push the watermark past every real event and make them all late.
 */
public final class EventTimeParser<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The largest payload parsed, in characters: events are JSON of a few hundred bytes, and a
     * Pub/Sub message may be 10 MB; a larger payload is a dead letter without being parsed.
     */
    public static final int MAX_PAYLOAD_CHARS = 1 << 20;

    /** The timestamp of a record that must not move the watermark. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** The event time of a parsed record. */
    @FunctionalInterface
    public interface EventTime<T> extends Serializable {
        long of(T record);
    }

    private final RecordParser<T> parser;
    private final EventTime<T> eventTime;
    private final long maxFutureMillis;

    /**
     * @param eventTime the parsed record's event time, or {@code null} for inputs without event
     *     time (no future check)
     * @param maxFuture how far ahead of the wall clock an event time may be
     */
    public EventTimeParser(RecordParser<T> parser, EventTime<T> eventTime, Duration maxFuture) {
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("the future tolerance must not be negative");
        }
        this.parser = parser;
        this.eventTime = eventTime;
        this.maxFutureMillis = maxFuture.toMillis();
    }

    /** Without event time: a plain parse, as for broadcast inputs that drive no watermark. */
    public static <T> EventTimeParser<T> plain(RecordParser<T> parser) {
        return new EventTimeParser<>(parser, null, Duration.ZERO);
    }

    /** Parses the record unless the source already did, and returns the outcome. */
    Outcome parse(RawRecord raw, long nowMillis) {
        Handoff handoff = HANDOFF.get();
        if (handoff.outcome != null && raw.payload != null && handoff.payload == raw.payload) {
            // Once only: a source that emits the same record again is parsed again.
            Outcome outcome = handoff.outcome;
            handoff.payload = null;
            handoff.outcome = null;
            return outcome;
        }
        return outcome(raw.payload, nowMillis);
    }

    private Outcome outcome(String payload, long nowMillis) {
        if (payload != null && payload.length() > MAX_PAYLOAD_CHARS) {
            return new Outcome(
                    null,
                    "payload of "
                            + payload.length()
                            + " characters is above the bound of "
                            + MAX_PAYLOAD_CHARS,
                    NO_TIMESTAMP);
        }
        T record;
        try {
            record = parser.parse(payload, nowMillis);
        } catch (InvalidRecordException e) {
            return new Outcome(null, e.getMessage(), NO_TIMESTAMP);
        } catch (RuntimeException e) {
            // A parser bug must not take the job down with it; the record is kept for replay.
            return new Outcome(
                    null,
                    "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    NO_TIMESTAMP);
        }
        if (eventTime == null) {
            return new Outcome(record, null, NO_TIMESTAMP);
        }
        long ts = eventTime.of(record);
        if (ts > nowMillis + maxFutureMillis) {
            return new Outcome(
                    null,
                    "event time "
                            + ts
                            + " is more than "
                            + Duration.ofMillis(maxFutureMillis)
                            + " ahead of the wall clock ("
                            + nowMillis
                            + ")",
                    NO_TIMESTAMP);
        }
        return new Outcome(record, null, ts);
    }

    /** The source's timestamp assigner: parses, keeps the outcome on the record. */
    public SerializableTimestampAssigner<RawRecord> timestamps() {
        return (raw, previous) -> {
            Outcome outcome = outcome(raw.payload, System.currentTimeMillis());
            Handoff handoff = HANDOFF.get();
            handoff.payload = raw.payload;
            handoff.outcome = outcome;
            return outcome.timestamp;
        };
    }

    /**
     * The outcome of the record the source's timestamp assigner parsed last in this thread, for the
     * parse step chained after the source. The chain runs in one task thread, one record at a time.
     * Without object reuse (the jobs turn it on, a job built from these parts may not) the chain
     * copies each record between its operators, so a field on the record would be lost; the payload
     * string is passed on as the same object either way, which identifies the record. A parse step
     * that runs elsewhere (not chained) finds no match and parses again.
     */
    private static final ThreadLocal<Handoff> HANDOFF = ThreadLocal.withInitial(Handoff::new);

    /** The last outcome of {@link #timestamps()} in a thread, and the payload it belongs to. */
    private static final class Handoff {
        String payload;
        Outcome outcome;
    }

    /** A parsed record or the reason it has none, and its event time for the watermark. */
    static final class Outcome {
        final Object record;
        final String rejection;
        final long timestamp;

        Outcome(Object record, String rejection, long timestamp) {
            this.record = record;
            this.rejection = rejection;
            this.timestamp = timestamp;
        }
    }
}
