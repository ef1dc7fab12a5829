package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RsiTest {

    @Test
    void firstValueAtBarPeriodFromSimpleAveragesOfGainsAndLosses() {
        Rsi rsi = new Rsi(2);
        assertThat(rsi.update(1)).isNaN(); // bar 0: no change yet
        assertThat(rsi.update(2)).isNaN(); // bar 1: one change of two
        assertThat(rsi.isReady()).isFalse();
        assertThat(rsi.update(4)).isEqualTo(100.0); // gains 1 + 2, no loss
        assertThat(rsi.isReady()).isTrue();
    }

    @Test
    void thenSmoothsTheWilderWay() {
        Rsi rsi = new Rsi(2);
        rsi.update(1);
        rsi.update(2);
        rsi.update(4); // avgGain 1.5, avgLoss 0
        // change -3: avgGain = 1.5 * 1 / 2 = 0.75, avgLoss = 3 / 2 = 1.5 -> 100 * 0.75 / 2.25
        assertThat(rsi.update(1)).isCloseTo(100.0 / 3, within(1e-12));
        // change +1: avgGain = (0.75 + 1) / 2 = 0.875, avgLoss = 0.75 -> 100 * 0.875 / 1.625
        assertThat(rsi.update(2)).isCloseTo(100.0 * 0.875 / 1.625, within(1e-12));
    }

    @Test
    void fourteenPeriodWarmsUpAtBarFourteen() {
        Rsi rsi = new Rsi(14);
        for (int i = 0; i < 14; i++) {
            assertThat(rsi.update(100 + (i % 2 == 0 ? i : -i))).as("bar %d", i).isNaN();
        }
        assertThat(rsi.update(100)).isBetween(0.0, 100.0);
    }

    @Test
    void flatSeriesGivesZeroAsTaLibDoes() {
        Rsi rsi = new Rsi(3);
        for (int i = 0; i < 3; i++) {
            rsi.update(5);
        }
        assertThat(rsi.update(5)).isZero();
        assertThat(rsi.update(5)).isZero();
    }

    @Test
    void onlyLossesGiveZeroAndOnlyGainsGiveHundred() {
        Rsi down = new Rsi(3);
        Rsi up = new Rsi(3);
        double last = Double.NaN;
        double lastUp = Double.NaN;
        for (int i = 0; i < 10; i++) {
            last = down.update(100 - i);
            lastUp = up.update(100 + i);
        }
        assertThat(last).isZero();
        assertThat(lastUp).isEqualTo(100.0);
    }

    @Test
    void rejectsPeriodOne() {
        assertThatThrownBy(() -> new Rsi(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
