package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AtrTest {

    @Test
    void trueRangeTakesTheLargestOfRangeAndGapsToThePreviousClose() {
        assertThat(Atr.trueRange(12, 9, 11)).isEqualTo(3.0); // high - low
        assertThat(Atr.trueRange(20, 18, 13.5)).isEqualTo(6.5); // gap up: high - prevClose
        assertThat(Atr.trueRange(10, 9, 14)).isEqualTo(5.0); // gap down: prevClose - low
    }

    @Test
    void skipsBarZeroAndAveragesTheTrueRangesOfBarsOneToPeriod() {
        Atr atr = new Atr(3);
        assertThat(atr.update(10, 8, 9)).isNaN(); // bar 0 has no previous close: no TR
        assertThat(atr.update(12, 9, 11)).isNaN(); // TR 3
        assertThat(atr.update(11, 10, 10.5)).isNaN(); // TR max(1, 0, 1) = 1
        assertThat(atr.isReady()).isFalse();
        assertThat(atr.update(15, 10, 14)).isEqualTo(3.0); // TR 5; (3 + 1 + 5) / 3
        assertThat(atr.isReady()).isTrue();
    }

    @Test
    void thenSmoothsTheWilderWay() {
        Atr atr = new Atr(3);
        atr.update(10, 8, 9);
        atr.update(12, 9, 11);
        atr.update(11, 10, 10.5);
        atr.update(15, 10, 14); // 3
        assertThat(atr.update(14, 13, 13.5)).isCloseTo(7.0 / 3, within(1e-12)); // (3*2 + 1) / 3
        // gap up: TR = 20 - 13.5 = 6.5 -> (7/3 * 2 + 6.5) / 3
        assertThat(atr.update(20, 18, 19)).isCloseTo((7.0 / 3 * 2 + 6.5) / 3, within(1e-12));
    }

    @Test
    void fourteenPeriodWarmsUpAtBarFourteen() {
        Atr atr = new Atr(14);
        for (int i = 0; i < 14; i++) {
            assertThat(atr.update(101, 99, 100)).as("bar %d", i).isNaN();
        }
        assertThat(atr.update(101, 99, 100)).isEqualTo(2.0);
    }
}
