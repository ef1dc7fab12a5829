package com.athena.common.indicators;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BollingerTest {

    @Test
    void firstValueAtBarPeriodMinusOneWithPopulationStandardDeviation() {
        // The textbook population example: mean 5, standard deviation 2.
        double[] xs = {2, 4, 4, 4, 5, 5, 7, 9};
        Bollinger bb = new Bollinger(8, 2.0);
        for (int i = 0; i < 7; i++) {
            bb.update(xs[i]);
            assertThat(bb.middle()).as("bar %d", i).isNaN();
            assertThat(bb.upper()).isNaN();
            assertThat(bb.lower()).isNaN();
            assertThat(bb.isReady()).isFalse();
        }
        bb.update(xs[7]);
        assertThat(bb.isReady()).isTrue();
        assertThat(bb.middle()).isEqualTo(5.0);
        assertThat(bb.upper()).isEqualTo(9.0);
        assertThat(bb.lower()).isEqualTo(1.0);
    }

    @Test
    void slidesTheWindow() {
        Bollinger bb = new Bollinger(3, 1.0);
        bb.update(100);
        bb.update(1);
        bb.update(2);
        bb.update(3); // window 1, 2, 3: mean 2, variance 2/3
        double sd = Math.sqrt(2.0 / 3);
        assertThat(bb.middle()).isCloseTo(2.0, within(1e-12));
        assertThat(bb.upper()).isCloseTo(2.0 + sd, within(1e-9));
        assertThat(bb.lower()).isCloseTo(2.0 - sd, within(1e-9));
        bb.update(3); // window 2, 3, 3: mean 8/3, variance 2/9
        assertThat(bb.middle()).isCloseTo(8.0 / 3, within(1e-12));
        assertThat(bb.upper() - bb.middle()).isCloseTo(Math.sqrt(2.0 / 9), within(1e-9));
    }

    @Test
    void flatSeriesCollapsesTheBands() {
        Bollinger bb = new Bollinger();
        for (int i = 0; i < 25; i++) {
            bb.update(1234.5);
        }
        assertThat(bb.middle()).isEqualTo(1234.5);
        assertThat(bb.upper()).isEqualTo(1234.5);
        assertThat(bb.lower()).isEqualTo(1234.5);
    }

    @Test
    void defaultIsTwentyBarsTwoDeviations() {
        Bollinger bb = new Bollinger();
        assertThat(bb.period).isEqualTo(20);
        assertThat(bb.nbDev).isEqualTo(2.0);
        for (int i = 0; i < 19; i++) {
            bb.update(i);
        }
        assertThat(bb.middle()).isNaN();
        bb.update(19);
        assertThat(bb.middle()).isEqualTo(9.5);
    }
}
