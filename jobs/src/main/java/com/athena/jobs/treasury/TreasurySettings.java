package com.athena.jobs.treasury;

import com.athena.common.flink.IdleAdvancingWatermarks;
import com.athena.common.market.MarketSnapshotParser;
import com.athena.common.treasury.CostPricing;
import com.athena.common.treasury.CrashRules;
import com.athena.common.treasury.TreasuryEventParser;
import com.athena.common.treasury.TreasuryInputParser;
import com.athena.common.treasury.TreasuryRules;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the treasury job is built from, derived from a configuration of {@link TreasuryOptions}: the
 * rules, the cost pricing, the parsers, the watermark durations and the delivery guarantee. The
 * options themselves live in {@link TreasuryOptions}.
 */
public final class TreasurySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final Duration dedupTtl;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration quietAdvance;
    public final Duration signalRetention;
    public final Duration maxFuture;
    public final TreasuryRules rules;
    public final CostPricing pricing;
    public final TreasuryEventParser eventParser;
    public final MarketSnapshotParser snapshotParser;
    public final DeliveryGuarantee transitionsDelivery;
    public final Duration firestoreMinInterval;
    public final int maxAgentGauges;
    public final Duration idleRetention;

    public TreasurySettings(Configuration config) {
        this.dedupTtl = config.get(TreasuryOptions.DEDUP_TTL);
        this.outOfOrderness = config.get(TreasuryOptions.OUT_OF_ORDERNESS);
        this.idleness = config.get(TreasuryOptions.IDLENESS);
        this.quietAdvance = config.get(TreasuryOptions.QUIET_ADVANCE);
        this.signalRetention = config.get(TreasuryOptions.SIGNAL_RETENTION);
        this.rules =
                new TreasuryRules(
                        config.get(TreasuryOptions.BURN_WINDOW_DAYS),
                        config.get(TreasuryOptions.STABLE_RUNWAY_DAYS),
                        config.get(TreasuryOptions.DESPERATE_RUNWAY_DAYS),
                        config.get(TreasuryOptions.HYSTERESIS),
                        new TreasuryRules.Mood(
                                config.get(TreasuryOptions.STABLE_CONFIDENCE),
                                config.get(TreasuryOptions.STABLE_RISK)),
                        new TreasuryRules.Mood(
                                config.get(TreasuryOptions.CAUTIOUS_CONFIDENCE),
                                config.get(TreasuryOptions.CAUTIOUS_RISK)),
                        new TreasuryRules.Mood(
                                config.get(TreasuryOptions.DESPERATE_CONFIDENCE),
                                config.get(TreasuryOptions.DESPERATE_RISK)),
                        config.get(TreasuryOptions.MAX_DAILY_COST),
                        new CrashRules(
                                config.get(TreasuryOptions.CRASH_BTC_CHANGE),
                                config.get(TreasuryOptions.CRASH_FEAR_GREED),
                                config.get(TreasuryOptions.RELEASE_BTC_CHANGE),
                                config.get(TreasuryOptions.RELEASE_FEAR_GREED)));
        this.pricing =
                new CostPricing(
                        new CostPricing.TokenPrice(
                                config.get(TreasuryOptions.LLM_INPUT_PER_1K),
                                config.get(TreasuryOptions.LLM_OUTPUT_PER_1K)),
                        CostPricing.parseModels(config.get(TreasuryOptions.MODEL_PRICES)),
                        config.get(TreasuryOptions.API_CALL_PRICE));
        this.maxFuture = config.get(TreasuryOptions.MAX_FUTURE);
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException(
                    TreasuryOptions.MAX_FUTURE.key() + " must not be negative");
        }
        this.eventParser = new TreasuryEventParser(pricing, maxFuture.toMillis());
        this.snapshotParser = new MarketSnapshotParser(maxFuture.toMillis());
        this.transitionsDelivery = delivery(config.get(TreasuryOptions.TRANSITIONS_DELIVERY));
        this.firestoreMinInterval = config.get(TreasuryOptions.FIRESTORE_MIN_INTERVAL);
        this.maxAgentGauges = config.get(TreasuryOptions.MAX_AGENT_GAUGES);
        if (maxAgentGauges < 0) {
            throw new IllegalArgumentException(
                    TreasuryOptions.MAX_AGENT_GAUGES.key() + " must not be negative");
        }
        if (dedupTtl.isZero() || dedupTtl.isNegative()) {
            throw new IllegalArgumentException(
                    TreasuryOptions.DEDUP_TTL.key() + " must be positive");
        }
        this.idleRetention = config.get(TreasuryOptions.STATE_IDLE_RETENTION);
        Duration burnWindow = Duration.ofDays(rules.burnWindowDays() + 1L);
        if (idleRetention.compareTo(burnWindow) <= 0 || idleRetention.compareTo(dedupTtl) < 0) {
            throw new IllegalArgumentException(
                    TreasuryOptions.STATE_IDLE_RETENTION.key()
                            + " must be longer than "
                            + TreasuryOptions.BURN_WINDOW_DAYS.key()
                            + " plus one day ("
                            + burnWindow
                            + ") and at least "
                            + TreasuryOptions.DEDUP_TTL.key()
                            + " ("
                            + dedupTtl
                            + "), got "
                            + idleRetention);
        }
    }

    /** The parser of mixed inputs (replays): events and snapshots in one file. */
    public TreasuryInputParser inputParser() {
        return new TreasuryInputParser(eventParser, snapshotParser);
    }

    /**
     * Bounded out-of-orderness watermarks that follow the wall clock after a quiet period (so that
     * days close without new events), with idleness for quiet inputs.
     */
    public <T> WatermarkStrategy<T> watermarks(SerializableTimestampAssigner<T> timestamps) {
        return IdleAdvancingWatermarks.strategy(outOfOrderness, quietAdvance, idleness, timestamps);
    }

    static DeliveryGuarantee delivery(String value) {
        return switch (value) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default ->
                    throw new IllegalArgumentException(
                            TreasuryOptions.TRANSITIONS_DELIVERY.key()
                                    + " must be at-least-once or exactly-once, got '"
                                    + value
                                    + "'");
        };
    }
}
