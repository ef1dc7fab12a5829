package com.athena.jobs.treasury;

import com.athena.common.treasury.CostPricing;
import com.athena.common.treasury.CrashRules;
import com.athena.common.treasury.TreasuryRules;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The treasury job's options: only their keys, types, defaults and descriptions. {@link
 * TreasurySettings} builds the rules, pricing and parsers from them; docs/configuration.md is
 * generated from these fields.
 */
public final class TreasuryOptions {

    public static final ConfigOption<Duration> DEDUP_TTL =
            ConfigOptions.key("treasury.dedup.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "How long an agent's event id is remembered (processing time): a"
                                    + " second event with it is a duplicate, dead-lettered"
                                    + " (duplicate-treasury-events) and not applied. Must be"
                                    + " positive; make it longer than the longest redelivery you"
                                    + " expect (Pub/Sub retention, Kafka replays). State grows"
                                    + " with the events of this period.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("treasury.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How far out of order (event time) events may come and still be"
                                    + " applied in event-time order; a day closes this long after"
                                    + " midnight UTC. Larger values tolerate slower inputs at"
                                    + " the cost of later day closes.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("treasury.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "An input split without events for this long stops holding back the"
                                    + " watermark: the Pub/Sub inputs, and the Kafka partitions"
                                    + " when the quiet advance is off (with it on, a caught-up"
                                    + " partition advances and one behind holds). 0 disables.");

    public static final ConfigOption<Duration> QUIET_ADVANCE =
            ConfigOptions.key("treasury.watermark.quiet-advance-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "After this long without events on a Kafka partition that the broker"
                                    + " confirms is caught up, the partition's watermark follows"
                                    + " the clock, so days close at midnight even without new"
                                    + " events. Counted only since the broker last began"
                                    + " confirming and not under backpressure, so an outage or a"
                                    + " backlog makes no event late. The Pub/Sub inputs never"
                                    + " advance (a pull cannot tell a drained subscription from a"
                                    + " stalled one); they go idle instead. 0 disables it: use 0"
                                    + " for replays of history.");

    public static final ConfigOption<Integer> BURN_WINDOW_DAYS =
            ConfigOptions.key("treasury.burn.window-days")
                    .intType()
                    .defaultValue(TreasuryRules.DEFAULT.burnWindowDays())
                    .withDescription(
                            "The burn rate (USD per day) is the mean cost of at most this many"
                                    + " completed UTC days; at least 1. Shorter follows changes"
                                    + " faster, longer is steadier.");

