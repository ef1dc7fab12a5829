package com.athena.common.treasury;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The ring of completed days' costs, on a bare state. */
class DayCostRingTest {

    private static TreasuryState state(int window, long firstDay) {
        TreasuryState s = new TreasuryState();
        s.firstDay = firstDay;
        DayCostRing.ensure(s, window);
        return s;
    }

    @Test
    void keepsTheLastWindowOfDaysAndCountsDaysWithoutCostsAsZero() {
        TreasuryState s = state(3, 10);
        DayCostRing.close(s, 10, 1.0);
        DayCostRing.close(s, 11, 2.0);
        DayCostRing.close(s, 13, 4.0); // day 12 had no costs
        assertThat(DayCostRing.completed(s, 12)).isZero();
        assertThat(DayCostRing.completed(s, 13)).isEqualTo(4.0);
        assertThat(DayCostRing.completed(s, 10)).isZero(); // no longer kept
        assertThat(DayCostRing.completed(s, 14)).isZero(); // not completed
        assertThat(DayCostRing.isClosed(s, 13)).isTrue();
        assertThat(DayCostRing.isClosed(s, 14)).isFalse();
        // Mean of days 11..13.
        assertThat(DayCostRing.burnBefore(s, 14, 3)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void burnIsTheEstimateOnTheFirstDayAndTheMeanOfFewerDaysBeforeAWindow() {
        TreasuryState s = state(7, 10);
        s.burnEstimate = 5.0;
        assertThat(DayCostRing.burnBefore(s, 10, 7)).isEqualTo(5.0);
        DayCostRing.close(s, 10, 3.0);
        assertThat(DayCostRing.burnBefore(s, 11, 7)).isEqualTo(3.0);
        assertThat(DayCostRing.burnBefore(new TreasuryState(), 11, 7)).isNaN();
    }

    @Test
    void aLateCostCorrectsAKeptDayOnly() {
        TreasuryState s = state(2, 10);
        DayCostRing.close(s, 10, 1.0);
        DayCostRing.close(s, 11, 2.0);
        assertThat(DayCostRing.correct(s, 11, 0.5)).isEqualTo(2.5);
        assertThat(DayCostRing.correct(s, 9, 0.5)).isNaN(); // before the first day
        DayCostRing.close(s, 12, 0.0);
        assertThat(DayCostRing.correct(s, 10, 0.5)).isNaN(); // no longer kept
        assertThat(DayCostRing.correct(s, 13, 1.0)).isEqualTo(1.0); // rolls to it
        assertThat(s.ringLastDay).isEqualTo(13);
    }

    @Test
    void resizingKeepsTheNewestDays() {
        TreasuryState s = state(3, 10);
        DayCostRing.close(s, 10, 1.0);
        DayCostRing.close(s, 11, 2.0);
        DayCostRing.close(s, 12, 3.0);
        DayCostRing.ensure(s, 2);
        assertThat(s.dayCosts).hasSize(2);
        assertThat(DayCostRing.completed(s, 12)).isEqualTo(3.0);
        assertThat(DayCostRing.completed(s, 11)).isEqualTo(2.0);
        assertThat(DayCostRing.completed(s, 10)).isZero();
    }
}
