package com.athena.common.indicators;

/** Shared argument checks for the indicator constructors. */
final class Indicators {
    /** TA-Lib's upper bound for every period parameter. */
    static final int MAX_PERIOD = 100_000;

    private Indicators() {}

    static void checkPeriod(String what, int period, int min) {
        if (period < min || period > MAX_PERIOD) {
            throw new IllegalArgumentException(
                    what + " must be in [" + min + ", " + MAX_PERIOD + "], got " + period);
        }
    }

    /**
     * TA-Lib's {@code TA_IS_ZERO}: values this close to zero count as zero in its RSI, so the same
     * tolerance is needed to get the same output on a flat series.
     */
    static boolean isZero(double v) {
        return -0.00000001 < v && v < 0.00000001;
    }
}
