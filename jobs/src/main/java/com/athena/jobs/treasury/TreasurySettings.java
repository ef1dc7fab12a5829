package com.athena.jobs.treasury;

import com.athena.common.config.CommonOptions;
import com.athena.common.flink.IdleAdvancingWatermarks;
import com.athena.common.market.MarketSnapshotParser;
import com.athena.common.treasury.CostPricing;
import com.athena.common.treasury.CrashRules;
import com.athena.common.treasury.TreasuryEventParser;
import com.athena.common.treasury.TreasuryInputParser;
import com.athena.common.treasury.TreasuryRules;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.time.Duration;

/** The treasury job's typed options, with defaults; documented in the README's table. */
public final class TreasurySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final ConfigOption<Duration> DEDUP_TTL =
            ConfigOptions.key("treasury.dedup.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "How long an event id is remembered (processing time): a second event with it is a duplicate.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("treasury.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How far out of order events may come and still be applied in event-time order.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("treasury.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "An input split without events for this long stops holding back the watermark.");

    public static final ConfigOption<Duration> QUIET_ADVANCE =
            ConfigOptions.key("treasury.watermark.quiet-advance-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "After this long without events the watermark follows the wall clock, so days close at midnight; 0 disables.");

    public static final ConfigOption<Integer> BURN_WINDOW_DAYS =
            ConfigOptions.key("treasury.burn.window-days")
                    .intType()
                    .defaultValue(TreasuryRules.DEFAULT.burnWindowDays())
                    .withDescription(
                            "The burn rate is the mean cost of at most this many completed days.");

    public static final ConfigOption<Double> STABLE_RUNWAY_DAYS =
            ConfigOptions.key("treasury.runway.stable-days")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stableRunwayDays())
                    .withDescription("A runway of at least this many days is stable.");

    public static final ConfigOption<Double> DESPERATE_RUNWAY_DAYS =
            ConfigOptions.key("treasury.runway.desperate-below-days")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperateRunwayDays())
                    .withDescription("A runway below this many days is desperate.");

    public static final ConfigOption<Double> HYSTERESIS =
            ConfigOptions.key("treasury.runway.hysteresis")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.hysteresis())
                    .withDescription("Moving up to a better state needs its threshold times this.");

    public static final ConfigOption<Double> STABLE_CONFIDENCE =
            ConfigOptions.key("treasury.mood.stable.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stable().confidenceLevel())
                    .withDescription("confidence_level while stable.");

    public static final ConfigOption<Double> STABLE_RISK =
            ConfigOptions.key("treasury.mood.stable.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stable().riskTolerance())
                    .withDescription("risk_tolerance while stable.");

    public static final ConfigOption<Double> CAUTIOUS_CONFIDENCE =
            ConfigOptions.key("treasury.mood.cautious.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.cautious().confidenceLevel())
                    .withDescription("confidence_level while cautious.");

    public static final ConfigOption<Double> CAUTIOUS_RISK =
            ConfigOptions.key("treasury.mood.cautious.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.cautious().riskTolerance())
                    .withDescription("risk_tolerance while cautious.");

    public static final ConfigOption<Double> DESPERATE_CONFIDENCE =
            ConfigOptions.key("treasury.mood.desperate.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperate().confidenceLevel())
                    .withDescription("confidence_level while desperate.");

    public static final ConfigOption<Double> DESPERATE_RISK =
            ConfigOptions.key("treasury.mood.desperate.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperate().riskTolerance())
                    .withDescription("risk_tolerance while desperate.");

    public static final ConfigOption<Double> MAX_DAILY_COST =
            ConfigOptions.key("treasury.max-daily-cost-usd")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.maxDailyCostUsd())
                    .withDescription(
                            "A day's cost above this activates cost-saving mode until the day closes.");

    public static final ConfigOption<Double> CRASH_BTC_CHANGE =
            ConfigOptions.key("treasury.crash.trigger.btc-24h-change")
                    .doubleType()
                    .defaultValue(CrashRules.DEFAULT.triggerBtcChange())
                    .withDescription(
                            "A snapshot with btc_24h_change at or below this triggers the crash override.");

    public static final ConfigOption<Integer> CRASH_FEAR_GREED =
            ConfigOptions.key("treasury.crash.trigger.fear-greed")
                    .intType()
                    .defaultValue(CrashRules.DEFAULT.triggerFearGreed())
                    .withDescription(
                            "A snapshot with fear_greed_index at or below this triggers the crash override.");

    public static final ConfigOption<Double> RELEASE_BTC_CHANGE =
            ConfigOptions.key("treasury.crash.release.btc-24h-change")
                    .doubleType()
                    .defaultValue(CrashRules.DEFAULT.releaseBtcChange())
                    .withDescription(
                            "Release needs btc_24h_change above this (and the fear & greed release).");

    public static final ConfigOption<Integer> RELEASE_FEAR_GREED =
            ConfigOptions.key("treasury.crash.release.fear-greed")
                    .intType()
                    .defaultValue(CrashRules.DEFAULT.releaseFearGreed())
                    .withDescription(
                            "Release needs fear_greed_index at or above this (and the BTC release).");

    public static final ConfigOption<Duration> SIGNAL_RETENTION =
            ConfigOptions.key("treasury.crash.signal-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(2))
                    .withDescription(
                            "Crash signals older than this before the newest are forgotten (the latest of them is kept).");

    public static final ConfigOption<Double> LLM_INPUT_PER_1K =
            ConfigOptions.key("treasury.pricing.llm-input-per-1k")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.defaultTokens().inputPer1k())
                    .withDescription(
                            "USD per 1,000 input tokens of an LLM call of an unlisted model.");

    public static final ConfigOption<Double> LLM_OUTPUT_PER_1K =
            ConfigOptions.key("treasury.pricing.llm-output-per-1k")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.defaultTokens().outputPer1k())
                    .withDescription(
                            "USD per 1,000 output tokens of an LLM call of an unlisted model.");

    public static final ConfigOption<String> MODEL_PRICES =
            ConfigOptions.key("treasury.pricing.models")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Per-model prices per 1,000 tokens: model=input/output;model=input/output.");

    public static final ConfigOption<Double> API_CALL_PRICE =
            ConfigOptions.key("treasury.pricing.api-call")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.apiCall())
                    .withDescription("USD per API call.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key("treasury.events-topic")
                    .stringType()
                    .defaultValue("treasury.events")
                    .withDescription("Kafka topic of the balance events.");

    public static final ConfigOption<String> TRANSITIONS_TOPIC =
            ConfigOptions.key("treasury.transitions-topic")
                    .stringType()
                    .defaultValue("agent.transitions")
                    .withDescription("Kafka topic of the transitions.");

    public static final ConfigOption<String> TRANSITIONS_DELIVERY =
            ConfigOptions.key("treasury.transitions.delivery-guarantee")
                    .stringType()
                    .defaultValue("at-least-once")
                    .withDescription(
                            "at-least-once (visible at once; de-duplicate on transition_id) or exactly-once (Kafka transactions, visible at checkpoints).");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("treasury.dlq-topic")
                    .stringType()
                    .defaultValue("treasury.dlq")
                    .withDescription("Kafka topic of the treasury job's dead letters.");

    public static final ConfigOption<String> COSTS_SUBSCRIPTION =
            ConfigOptions.key("treasury.costs-subscription")
                    .stringType()
                    .defaultValue("agent-costs-sub")
                    .withDescription("Pub/Sub subscription of the cost events.");

    public static final ConfigOption<String> SNAPSHOTS_SUBSCRIPTION =
            ConfigOptions.key("treasury.snapshots-subscription")
                    .stringType()
                    .defaultValue("treasury-market-snapshots-sub")
                    .withDescription(
                            "The treasury's own Pub/Sub subscription of the market snapshots (the market job has its own).");

    public static final ConfigOption<Duration> FIRESTORE_MIN_INTERVAL =
            ConfigOptions.key("treasury.firestore.min-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "The least time between two writes of one Firestore document.");

    public final Duration dedupTtl;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration quietAdvance;
    public final Duration signalRetention;
    public final TreasuryRules rules;
    public final CostPricing pricing;
    public final TreasuryEventParser eventParser;
    public final MarketSnapshotParser snapshotParser;
    public final DeliveryGuarantee transitionsDelivery;
    public final Duration firestoreMinInterval;

    public TreasurySettings(Configuration config) {
        this.dedupTtl = config.get(DEDUP_TTL);
        this.outOfOrderness = config.get(OUT_OF_ORDERNESS);
        this.idleness = config.get(IDLENESS);
        this.quietAdvance = config.get(QUIET_ADVANCE);
        this.signalRetention = config.get(SIGNAL_RETENTION);
        this.rules =
                new TreasuryRules(
                        config.get(BURN_WINDOW_DAYS),
                        config.get(STABLE_RUNWAY_DAYS),
                        config.get(DESPERATE_RUNWAY_DAYS),
                        config.get(HYSTERESIS),
                        new TreasuryRules.Mood(
                                config.get(STABLE_CONFIDENCE), config.get(STABLE_RISK)),
                        new TreasuryRules.Mood(
                                config.get(CAUTIOUS_CONFIDENCE), config.get(CAUTIOUS_RISK)),
                        new TreasuryRules.Mood(
                                config.get(DESPERATE_CONFIDENCE), config.get(DESPERATE_RISK)),
                        config.get(MAX_DAILY_COST),
                        new CrashRules(
                                config.get(CRASH_BTC_CHANGE),
                                config.get(CRASH_FEAR_GREED),
                                config.get(RELEASE_BTC_CHANGE),
                                config.get(RELEASE_FEAR_GREED)));
        this.pricing =
                new CostPricing(
                        new CostPricing.TokenPrice(
                                config.get(LLM_INPUT_PER_1K), config.get(LLM_OUTPUT_PER_1K)),
                        CostPricing.parseModels(config.get(MODEL_PRICES)),
                        config.get(API_CALL_PRICE));
        long maxFuture = config.get(CommonOptions.MAX_FUTURE).toMillis();
        this.eventParser = new TreasuryEventParser(pricing, maxFuture);
        this.snapshotParser = new MarketSnapshotParser(maxFuture);
        this.transitionsDelivery = delivery(config.get(TRANSITIONS_DELIVERY));
        this.firestoreMinInterval = config.get(FIRESTORE_MIN_INTERVAL);
        if (dedupTtl.isZero() || dedupTtl.isNegative()) {
            throw new IllegalArgumentException(DEDUP_TTL.key() + " must be positive");
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
        long bound = outOfOrderness.toMillis();
        long quietAfter = quietAdvance.toMillis();
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forGenerator(
                                ctx ->
                                        new IdleAdvancingWatermarks<>(
                                                bound, quietAfter, System::currentTimeMillis))
                        .withTimestampAssigner(timestamps);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }

    static DeliveryGuarantee delivery(String value) {
        return switch (value) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default ->
                    throw new IllegalArgumentException(
                            TRANSITIONS_DELIVERY.key()
                                    + " must be at-least-once or exactly-once, got '"
                                    + value
                                    + "'");
        };
    }
}
