package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEventParser;
import com.athena.common.activity.AgentContextParser;
import com.athena.common.activity.MarketConditionParser;
import com.athena.common.flink.IdleAdvancingWatermarks;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the activity job is built from, derived from a configuration of {@link ActivityOptions}: the
 * parsers, the watermark durations and the bounds of its state.
 */
public final class ActivitySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final Duration dedupTtl;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration quietAdvance;
    public final Duration maxFuture;
    public final Duration historyRetention;
    public final String marketSymbol;
    public final int recentDecisions;
    public final Duration firestoreMinInterval;
    public final ActivityEventParser eventParser;
    public final AgentContextParser contextParser;
    public final MarketConditionParser conditionParser;

    public ActivitySettings(Configuration config) {
        this.dedupTtl = config.get(ActivityOptions.DEDUP_TTL);
        this.outOfOrderness = config.get(ActivityOptions.OUT_OF_ORDERNESS);
        this.idleness = config.get(ActivityOptions.IDLENESS);
        this.quietAdvance = config.get(ActivityOptions.QUIET_ADVANCE);
        this.maxFuture = config.get(ActivityOptions.MAX_FUTURE);
        this.historyRetention = config.get(ActivityOptions.HISTORY_RETENTION);
        this.marketSymbol = config.get(ActivityOptions.MARKET_SYMBOL);
        this.recentDecisions = config.get(ActivityOptions.RECENT_DECISIONS);
        this.firestoreMinInterval = config.get(ActivityOptions.FIRESTORE_MIN_INTERVAL);
        if (dedupTtl.isZero() || dedupTtl.isNegative()) {
            throw new IllegalArgumentException(
                    ActivityOptions.DEDUP_TTL.key() + " must be positive");
        }
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException(
                    ActivityOptions.MAX_FUTURE.key() + " must not be negative");
        }
        if (recentDecisions < 1) {
            throw new IllegalArgumentException(
                    ActivityOptions.RECENT_DECISIONS.key() + " must be at least 1");
        }
        this.eventParser = new ActivityEventParser(maxFuture.toMillis());
        this.contextParser = new AgentContextParser(maxFuture.toMillis());
        this.conditionParser = new MarketConditionParser(maxFuture.toMillis());
    }

    /**
     * Bounded out-of-orderness watermarks that follow the wall clock after a quiet period, with
     * idleness for quiet inputs (as the treasury job's).
     */
    public <T> WatermarkStrategy<T> watermarks(SerializableTimestampAssigner<T> timestamps) {
        return IdleAdvancingWatermarks.strategy(outOfOrderness, quietAdvance, idleness, timestamps);
    }
}
