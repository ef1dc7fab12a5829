package com.athena.common.indicators;

import java.util.Objects;

/**
 * A reusable, mutable holder of one bar's indicator outputs, filled by {@link
 * IndicatorState#update}.
 *
 * <p>{@link Double#NaN} means "not warmed up yet" for each number; {@link #trendDirection} and
 * {@link #volatilityRegime} are null until computable. A Flink POJO, so that it can be emitted
 * downstream as is; emit a copy (see {@link #copy()}) if the instance is reused for the next bar.
 */
public class IndicatorValues {
    public double ema9 = Double.NaN;
    public double ema21 = Double.NaN;
    public double ema50 = Double.NaN;
    public double ema200 = Double.NaN;
    public double rsi14 = Double.NaN;
    public double macd = Double.NaN;
    public double macdSignal = Double.NaN;
    public double macdHistogram = Double.NaN;
    public double bbUpper = Double.NaN;
    public double bbMiddle = Double.NaN;
    public double bbLower = Double.NaN;
    public double atr14 = Double.NaN;
    public TrendDirection trendDirection;
    public VolatilityRegime volatilityRegime;

    /** All values not warmed up. */
    public IndicatorValues() {}

    /** Resets every value to "not warmed up". */
    public void clear() {
        ema9 = ema21 = ema50 = ema200 = Double.NaN;
        rsi14 = Double.NaN;
        macd = macdSignal = macdHistogram = Double.NaN;
        bbUpper = bbMiddle = bbLower = Double.NaN;
        atr14 = Double.NaN;
        trendDirection = null;
        volatilityRegime = null;
    }

    /** Copies every value of {@code other} into this holder. */
    public void copyFrom(IndicatorValues other) {
        ema9 = other.ema9;
        ema21 = other.ema21;
        ema50 = other.ema50;
        ema200 = other.ema200;
        rsi14 = other.rsi14;
        macd = other.macd;
        macdSignal = other.macdSignal;
        macdHistogram = other.macdHistogram;
        bbUpper = other.bbUpper;
        bbMiddle = other.bbMiddle;
        bbLower = other.bbLower;
        atr14 = other.atr14;
        trendDirection = other.trendDirection;
        volatilityRegime = other.volatilityRegime;
    }

    /**
     * The twelve numbers in the order of the tables and files: ema_9, ema_21, ema_50, ema_200,
     * rsi_14, macd, macd_signal, macd_histogram, bb_upper, bb_middle, bb_lower, atr_14.
     */
    public double[] toArray() {
        return new double[] {
            ema9,
            ema21,
            ema50,
            ema200,
            rsi14,
            macd,
            macdSignal,
            macdHistogram,
            bbUpper,
            bbMiddle,
            bbLower,
            atr14
        };
    }

    /** A new holder with the same values. */
    public IndicatorValues copy() {
        IndicatorValues c = new IndicatorValues();
        c.copyFrom(this);
        return c;
    }

    /** Equality of every value, with NaN equal to NaN (as {@link Double#equals}). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IndicatorValues)) {
            return false;
        }
        IndicatorValues v = (IndicatorValues) o;
        return Double.compare(ema9, v.ema9) == 0
                && Double.compare(ema21, v.ema21) == 0
                && Double.compare(ema50, v.ema50) == 0
                && Double.compare(ema200, v.ema200) == 0
                && Double.compare(rsi14, v.rsi14) == 0
                && Double.compare(macd, v.macd) == 0
                && Double.compare(macdSignal, v.macdSignal) == 0
                && Double.compare(macdHistogram, v.macdHistogram) == 0
                && Double.compare(bbUpper, v.bbUpper) == 0
                && Double.compare(bbMiddle, v.bbMiddle) == 0
                && Double.compare(bbLower, v.bbLower) == 0
                && Double.compare(atr14, v.atr14) == 0
                && trendDirection == v.trendDirection
                && volatilityRegime == v.volatilityRegime;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                ema9,
                ema21,
                ema50,
                ema200,
                rsi14,
                macd,
                macdSignal,
                macdHistogram,
                bbUpper,
                bbMiddle,
                bbLower,
                atr14,
                trendDirection,
                volatilityRegime);
    }

    @Override
    public String toString() {
        return "IndicatorValues{ema9="
                + ema9
                + " ema21="
                + ema21
                + " ema50="
                + ema50
                + " ema200="
                + ema200
                + " rsi14="
                + rsi14
                + " macd="
                + macd
                + " macdSignal="
                + macdSignal
                + " macdHistogram="
                + macdHistogram
                + " bbUpper="
                + bbUpper
                + " bbMiddle="
                + bbMiddle
                + " bbLower="
                + bbLower
                + " atr14="
                + atr14
                + " trend="
                + (trendDirection == null ? null : trendDirection.label())
                + " volatility="
                + (volatilityRegime == null ? null : volatilityRegime.label())
                + '}';
    }
}
