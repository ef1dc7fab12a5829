package com.athena.common.indicators;

/**
 * The volatility regime of a bar, read from its ATR 14 relative to the close and scaled to a daily
 * equivalent.
 *
 * <p>{@code dailyNatr = (atr14 / close) × sqrt(1440 / timeframeMinutes)}: the normalized ATR of one
 * bar, scaled by the square root of the number of bars in a day (random-walk scaling), so that one
 * pair of thresholds serves every timeframe (a 1m bar's ×37.9, 5m ×17.0, 15m ×9.80, 1h ×4.90, 1d
 * ×1).
 *
 * <ul>
 *   <li>{@code low}: {@code dailyNatr < lowDailyNatr} (default 0.02, i.e. 2 % a day);
 *   <li>{@code high}: {@code dailyNatr > highDailyNatr} (default 0.05, i.e. 5 % a day);
 *   <li>{@code normal}: in between, both bounds included;
 *   <li>null (not computable) until ATR 14 is warmed up, i.e. before bar 14 (0-based), or if the
 *       close is not positive or the timeframe is unknown.
 * </ul>
 */
public enum VolatilityRegime {
    LOW("low"),
    NORMAL("normal"),
    HIGH("high");

    /** Minutes in a day: the horizon every timeframe's NATR is scaled to. */
    static final double MINUTES_PER_DAY = 1440.0;

    private final String label;

    VolatilityRegime(String label) {
        this.label = label;
    }

    /** The value written to tables and documents: {@code low}, {@code normal} or {@code high}. */
    public String label() {
        return label;
    }

    /** {@code (atr / close) × sqrt(1440 / timeframeMinutes)}; NaN if not computable. */
    public static double dailyNatr(double atr, double close, int timeframeMinutes) {
        if (!(close > 0) || timeframeMinutes <= 0) {
            return Double.NaN;
        }
        return atr / close * Math.sqrt(MINUTES_PER_DAY / timeframeMinutes);
    }

    /** Classifies one bar; returns null if the daily NATR is not computable. */
    public static VolatilityRegime classify(
            double atr,
            double close,
            int timeframeMinutes,
            double lowDailyNatr,
            double highDailyNatr) {
        double natr = dailyNatr(atr, close, timeframeMinutes);
        if (Double.isNaN(natr)) {
            return null;
        }
        if (natr < lowDailyNatr) {
            return LOW;
        }
        if (natr > highDailyNatr) {
            return HIGH;
        }
        return NORMAL;
    }
}
