package com.athena.common.flink;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounded out-of-orderness watermarks that keep advancing with the wall clock once the input has
 * been quiet for a while, so that the bars of a quiet market still close.
 *
 * <p>While events flow, the watermark is {@code maxEventTime - bound - 1}, as with Flink's bounded
 * out-of-orderness generator. After {@code quietAfter} without events, event time is assumed to
 * move with the wall clock: the watermark advances by the wall time elapsed beyond {@code
 * quietAfter}. A zero {@code quietAfter} disables the advance (replays and backfills, where wall
 * time says nothing about event time).
 */
public final class IdleAdvancingWatermarks<T> implements WatermarkGenerator<T> {
    private final long boundMillis;
    private final long quietAfterMillis;
    private final LongSupplier wallClock;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEventWallTime;
    private long lastEmitted = Long.MIN_VALUE;

    public IdleAdvancingWatermarks(
            long boundMillis, long quietAfterMillis, LongSupplier wallClock) {
        if (boundMillis < 0 || quietAfterMillis < 0) {
            throw new IllegalArgumentException("bound and quiet period must not be negative");
        }
        this.boundMillis = boundMillis;
        this.quietAfterMillis = quietAfterMillis;
        this.wallClock = wallClock;
    }

    /**
     * The strategy of a job's input: these watermarks over the timestamps of {@code assigner}, with
     * idleness (zero: none). Given to a FLIP-27 source, each split gets its own generator.
     */
    public static <T> WatermarkStrategy<T> strategy(
            Duration bound,
            Duration quietAfter,
            Duration idleness,
            SerializableTimestampAssigner<T> assigner) {
        long boundMillis = bound.toMillis();
        long quietAfterMillis = quietAfter.toMillis();
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forGenerator(
                                ctx ->
                                        new IdleAdvancingWatermarks<>(
                                                boundMillis,
                                                quietAfterMillis,
                                                System::currentTimeMillis))
                        .withTimestampAssigner(assigner);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        // A record without event time (EventTimeParser.NO_TIMESTAMP: unparseable or beyond the
        // future tolerance) is still activity, but moves nothing: it cannot beat any timestamp.
        if (eventTimestamp > maxTimestamp) {
            maxTimestamp = eventTimestamp;
        }
        lastEventWallTime = wallClock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTimestamp == Long.MIN_VALUE) {
            return;
        }
        long watermark = maxTimestamp - boundMillis - 1;
        if (quietAfterMillis > 0) {
            long quietFor = wallClock.getAsLong() - lastEventWallTime;
            if (quietFor > quietAfterMillis) {
                watermark += quietFor - quietAfterMillis;
            }
        }
        // Watermarks never go back, even if the advance overshot and events resume.
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