    public static final ConfigOption<Double> STABLE_RUNWAY_DAYS =
            ConfigOptions.key("treasury.runway.stable-days")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stableRunwayDays())
                    .withDescription(
                            "A runway (balance / burn rate) of at least this many days is stable;"
                                    + " between treasury.runway.desperate-below-days and this it"
                                    + " is cautious. Must be above the desperate threshold.");

    public static final ConfigOption<Double> DESPERATE_RUNWAY_DAYS =
            ConfigOptions.key("treasury.runway.desperate-below-days")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperateRunwayDays())
                    .withDescription("A runway below this many days is desperate; above 0.");

    public static final ConfigOption<Double> HYSTERESIS =
            ConfigOptions.key("treasury.runway.hysteresis")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.hysteresis())
                    .withDescription(
                            "Moving up to a better state needs the runway above its threshold"
                                    + " times this factor (1.1 = 10 % more), so a runway near a"
                                    + " threshold does not flip the state back and forth. At"
                                    + " least 1 (1 = no hysteresis).");

    public static final ConfigOption<Double> STABLE_CONFIDENCE =
            ConfigOptions.key("treasury.mood.stable.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stable().confidenceLevel())
                    .withDescription("confidence_level (0..1) written while stable.");

    public static final ConfigOption<Double> STABLE_RISK =
            ConfigOptions.key("treasury.mood.stable.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.stable().riskTolerance())
                    .withDescription("risk_tolerance (0..1) written while stable.");

    public static final ConfigOption<Double> CAUTIOUS_CONFIDENCE =
            ConfigOptions.key("treasury.mood.cautious.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.cautious().confidenceLevel())
                    .withDescription("confidence_level (0..1) written while cautious.");

    public static final ConfigOption<Double> CAUTIOUS_RISK =
            ConfigOptions.key("treasury.mood.cautious.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.cautious().riskTolerance())
                    .withDescription("risk_tolerance (0..1) written while cautious.");

    public static final ConfigOption<Double> DESPERATE_CONFIDENCE =
            ConfigOptions.key("treasury.mood.desperate.confidence")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperate().confidenceLevel())
                    .withDescription("confidence_level (0..1) written while desperate.");

    public static final ConfigOption<Double> DESPERATE_RISK =
            ConfigOptions.key("treasury.mood.desperate.risk-tolerance")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.desperate().riskTolerance())
                    .withDescription("risk_tolerance (0..1) written while desperate.");

    public static final ConfigOption<Double> MAX_DAILY_COST =
            ConfigOptions.key("treasury.max-daily-cost-usd")
                    .doubleType()
                    .defaultValue(TreasuryRules.DEFAULT.maxDailyCostUsd())
                    .withDescription(
                            "A UTC day's cost (USD) above this activates cost-saving mode until"
                                    + " the day closes; at least 0.");

    public static final ConfigOption<Double> CRASH_BTC_CHANGE =
            ConfigOptions.key("treasury.crash.trigger.btc-24h-change")
                    .doubleType()
                    .defaultValue(CrashRules.DEFAULT.triggerBtcChange())
                    .withDescription(
                            "A market snapshot with btc_24h_change (percent; -10.0 = -10 %) at or"
                                    + " below this triggers the market-crash override.");

    public static final ConfigOption<Integer> CRASH_FEAR_GREED =
            ConfigOptions.key("treasury.crash.trigger.fear-greed")
                    .intType()
                    .defaultValue(CrashRules.DEFAULT.triggerFearGreed())
                    .withDescription(
                            "A market snapshot with fear_greed_index (0..100) at or below this"
                                    + " triggers the market-crash override.");

    public static final ConfigOption<Double> RELEASE_BTC_CHANGE =
            ConfigOptions.key("treasury.crash.release.btc-24h-change")
                    .doubleType()
                    .defaultValue(CrashRules.DEFAULT.releaseBtcChange())
                    .withDescription(
                            "Releasing the override needs btc_24h_change (percent) above this and"
                                    + " the fear & greed release; must lie above the trigger.");

    public static final ConfigOption<Integer> RELEASE_FEAR_GREED =
            ConfigOptions.key("treasury.crash.release.fear-greed")
                    .intType()
                    .defaultValue(CrashRules.DEFAULT.releaseFearGreed())
                    .withDescription(
                            "Releasing the override needs fear_greed_index at or above this and the"
                                    + " BTC release; must lie above the trigger.");

    public static final ConfigOption<Duration> SIGNAL_RETENTION =
            ConfigOptions.key("treasury.crash.signal-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(2))
                    .withDescription(
                            "Crash signals older (event time) than this before the newest are"
                                    + " forgotten; the latest of them is always kept.");

    public static final ConfigOption<Double> LLM_INPUT_PER_1K =
            ConfigOptions.key("treasury.pricing.llm-input-per-1k")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.defaultTokens().inputPer1k())
                    .withDescription(
                            "USD per 1,000 input tokens of an LLM call of a model that"
                                    + " treasury.pricing.models does not list.");

    public static final ConfigOption<Double> LLM_OUTPUT_PER_1K =
            ConfigOptions.key("treasury.pricing.llm-output-per-1k")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.defaultTokens().outputPer1k())
                    .withDescription(
                            "USD per 1,000 output tokens of an LLM call of a model that"
                                    + " treasury.pricing.models does not list.");

    public static final ConfigOption<String> MODEL_PRICES =
            ConfigOptions.key("treasury.pricing.models")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Per-model USD prices per 1,000 tokens, input/output, separated by ';':"
                                    + " model=input/output;model=input/output, e.g."
                                    + " gpt-4o=0.0025/0.01. Empty: every model costs the"
                                    + " treasury.pricing.llm-*-per-1k prices.");

    public static final ConfigOption<Double> API_CALL_PRICE =
            ConfigOptions.key("treasury.pricing.api-call")
                    .doubleType()
                    .defaultValue(CostPricing.DEFAULT.apiCall())
                    .withDescription("USD per API call cost event.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("treasury.event.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDeprecatedKeys("event.max-future")
                    .withDescription(
                            "Events and snapshots whose event time is further ahead of the wall"
                                    + " clock than this are dead-lettered and move no watermark:"
                                    + " an event that is accepted may push the watermark this far"
                                    + " ahead and close days early and make the real events late. The default"
                                    + " covers the clock skew of exchanges and producers (NTP keeps"
                                    + " it under a second; a minute of margin for badly kept"
                                    + " clocks) and keeps the damage of a wrong clock to two"
                                    + " minutes.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key("treasury.kafka.events-topic")
                    .stringType()
                    .defaultValue("treasury.events")
                    .withDeprecatedKeys("treasury.events-topic")
                    .withDescription(
                            "Kafka topic of the balance events the job reads (consumer group"
                                    + " kafka.group-id).");

    public static final ConfigOption<String> TRANSITIONS_TOPIC =
            ConfigOptions.key("treasury.kafka.transitions-topic")
                    .stringType()
                    .defaultValue("agent.transitions")
                    .withDeprecatedKeys("treasury.transitions-topic")
                    .withDescription("Kafka topic the job writes the state transitions to.");

    public static final ConfigOption<String> TRANSITIONS_DELIVERY =
            ConfigOptions.key("treasury.kafka.transitions-delivery-guarantee")
                    .stringType()
                    .defaultValue("at-least-once")
                    .withDeprecatedKeys("treasury.transitions.delivery-guarantee")
                    .withDescription(
                            "at-least-once: transitions are visible at once, and a restart may"
                                    + " repeat some (consumers de-duplicate on transition_id)."
                                    + " exactly-once: Kafka transactions, visible to read_committed"
                                    + " consumers only at each checkpoint.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("treasury.kafka.dlq-topic")
                    .stringType()
                    .defaultValue("treasury.dlq")
                    .withDeprecatedKeys("treasury.dlq-topic")
                    .withDescription("Kafka topic the treasury job writes its dead letters to.");

    public static final ConfigOption<String> COSTS_SUBSCRIPTION =
            ConfigOptions.key("treasury.pubsub.costs-subscription")
                    .stringType()
                    .defaultValue("agent-costs-sub")
                    .withDeprecatedKeys("treasury.costs-subscription")
                    .withDescription("Pub/Sub subscription of the cost events.");

    public static final ConfigOption<String> SNAPSHOTS_SUBSCRIPTION =
            ConfigOptions.key("treasury.pubsub.snapshots-subscription")
                    .stringType()
                    .defaultValue("treasury-market-snapshots-sub")
                    .withDeprecatedKeys("treasury.snapshots-subscription")
                    .withDescription(
                            "The treasury job's own Pub/Sub subscription of the market snapshots."
                                    + " It must not be the market job's"
                                    + " (market.pubsub.snapshots-subscription), or each job would"
                                    + " take messages from the other.");

    public static final ConfigOption<Duration> FIRESTORE_MIN_INTERVAL =
            ConfigOptions.key("treasury.firestore.min-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "The least processing time between two writes of one Firestore"
                                    + " document (a checkpoint writes at once); of the updates in"
                                    + " between only the newest (by event time) is written. Firestore sustains about"
                                    + " one write per second per document.");

    public static final ConfigOption<Integer> MAX_AGENT_GAUGES =
            ConfigOptions.key("treasury.metrics.max-agent-gauges")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "At most this many agents per subtask of the treasury operator get"
                                    + " gauges with an agent label (runwayDays, survivalMode,"
                                    + " dailyCostUsd, burnRateUsdPerDay, crashOverride), the"
                                    + " first it steps after it starts; each further agent is"
                                    + " counted once in agentsWithoutGauges. Bounds the series"
                                    + " the metrics reporter exports (5 per agent). 0 exports"
                                    + " none; must not be negative.");

    public static final ConfigOption<Duration> STATE_IDLE_RETENTION =
            ConfigOptions.key("treasury.state.idle-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "An agent's treasury (balance, day costs, mood, remembered event ids)"
                                    + " is cleared once it has had no event for this long (event"
                                    + " time), so agents that stopped, or never were real, do not"
                                    + " keep state for ever. An event of a cleared agent starts a"
                                    + " new agent: balance unknown until its next balance event."
                                    + " The default, 30 days, is a month of silence: far beyond"
                                    + " the burn window and any pause of a running agent. Must"
                                    + " be longer than treasury.burn.window-days plus the open"
                                    + " day, and not shorter than treasury.dedup.ttl (ids must"
                                    + " not be forgotten before their own expiry).");

    private TreasuryOptions() {}
}
