package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The trend and volatility rules and their thresholds. */
class RegimeTest {
    private static final double BAND = RegimeThresholds.DEFAULT.trendBand();

    @Test
    void defaultsAreFiveBasisPointsAndTwoAndFivePercentDaily() {
        assertThat(RegimeThresholds.DEFAULT).isEqualTo(new RegimeThresholds(0.0005, 0.02, 0.05));
    }

    @Test
    void upNeedsStrictOrderingWithEveryGapAtLeastTheBand() {
        // close 1000: the band is 0.5
        assertThat(TrendDirection.classify(1000, 999.5, 999, 998.5, BAND))
                .isEqualTo(TrendDirection.UP);
        assertThat(TrendDirection.classify(1000, 999.6, 999, 998, BAND))
                .as("close - ema9 below the band")
                .isEqualTo(TrendDirection.SIDEWAYS);
        assertThat(TrendDirection.classify(1000, 999, 998.6, 998, BAND))
                .as("ema9 - ema21 below the band")
                .isEqualTo(TrendDirection.SIDEWAYS);
        assertThat(TrendDirection.classify(1000, 999, 998, 997.6, BAND))
                .as("ema21 - ema50 below the band")
                .isEqualTo(TrendDirection.SIDEWAYS);
        assertThat(TrendDirection.classify(1000, 999, 997, 998, BAND))
                .as("ema21 below ema50")
                .isEqualTo(TrendDirection.SIDEWAYS);
    }

    @Test
    void downIsTheMirror() {
        assertThat(TrendDirection.classify(1000, 1000.5, 1001, 1001.5, BAND))
                .isEqualTo(TrendDirection.DOWN);
        assertThat(TrendDirection.classify(1000, 1000.4, 1001, 1002, BAND))
                .isEqualTo(TrendDirection.SIDEWAYS);
    }

    @Test
    void zeroBandStillNeedsStrictOrdering() {
        assertThat(TrendDirection.classify(3, 2, 1, 0.5, 0)).isEqualTo(TrendDirection.UP);
        assertThat(TrendDirection.classify(3, 3, 1, 0.5, 0)).isEqualTo(TrendDirection.SIDEWAYS);
    }

    @Test
    void trendIsNullUntilTheEmasAreWarm() {
        assertThat(TrendDirection.classify(1000, 999, 998, Double.NaN, BAND)).isNull();
    }

    @Test
    void dailyNatrScalesBySquareRootOfBarsPerDay() {
        assertThat(VolatilityRegime.dailyNatr(10, 1000, 1440)).isEqualTo(0.01);
        assertThat(VolatilityRegime.dailyNatr(10, 1000, 60))
                .isCloseTo(0.01 * Math.sqrt(24), within(1e-15));
        assertThat(VolatilityRegime.dailyNatr(1, 1000, 1))
                .isCloseTo(0.001 * Math.sqrt(1440), within(1e-15));
        assertThat(VolatilityRegime.dailyNatr(10, 0, 60)).isNaN();
        assertThat(VolatilityRegime.dailyNatr(10, 1000, 0)).isNaN();
    }

    @Test
    void volatilityBoundsAreExclusiveForLowAndHigh() {
        // 1d bars: daily NATR is atr / close
        assertThat(VolatilityRegime.classify(19.99, 1000, 1440, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.LOW);
        assertThat(VolatilityRegime.classify(20, 1000, 1440, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.NORMAL);
        assertThat(VolatilityRegime.classify(50, 1000, 1440, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.NORMAL);
        assertThat(VolatilityRegime.classify(50.01, 1000, 1440, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.HIGH);
        assertThat(VolatilityRegime.classify(Double.NaN, 1000, 1440, 0.02, 0.05)).isNull();
    }

    @Test
    void oneMinuteAtrIsScaledUp() {
        // 1m ATR of 0.1 % of price is 3.8 % a day: normal, although 0.001 < 0.02.
        assertThat(VolatilityRegime.classify(1, 1000, 1, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.NORMAL);
        assertThat(VolatilityRegime.classify(2, 1000, 1, 0.02, 0.05))
                .isEqualTo(VolatilityRegime.HIGH);
    }

    @Test
    void labels() {
        assertThat(TrendDirection.UP.label()).isEqualTo("up");
        assertThat(TrendDirection.DOWN.label()).isEqualTo("down");
        assertThat(TrendDirection.SIDEWAYS.label()).isEqualTo("sideways");
        assertThat(VolatilityRegime.LOW.label()).isEqualTo("low");
        assertThat(VolatilityRegime.NORMAL.label()).isEqualTo("normal");
        assertThat(VolatilityRegime.HIGH.label()).isEqualTo("high");
    }

    @Test
    void thresholdsAreValidated() {
        assertThatThrownBy(() -> new RegimeThresholds(-0.1, 0.02, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegimeThresholds(0.0005, 0.06, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegimeThresholds(Double.NaN, 0.02, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
