package com.athena.common.indicators;

/**
 * The trend of a bar, read from the ordering of its close and its EMA 9, 21 and 50.
 *
 * <ul>
 *   <li>{@code up}: {@code close > ema9 > ema21 > ema50} and each of the three gaps ({@code close -
 *       ema9}, {@code ema9 - ema21}, {@code ema21 - ema50}) is at least {@code trendBand × close};
 *   <li>{@code down}: the mirror, {@code close < ema9 < ema21 < ema50}, with the same minimum gap;
 *   <li>{@code sideways}: anything else;
 *   <li>null (not computable) until EMA 50 is warmed up, i.e. before bar 49 (0-based).
 * </ul>
 *
 * <p>{@code trendBand} defaults to 0.0005 (5 basis points of the close, see {@link
 * RegimeThresholds#DEFAULT}); the band keeps EMAs that sit on top of each other, as in a flat
 * market, from flipping the label between up and down on noise.
 */
public enum TrendDirection {
    UP("up"),
    DOWN("down"),
    SIDEWAYS("sideways");

    private final String label;

    TrendDirection(String label) {
        this.label = label;
    }

    /** The value written to tables and documents: {@code up}, {@code down} or {@code sideways}. */
    public String label() {
        return label;
    }

    /**
     * Classifies one bar; returns null if any input is NaN (an EMA not yet warmed up).
     *
     * @param trendBand minimum gap between neighbours, as a fraction of {@code close}
     */
    public static TrendDirection classify(
            double close, double ema9, double ema21, double ema50, double trendBand) {
        if (Double.isNaN(close)
                || Double.isNaN(ema9)
                || Double.isNaN(ema21)
                || Double.isNaN(ema50)) {
            return null;
        }
        double minGap = trendBand * Math.abs(close);
        double g1 = close - ema9;
        double g2 = ema9 - ema21;
        double g3 = ema21 - ema50;
        if (g1 > 0 && g2 > 0 && g3 > 0 && g1 >= minGap && g2 >= minGap && g3 >= minGap) {
            return UP;
        }
        if (g1 < 0 && g2 < 0 && g3 < 0 && -g1 >= minGap && -g2 >= minGap && -g3 >= minGap) {
            return DOWN;
        }
        return SIDEWAYS;
    }
}
