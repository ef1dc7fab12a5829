package com.athena.common.flink;

import java.util.function.LongSupplier;

/**
 * Whether a source split (a Kafka partition) has delivered everything its input holds: the offset
 * after the last record the source emitted against the partition's end offset, as last confirmed by
 * the broker.
 *
 * <p>The source writes both sides ({@link #emitted} from the task thread, {@link #confirmEnd} from
 * the thread that asks the broker); the split's watermark generator reads {@link #caughtUp}. A
 * confirmation older than {@link #MAX_CONFIRMATION_AGE_MILLIS} counts for nothing, so a broker that
 * stops answering (an outage, a network partition) makes the split "not caught up" within that
 * time, whatever it said before.
 *
 * <p>The generator of a split finds its {@code CatchUp} through {@link #emitting}: the source binds
 * it to the task thread while it hands a record of the split on, which is when the generator sees
 * its events.
 */
public final class CatchUp {
    /** How long a confirmation of the end offset stays valid. */
    public static final long MAX_CONFIRMATION_AGE_MILLIS = 5_000;

    private static final ThreadLocal<CatchUp> EMITTING = new ThreadLocal<>();

    private record Confirmation(long endOffset, long at) {}

    private final LongSupplier clock;
    private volatile long emittedNext = -1;
    private volatile Confirmation confirmation;

    /** A split's catch-up state, ageing confirmations on the wall clock. */
    public CatchUp() {
        this(System::currentTimeMillis);
    }

    /** As above, with the given clock (milliseconds) for the age of confirmations. */
    public CatchUp(LongSupplier clock) {
        this.clock = clock;
    }

    /** The source handed on the record at {@code offset}. */
    public void emitted(long offset) {
        emittedNext = offset + 1;
    }

    /** The broker says the partition ends at {@code endOffset} (the next offset to be written). */
    public void confirmEnd(long endOffset) {
        confirmation = new Confirmation(endOffset, clock.getAsLong());
    }

    /**
     * True if a confirmation younger than {@link #MAX_CONFIRMATION_AGE_MILLIS} says every record
     * the partition held then has been handed on.
     */
    public boolean caughtUp() {
        Confirmation c = confirmation;
        return c != null
                && clock.getAsLong() - c.at() <= MAX_CONFIRMATION_AGE_MILLIS
                && emittedNext >= c.endOffset();
    }

    /** The offset after the last record handed on, -1 before the first. */
    public long emittedNext() {
        return emittedNext;
    }

    /**
     * The catch-up state of the split whose record the calling thread is handing on, or null
     * (sources that know no end offsets, such as Pub/Sub, files and test sources).
     */
    public static CatchUp emitting() {
        return EMITTING.get();
    }

    /** Binds {@code catchUp} to the calling thread while {@code emit} hands a record on. */
    public static <E extends Exception> void whileEmitting(CatchUp catchUp, Emit<E> emit) throws E {
        EMITTING.set(catchUp);
        try {
            emit.run();
        } finally {
            EMITTING.remove();
        }
    }

    /** Hands a record on. */
    @FunctionalInterface
    public interface Emit<E extends Exception> {
        void run() throws E;
    }
}
