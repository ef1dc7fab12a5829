package com.athena.common.indicators;

import java.io.Serializable;

/**
 * The immutable thresholds behind {@link TrendDirection} and {@link VolatilityRegime}.
 *
 * <p>Defaults ({@link #DEFAULT}): {@code trendBand = 0.0005} (each EMA gap must be at least 5 bp of
 * the close), {@code lowDailyNatr = 0.02} and {@code highDailyNatr = 0.05} (daily-equivalent ATR of
 * 2 % and 5 % of the price). Serializable so that Flink functions can carry it as configuration.
 *
 * @param trendBand minimum gap between close/EMA9/EMA21/EMA50, as a fraction of the close, >= 0
 * @param lowDailyNatr daily-equivalent NATR below which volatility is {@code low}
 * @param highDailyNatr daily-equivalent NATR above which volatility is {@code high}, >= low
 */
public record RegimeThresholds(double trendBand, double lowDailyNatr, double highDailyNatr)
        implements Serializable {

    /** 5 bp trend band, 2 % / 5 % daily NATR. */
    public static final RegimeThresholds DEFAULT = new RegimeThresholds(0.0005, 0.02, 0.05);

    public RegimeThresholds {
        if (!(trendBand >= 0) || Double.isInfinite(trendBand)) {
            throw new IllegalArgumentException(
                    "trendBand must be finite and >= 0, got " + trendBand);
        }
        if (!(lowDailyNatr >= 0)
                || !(highDailyNatr >= lowDailyNatr)
                || Double.isInfinite(highDailyNatr)) {
            throw new IllegalArgumentException(
                    "need 0 <= lowDailyNatr <= highDailyNatr < infinity, got "
                            + lowDailyNatr
                            + " and "
                            + highDailyNatr);
        }
    }
}
