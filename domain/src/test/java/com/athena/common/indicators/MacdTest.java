package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MacdTest {

    /**
     * MACD(2, 3, 2) over 1, 2, 4, 8: TA-Lib seeds the fast EMA at bar 2 with the mean of closes
     * 1..2 (3), not at bar 1 with the mean of closes 0..1 (which would give 3.1667 at bar 2).
     */
    @Test
    void seedsTheFastEmaAtTheSlowEmasFirstBarAsTaLibDoes() {
        Macd m = new Macd(2, 3, 2);
        m.update(1);
        m.update(2);
        m.update(4); // slow = 7/3, fast = 3, line = 2/3; signal not seeded yet
        assertThat(m.isReady()).isFalse();
        assertThat(m.macd()).isNaN();
        assertThat(m.signal()).isNaN();
        assertThat(m.histogram()).isNaN();
        m.update(8); // slow = (8 - 7/3)/2 + 7/3 = 31/6, fast = (8 - 3)*2/3 + 3 = 19/3
        assertThat(m.isReady()).isTrue();
        assertThat(m.macd()).isCloseTo(7.0 / 6, within(1e-12));
        assertThat(m.signal()).isCloseTo(11.0 / 12, within(1e-12)); // mean of 2/3 and 7/6
        assertThat(m.histogram()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void standardSettingWarmsUpAtBarThirtyThree() {
        Macd m = new Macd();
        for (int i = 0; i < 33; i++) {
            m.update(100 + i);
            assertThat(m.macd()).as("bar %d", i).isNaN();
        }
        m.update(133);
        assertThat(m.macd()).isPositive();
        assertThat(m.signal()).isPositive();
        assertThat(m.histogram()).isEqualTo(m.macd() - m.signal());
    }

    @Test
    void linearTrendGivesTheLagDifference() {
        // On x = i, both EMAs are seeded exactly on the line's lagged mean and stay there: the
        // fast one lags (12-1)/2 and the slow one (26-1)/2 bars, so MACD = 7 exactly.
        Macd m = new Macd();
        for (int i = 0; i < 60; i++) {
            m.update(i);
        }
        assertThat(m.macd()).isCloseTo(7.0, within(1e-9));
        assertThat(m.signal()).isCloseTo(7.0, within(1e-9));
        assertThat(m.histogram()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void rejectsFastSlowerThanSlow() {
        assertThatThrownBy(() -> new Macd(26, 12, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds");
    }
}
