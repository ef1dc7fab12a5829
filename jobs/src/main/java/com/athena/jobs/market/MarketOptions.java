package com.athena.jobs.market;

import com.athena.common.indicators.RegimeThresholds;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The market job's options: only their keys, types, defaults and descriptions. {@link
 * MarketSettings} builds the job's parsers and thresholds from them; docs/configuration.md is
 * generated from these fields.
 */
public final class MarketOptions {

    public static final ConfigOption<String> TIMEFRAMES =
            ConfigOptions.key("market.timeframes")
                    .stringType()
                    .defaultValue("1m,5m,15m,1h,1d")
                    .withDescription(
                            "Bar timeframes the job computes, a comma-separated subset of"
                                    + " 1m,5m,15m,1h,1d (duplicates are ignored, at least one is"
                                    + " needed). Every timeframe costs state and one row per"
                                    + " symbol and bar in every sink.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("market.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How late (event time) a trade may arrive and still count in its bar;"
                                    + " a bar closes this long after its end. Later trades are"
                                    + " dead-lettered (late-trades). Larger values tolerate"
                                    + " slower feeds at the cost of later bars.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("market.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A source split without trades for this long stops holding back the"
                                    + " watermark, so a quiet input does not keep the others' bars"
                                    + " open. With the quiet advance on, a Kafka partition never"
                                    + " goes idle: caught up it advances, behind it holds the"
                                    + " watermark for its backlog; idleness then applies to"
                                    + " partitions whose records carried no event time and to"
                                    + " the Pub/Sub input. 0 disables.");

    public static final ConfigOption<Duration> QUIET_ADVANCE =
            ConfigOptions.key("market.watermark.quiet-advance-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "After this long without any trade on a Kafka partition that the"
                                    + " broker confirms is caught up (everything it holds has"
                                    + " been read), the partition's watermark follows the clock,"
                                    + " so the bars of a quiet market still close, about"
                                    + " out-of-orderness + this + 2 s after their end. The time"
                                    + " counts only since the broker last began confirming and"
                                    + " stands still under backpressure, so a broker outage, a"
                                    + " restart's backlog or a slow sink turns no trade late."
                                    + " Pub/Sub inputs never advance. 0 disables it: use 0 for"
                                    + " replays of history, whose event times are far behind the"
                                    + " wall clock.");

