package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmaTest {

    @Test
    void firstValueIsTheSmaOfTheFirstPeriodInputsAtBarPeriodMinusOne() {
        Ema ema = new Ema(3);
        assertThat(ema.update(1)).isNaN();
        assertThat(ema.isReady()).isFalse();
        assertThat(ema.update(2)).isNaN();
        assertThat(ema.update(3)).isEqualTo(2.0);
        assertThat(ema.isReady()).isTrue();
    }

    @Test
    void thenSmoothsWithKEqualToTwoOverPeriodPlusOne() {
        Ema ema = new Ema(3); // k = 0.5
        ema.update(1);
        ema.update(2);
        ema.update(3);
        assertThat(ema.update(4)).isEqualTo(3.0); // (4 - 2) * 0.5 + 2
        assertThat(ema.update(5)).isEqualTo(4.0); // (5 - 3) * 0.5 + 3
        assertThat(ema.update(1)).isEqualTo(2.5); // (1 - 4) * 0.5 + 4
        assertThat(ema.value()).isEqualTo(2.5);
    }

    @Test
    void periodNineWarmsUpAtBarEight() {
        Ema ema = new Ema(9);
        for (int i = 0; i < 8; i++) {
            assertThat(ema.update(10 + i)).as("bar %d", i).isNaN();
        }
        assertThat(ema.update(18)).isEqualTo(14.0); // mean of 10..18
        assertThat(ema.update(24)).isEqualTo(16.0); // (24 - 14) * 0.2 + 14
    }

    @Test
    void rejectsPeriodsOutsideTaLibsRange() {
        assertThatThrownBy(() -> new Ema(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ema(100_001)).isInstanceOf(IllegalArgumentException.class);
    }
}
