package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounded out-of-orderness watermarks that keep advancing with time while the input is quiet and
 * caught up, so that the bars of a quiet market still close, but never over a backlog.
 *
 * <p>While events flow, the watermark is {@code maxEventTime - bound - 1}, as with Flink's bounded
 * out-of-orderness generator. A split whose source reports its {@link CatchUp} (Kafka partitions
 * read through {@code CatchUpKafkaSource}) advances further only while the source confirms it has
 * handed on everything the partition holds: once it has been quiet for {@code quietAfter}, counted
 * from the later of its last event and the start of the current run of confirmations, the watermark
 * advances by the time elapsed beyond that. Time is the input-activity clock, which stands still
 * while the source is backpressured or paused. A stalled broker (no confirmation), a restart or a
 * backlog (not caught up) therefore stops the advance, and the delayed events are on time when they
 * come. Such a split never goes idle: caught up it advances, behind it must hold the watermark for
 * its backlog.
 *
 * <p>A split without catch-up knowledge (Pub/Sub, files, test sources) never advances on time; it
 * goes idle after {@code idleness} without events instead. So does a split whose records carried no
 * event time yet. A zero {@code quietAfter} disables the advance (replays and backfills, where wall
 * time says nothing about event time); idleness then applies to every split.
 */
public final class IdleAdvancingWatermarks<T> implements WatermarkGenerator<T> {
    private static final long NEVER = Long.MIN_VALUE;

    private final long boundMillis;
    private final long quietAfterMillis;
    private final long idlenessMillis;
    private final LongSupplier clock;
    private final Supplier<CatchUp> catchUpOfEvent;

    private CatchUp catchUp;
    private boolean bound;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEventTime;
    private long caughtUpSince = NEVER;
    private long lastEmitted = Long.MIN_VALUE;
    private boolean idle;

    /**
     * @param clock the input-activity clock, milliseconds
     * @param catchUpOfEvent asked at the first event: the split's {@link CatchUp}, or null
     */
    public IdleAdvancingWatermarks(
            long boundMillis,
            long quietAfterMillis,
            long idlenessMillis,
            LongSupplier clock,
            Supplier<CatchUp> catchUpOfEvent) {
        if (boundMillis < 0 || quietAfterMillis < 0 || idlenessMillis < 0) {
            throw new IllegalArgumentException(
                    "bound, quiet period and idleness must not be negative");
        }
        this.boundMillis = boundMillis;
        this.quietAfterMillis = quietAfterMillis;
        this.idlenessMillis = idlenessMillis;
        this.clock = clock;
        this.catchUpOfEvent = catchUpOfEvent;
        this.lastEventTime = clock.getAsLong();
    }

    /**
     * The strategy of a job's input: these watermarks over the timestamps of {@code assigner}, with
     * idleness (zero: none), on the input-activity clock. Given to a FLIP-27 source, each split
     * gets its own generator.
     */
    public static <T> WatermarkStrategy<T> strategy(
            Duration bound,
            Duration quietAfter,
            Duration idleness,
            SerializableTimestampAssigner<T> assigner) {
        long boundMillis = bound.toMillis();
        long quietAfterMillis = quietAfter.toMillis();
        long idlenessMillis = idleness.toMillis();
        return WatermarkStrategy.<T>forGenerator(
                        ctx ->
                                new IdleAdvancingWatermarks<>(
                                        boundMillis,
                                        quietAfterMillis,
                                        idlenessMillis,
                                        ctx.getInputActivityClock()::relativeTimeMillis,
                                        CatchUp::emitting))
                .withTimestampAssigner(assigner);
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (!bound) {
            catchUp = catchUpOfEvent.get();
            bound = true;
        }
        // A record without event time (EventTimeParser.NO_TIMESTAMP: unparseable or beyond the
        // future tolerance) is still activity, but moves nothing: it cannot beat any timestamp.
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
        }
        lastEventTime = clock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        boolean advancing = quietAfterMillis > 0 && catchUp != null;
        if (maxTimestamp == Long.MIN_VALUE || !advancing) {
            if (idlenessMillis > 0 && now - lastEventTime >= idlenessMillis) {
                if (!idle) {
                    idle = true;
                    output.markIdle();
                }
                return;
            }
            if (maxTimestamp != Long.MIN_VALUE) {
                emit(maxTimestamp - boundMillis - 1, output);
            }
            return;
        }
        long watermark = maxTimestamp - boundMillis - 1;
        if (catchUp.caughtUp()) {
            if (caughtUpSince == NEVER) {
                caughtUpSince = now;
            }
            // Quiet time counts from the later of the last event and the start of this run of
            // confirmations: a stall that ends must first be confirmed over again.
            long quietFor = now - Math.max(lastEventTime, caughtUpSince);
            if (quietFor > quietAfterMillis) {
                watermark += quietFor - quietAfterMillis;
            }
        } else {
            caughtUpSince = NEVER;
        }
        emit(watermark, output);
    }

    private void emit(long watermark, WatermarkOutput output) {
        // Watermarks never go back, even if the advance overshot and events resume. An idle split
        // becomes active again with its next watermark, even an unchanged one.
        if (watermark > lastEmitted || idle) {
            lastEmitted = Math.max(lastEmitted, watermark);
            idle = false;
            output.emitWatermark(new Watermark(lastEmitted));
        }
    }
}
