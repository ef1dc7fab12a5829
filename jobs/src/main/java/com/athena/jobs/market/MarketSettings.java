package com.athena.jobs.market;

import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.market.MarketConditionsRules;
import com.athena.common.market.MarketSnapshotParser;
import com.athena.common.market.Timeframe;
import com.athena.common.market.TradeParser;

import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the market job is built from, derived from a configuration of {@link MarketOptions}: the
 * timeframes, watermark durations, thresholds and parsers. The options themselves live in {@link
 * MarketOptions}.
 */
public final class MarketSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final List<Timeframe> timeframes;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration quietAdvance;
    public final Duration dedupHorizon;
    public final Duration maxFuture;
    public final Duration idleRetention;
    public final Timeframe conditionsTimeframe;
    public final RegimeThresholds thresholds;
    public final TradeParser tradeParser;
    public final MarketSnapshotParser snapshotParser;

    public MarketSettings(Configuration config) {
        this.timeframes = parseTimeframes(config.get(MarketOptions.TIMEFRAMES));
        this.outOfOrderness = config.get(MarketOptions.OUT_OF_ORDERNESS);
        this.idleness = config.get(MarketOptions.IDLENESS);
        this.quietAdvance = config.get(MarketOptions.QUIET_ADVANCE);
        this.dedupHorizon = config.get(MarketOptions.DEDUP_HORIZON);
        if (dedupHorizon.isNegative()) {
            throw new IllegalArgumentException(
                    MarketOptions.DEDUP_HORIZON.key() + " must not be negative");
        }
        this.maxFuture = config.get(MarketOptions.MAX_FUTURE);
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException(
                    MarketOptions.MAX_FUTURE.key() + " must not be negative");
        }
        this.idleRetention = config.get(MarketOptions.STATE_IDLE_RETENTION);
        Timeframe longest = timeframes.get(0);
        for (Timeframe tf : timeframes) {
            if (tf.millis() > longest.millis()) {
                longest = tf;
            }
        }
        if (idleRetention.toMillis() < 2 * longest.millis()) {
            // Shorter would reset a series between two bars after a single empty interval.
            throw new IllegalArgumentException(
                    MarketOptions.STATE_IDLE_RETENTION.key()
                            + " must be at least twice the longest timeframe ("
                            + longest.label()
                            + "), got "
                            + idleRetention);
        }
        this.conditionsTimeframe = Timeframe.parse(config.get(MarketOptions.CONDITIONS_TIMEFRAME));
        this.thresholds =
                new RegimeThresholds(
                        config.get(MarketOptions.TREND_BAND),
                        config.get(MarketOptions.LOW_DAILY_NATR),
                        config.get(MarketOptions.HIGH_DAILY_NATR));
        this.tradeParser =
                new TradeParser(
                        config.get(MarketOptions.TRADE_MAX_PRICE),
                        config.get(MarketOptions.TRADE_MAX_SIZE),
                        maxFuture.toMillis());
        this.snapshotParser = new MarketSnapshotParser(maxFuture.toMillis());
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
            throw new IllegalArgumentException(
                    MarketOptions.TIMEFRAMES.key() + " names no timeframe");
        }
        return List.copyOf(result);
    }
}