    public static final ConfigOption<Duration> DEDUP_HORIZON =
            ConfigOptions.key("market.dedup.horizon")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long a symbol's trade_id is remembered: until the watermark"
                                    + " passes its trade's time plus this (event time). A second"
                                    + " trade with a remembered id is dead-lettered"
                                    + " (duplicate-trades), not counted. Must not be negative;"
                                    + " longer catches later redeliveries at the cost of state.");

    public static final ConfigOption<String> CONDITIONS_TIMEFRAME =
            ConfigOptions.key("market.conditions.timeframe")
                    .stringType()
                    .defaultValue("1h")
                    .withDescription(
                            "The timeframe whose closed bars drive the Firestore market view"
                                    + " (agent_data_market_conditions); one of 1m,5m,15m,1h,1d.");

    public static final ConfigOption<Double> TREND_BAND =
            ConfigOptions.key("market.trend.band")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.trendBand())
                    .withDescription(
                            "Minimum gap between the close and the EMAs (9, 21, 50), as a fraction"
                                    + " of the close, for the trend to be up or down rather than"
                                    + " sideways; 0.0005 is 5 basis points. At least 0.");

    public static final ConfigOption<Double> LOW_DAILY_NATR =
            ConfigOptions.key("market.volatility.low-daily-natr")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.lowDailyNatr())
                    .withDescription(
                            "Daily-equivalent ATR divided by the close (0.02 = 2 %) below which"
                                    + " volatility is low. At least 0 and at most"
                                    + " market.volatility.high-daily-natr.");

    public static final ConfigOption<Double> HIGH_DAILY_NATR =
            ConfigOptions.key("market.volatility.high-daily-natr")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.highDailyNatr())
                    .withDescription(
                            "Daily-equivalent ATR divided by the close (0.05 = 5 %) above which"
                                    + " volatility is high; between the two it is normal.");

    public static final ConfigOption<Double> TRADE_MAX_PRICE =
            ConfigOptions.key("market.trade.max-price")
                    .doubleType()
                    .defaultValue(10_000_000.0)
                    .withDeprecatedKeys("trade.max-price")
                    .withDescription(
                            "Trades priced above this (in the quote currency) are dead-lettered as"
                                    + " absurd. Set it well above any real price of the symbols"
                                    + " you trade.");

    public static final ConfigOption<Double> TRADE_MAX_SIZE =
            ConfigOptions.key("market.trade.max-size")
                    .doubleType()
                    .defaultValue(1_000_000_000.0)
                    .withDeprecatedKeys("trade.max-size")
                    .withDescription(
                            "Trades larger than this (in units of the base asset) are"
                                    + " dead-lettered as absurd.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("market.event.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDeprecatedKeys("event.max-future")
                    .withDescription(
                            "Trades and snapshots whose event time is further ahead of the wall"
                                    + " clock than this are dead-lettered and move no watermark:"
                                    + " an event that is accepted may push the watermark this far"
                                    + " ahead and close bars early and make the real trades late. The default"
                                    + " covers the clock skew of exchanges and producers (NTP keeps"
                                    + " it under a second; a minute of margin for badly kept"
                                    + " clocks) and keeps the damage of a wrong clock to two"
                                    + " minutes.");

    public static final ConfigOption<String> TRADES_TOPIC =
            ConfigOptions.key("market.kafka.trades-topic")
                    .stringType()
                    .defaultValue("market.trades")
                    .withDeprecatedKeys("kafka.trades-topic")
                    .withDescription(
                            "Kafka topic of the JSON trades the job reads (consumer group"
                                    + " kafka.group-id).");

    public static final ConfigOption<String> CONDITIONS_TOPIC =
            ConfigOptions.key("market.kafka.conditions-topic")
                    .stringType()
                    .defaultValue("market.conditions")
                    .withDescription(
                            "Kafka topic the job writes every market conditions view to, keyed by"
                                    + " symbol; the activity job reads it. Empty: not written.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("market.kafka.dlq-topic")
                    .stringType()
                    .defaultValue("market.dlq")
                    .withDeprecatedKeys("market.dlq-topic")
                    .withDescription(
                            "Kafka topic the market job writes its dead letters to (they also go"
                                    + " to the dead_letters table).");

    public static final ConfigOption<String> SNAPSHOTS_SUBSCRIPTION =
            ConfigOptions.key("market.pubsub.snapshots-subscription")
                    .stringType()
                    .defaultValue("market-snapshots-sub")
                    .withDeprecatedKeys("pubsub.snapshots-subscription")
                    .withDescription(
                            "The market job's Pub/Sub subscription of the market snapshots. It"
                                    + " must not be the treasury job's"
                                    + " (treasury.pubsub.snapshots-subscription), or each job"
                                    + " would take messages from the other.");

    public static final ConfigOption<Duration> STATE_IDLE_RETENTION =
            ConfigOptions.key("market.state.idle-retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "The indicator state of a (symbol, timeframe) and the market view of"
                                    + " a symbol are cleared once the series has had no closed bar"
                                    + " for this long (event time), so symbols that stop trading,"
                                    + " or never were real, do not keep state for ever. An"
                                    + " indicator only needs its state to span the gap between two"
                                    + " bars: a 1d EMA200 survives any gap shorter than this, and"
                                    + " restarts its warm-up after a longer one. The default, a"
                                    + " week, outlasts weekends, exchange holidays and outages of"
                                    + " several days. Must be at least twice the longest timeframe,"
                                    + " so that one interval without trades never resets a series."
                                    + " The trade step needs no such option: it keeps a symbol"
                                    + " only while one of its bars is open.");

    private MarketOptions() {}
}
