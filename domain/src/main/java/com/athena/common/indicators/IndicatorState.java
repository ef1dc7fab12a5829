package com.athena.common.indicators;

import com.athena.common.market.Bar;
import com.athena.common.market.Timeframe;

/**
 * The indicator state of one (symbol, timeframe): EMA 9/21/50/200, RSI 14, MACD 12/26/9, Bollinger
 * 20/2, ATR 14, and what the trend and volatility labels need.
 *
 * <p>Each indicator follows TA-Lib's definitions and operation order (see the indicator classes),
 * so a stream of bars yields the values TA-Lib computes in batch over the same series. Updates are
 * O(1) and allocate nothing.
 *
 * <p>A Flink POJO (public no-argument constructor, public mutable fields, POJO-typed nested
 * fields), so that it is kept in keyed state with Flink's POJO serializer, without Kryo, and can
 * evolve across savepoints. The regime thresholds are stored with the state so that it is
 * self-contained; an operator that wants changed configuration to apply to restored state calls
 * {@link #applyThresholds} before {@link #update}.
 */
public class IndicatorState {
    /** Length of one bar in minutes; 0 means unknown, which leaves the volatility regime null. */
    public int timeframeMinutes;

    public double trendBand;
    public double lowDailyNatr;
    public double highDailyNatr;

    /** Bars seen so far. */
    public long barCount;

    /** Open time of the last bar applied through {@link #update(Bar, IndicatorValues)}. */
    public long lastOpenTime = Long.MIN_VALUE;

    public Ema ema9;
    public Ema ema21;
    public Ema ema50;
    public Ema ema200;
    public Rsi rsi14;
    public Macd macd;
    public Bollinger bollinger;
    public Atr atr14;

    /** For serializers: default thresholds and an unknown timeframe. */
    public IndicatorState() {
        ema9 = new Ema(9);
        ema21 = new Ema(21);
        ema50 = new Ema(50);
        ema200 = new Ema(200);
        rsi14 = new Rsi(14);
        macd = new Macd(12, 26, 9);
        bollinger = new Bollinger(20, 2.0);
        atr14 = new Atr(14);
        applyThresholds(RegimeThresholds.DEFAULT);
    }

    /** Fresh state for bars of {@code timeframe}, with {@link RegimeThresholds#DEFAULT}. */
    public IndicatorState(Timeframe timeframe) {
        this(timeframe, RegimeThresholds.DEFAULT);
    }

    /** Fresh state for bars of {@code timeframe}. */
    public IndicatorState(Timeframe timeframe, RegimeThresholds thresholds) {
        this();
        this.timeframeMinutes = timeframe.minutes();
        applyThresholds(thresholds);
    }

    /** Replaces the thresholds used for the trend and volatility labels from the next update on. */
    public void applyThresholds(RegimeThresholds thresholds) {
        this.trendBand = thresholds.trendBand();
        this.lowDailyNatr = thresholds.lowDailyNatr();
        this.highDailyNatr = thresholds.highDailyNatr();
    }

    /**
     * Same as {@link #update(double, double, double, double, IndicatorValues)} for a bar, which
     * must be newer than the last one: indicators advance once per closed bar, so a bar at or
     * before {@link #lastOpenTime} is refused and {@code false} returned, leaving state and {@code
     * out} untouched.
     */
    public boolean update(Bar bar, IndicatorValues out) {
        if (bar.openTime <= lastOpenTime) {
            return false;
        }
        lastOpenTime = bar.openTime;
        update(bar.open, bar.high, bar.low, bar.close, out);
        return true;
    }

    /**
     * Advances every indicator by exactly one closed bar and writes this bar's outputs to {@code
     * out} (every field of it is overwritten).
     *
     * <p>{@code open} is not used by any of these indicators; it is taken so that callers pass a
     * whole bar and future indicators can use it without changing callers.
     */
    public void update(double open, double high, double low, double close, IndicatorValues out) {
        barCount++;
        out.ema9 = ema9.update(close);
        out.ema21 = ema21.update(close);
        out.ema50 = ema50.update(close);
        out.ema200 = ema200.update(close);
        out.rsi14 = rsi14.update(close);
        macd.update(close);
        out.macd = macd.macd;
        out.macdSignal = macd.signal;
        out.macdHistogram = macd.histogram;
        bollinger.update(close);
        out.bbUpper = bollinger.upper;
        out.bbMiddle = bollinger.middle;
        out.bbLower = bollinger.lower;
        out.atr14 = atr14.update(high, low, close);
        out.trendDirection =
                TrendDirection.classify(close, out.ema9, out.ema21, out.ema50, trendBand);
        out.volatilityRegime =
                VolatilityRegime.classify(
                        out.atr14, close, timeframeMinutes, lowDailyNatr, highDailyNatr);
    }
}
