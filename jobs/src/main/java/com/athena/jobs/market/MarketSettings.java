package com.athena.jobs.market;

import com.athena.common.config.CommonOptions;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.market.MarketConditionsRules;
import com.athena.common.market.MarketSnapshotParser;
import com.athena.common.market.Timeframe;
import com.athena.common.market.TradeParser;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The market job's typed options, with defaults; documented in the README's table. */
public final class MarketSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final ConfigOption<String> TIMEFRAMES =
            ConfigOptions.key("market.timeframes")
                    .stringType()
                    .defaultValue("1m,5m,15m,1h,1d")
                    .withDescription(
                            "Bar timeframes, a comma-separated subset of 1m,5m,15m,1h,1d.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("market.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("How late a trade may be and still count in its bar.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("market.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A source split without trades for this long stops holding back the watermark.");

    public static final ConfigOption<Duration> QUIET_ADVANCE =
            ConfigOptions.key("market.watermark.quiet-advance-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "After this long without any trade the watermark follows the wall clock, so bars of a quiet market close; 0 disables (replays).");

    public static final ConfigOption<Duration> DEDUP_HORIZON =
            ConfigOptions.key("market.dedup.horizon")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long (event time, past the watermark) a symbol's trade_id is remembered: a second trade with it is dead-lettered, not counted.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("market.dlq-topic")
                    .stringType()
                    .defaultValue("market.dlq")
                    .withDescription("Kafka topic of the market job's dead letters.");

    public static final ConfigOption<String> CONDITIONS_TIMEFRAME =
            ConfigOptions.key("market.conditions.timeframe")
                    .stringType()
                    .defaultValue("1h")
                    .withDescription("The timeframe whose bars drive the Firestore market view.");

    public static final ConfigOption<Double> TREND_BAND =
            ConfigOptions.key("market.trend.band")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.trendBand())
                    .withDescription(
                            "Minimum gap between close and EMAs, as a fraction of close, for up/down.");

    public static final ConfigOption<Double> LOW_DAILY_NATR =
            ConfigOptions.key("market.volatility.low-daily-natr")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.lowDailyNatr())
                    .withDescription("Daily-equivalent ATR/close below which volatility is low.");

    public static final ConfigOption<Double> HIGH_DAILY_NATR =
            ConfigOptions.key("market.volatility.high-daily-natr")
                    .doubleType()
                    .defaultValue(RegimeThresholds.DEFAULT.highDailyNatr())
                    .withDescription("Daily-equivalent ATR/close above which volatility is high.");

    public final List<Timeframe> timeframes;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration quietAdvance;
    public final Duration dedupHorizon;
    public final Timeframe conditionsTimeframe;
    public final RegimeThresholds thresholds;
    public final TradeParser tradeParser;
    public final MarketSnapshotParser snapshotParser;

    public MarketSettings(Configuration config) {
        this.timeframes = parseTimeframes(config.get(TIMEFRAMES));
        this.outOfOrderness = config.get(OUT_OF_ORDERNESS);
        this.idleness = config.get(IDLENESS);
        this.quietAdvance = config.get(QUIET_ADVANCE);
        this.dedupHorizon = config.get(DEDUP_HORIZON);
        if (dedupHorizon.isNegative()) {
            throw new IllegalArgumentException(DEDUP_HORIZON.key() + " must not be negative");
        }
        this.conditionsTimeframe = Timeframe.parse(config.get(CONDITIONS_TIMEFRAME));
        this.thresholds =
                new RegimeThresholds(
                        config.get(TREND_BAND),
                        config.get(LOW_DAILY_NATR),
                        config.get(HIGH_DAILY_NATR));
        this.tradeParser =
                new TradeParser(
                        config.get(CommonOptions.TRADE_MAX_PRICE),
                        config.get(CommonOptions.TRADE_MAX_SIZE),
                        config.get(CommonOptions.MAX_FUTURE).toMillis());
        this.snapshotParser =
                new MarketSnapshotParser(config.get(CommonOptions.MAX_FUTURE).toMillis());
    }

    /** The market view rules for these thresholds. */
    public MarketConditionsRules conditionsRules() {
        return new MarketConditionsRules(thresholds.lowDailyNatr(), thresholds.highDailyNatr());
    }

    static List<Timeframe> parseTimeframes(String labels) {
        List<Timeframe> result = new ArrayList<>();
        for (String label : labels.split(",")) {
            Timeframe tf = Timeframe.parse(label.trim());
            if (!result.contains(tf)) {
                result.add(tf);
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException(TIMEFRAMES.key() + " names no timeframe");
        }
        return List.copyOf(result);
    }
}
