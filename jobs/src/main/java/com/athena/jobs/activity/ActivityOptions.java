package com.athena.jobs.activity;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The activity job's options: only their keys, types, defaults and descriptions. {@link
 * ActivitySettings} builds the job's settings from them; docs/configuration.md is generated from
 * these fields.
 */
public final class ActivityOptions {

    public static final ConfigOption<String> ACTIVITY_SUBSCRIPTION =
            ConfigOptions.key("activity.pubsub.activity-subscription")
                    .stringType()
                    .defaultValue("agent-activity-sub")
                    .withDescription(
                            "Pub/Sub subscription of the agent activity events (decisions, memory"
                                    + " formations and recalls, performance metrics, protocol"
                                    + " yields).");

    public static final ConfigOption<String> TRANSITIONS_TOPIC =
            ConfigOptions.key("activity.kafka.transitions-topic")
                    .stringType()
                    .defaultValue("agent.transitions")
                    .withDescription(
                            "Kafka topic of the treasury job's transitions, which give each"
                                    + " decision its emotional state, survival mode and runway.");

    public static final ConfigOption<String> CONDITIONS_TOPIC =
            ConfigOptions.key("activity.kafka.conditions-topic")
                    .stringType()
                    .defaultValue("market.conditions")
                    .withDescription(
                            "Kafka topic of the market job's conditions, which give each decision"
                                    + " its market trend and volatility.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("activity.kafka.dlq-topic")
                    .stringType()
                    .defaultValue("activity.dlq")
                    .withDescription("Kafka topic the activity job writes its dead letters to.");

    public static final ConfigOption<String> MARKET_SYMBOL =
            ConfigOptions.key("activity.market.symbol")
                    .stringType()
                    .defaultValue("BTC")
                    .withDescription(
                            "The symbol whose market condition a decision carries when the"
                                    + " decision names no symbol of its own.");

    public static final ConfigOption<Duration> DEDUP_TTL =
            ConfigOptions.key("activity.dedup.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "How long an agent's event id is remembered (processing time): a"
                                    + " second event with it is a duplicate, dead-lettered"
                                    + " (duplicate-activity-events). Must be positive.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("activity.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How far out of order (event time) events, transitions and"
                                    + " conditions may come. A decision waits until the watermark"
                                    + " of all three inputs passes its event time, so this also"
                                    + " delays the decisions' outputs.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("activity.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "An input split without records for this long stops holding back the"
                                    + " watermark (a quiet transitions or conditions topic would"
                                    + " otherwise hold every decision). 0 disables.");

    public static final ConfigOption<Duration> QUIET_ADVANCE =
            ConfigOptions.key("activity.watermark.quiet-advance-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "After this long (wall clock) without records the watermark follows"
                                    + " the wall clock. 0 disables it: use 0 for replays of"
                                    + " history.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("activity.event.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription(
                            "Events whose event time is further ahead of the wall clock are"
                                    + " dead-lettered, so that one bad clock cannot move the"
                                    + " watermark ahead.");

    public static final ConfigOption<Duration> HISTORY_RETENTION =
            ConfigOptions.key("activity.enrichment.history-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(2))
                    .withDescription(
                            "Market conditions older (event time) than this before the newest are"
                                    + " forgotten; the latest of them is always kept. A late"
                                    + " decision older than this gets the oldest condition kept.");

    public static final ConfigOption<Integer> RECENT_DECISIONS =
            ConfigOptions.key("activity.firestore.recent-decisions")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "How many of an agent's most recent decisions (event time)"
                                    + " agent_data_decisions/{agent_id} holds; at least 1.");

    public static final ConfigOption<Duration> FIRESTORE_MIN_INTERVAL =
            ConfigOptions.key("activity.firestore.min-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "The least processing time between two writes of one Firestore"
                                    + " document (a checkpoint writes at once); of the updates in"
                                    + " between only the latest is written.");

    private ActivityOptions() {}
}
