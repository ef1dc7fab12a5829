package com.athena.common.treasury;

import com.athena.common.market.MarketSnapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.athena.common.treasury.EmotionalState.CAUTIOUS;
import static com.athena.common.treasury.EmotionalState.DESPERATE;
import static com.athena.common.treasury.EmotionalState.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emotional state's thresholds and hysteresis, exactly at and around every boundary. */
class TreasuryRulesTest {
    private final TreasuryRules rules = TreasuryRules.DEFAULT;

    @ParameterizedTest(name = "{0} days: {1}")
    @CsvSource({
        "1000, STABLE",
        "30, STABLE",
        "29.999999, CAUTIOUS",
        "6, CAUTIOUS",
        "5.999999, DESPERATE",
        "0, DESPERATE",
        "-3, DESPERATE"
    })
    void classifyAtTheThresholds(double runway, EmotionalState expected) {
        assertThat(rules.classify(runway)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} at {1} days -> {2}")
    @CsvSource({
        // A worse state is entered at once.
        "STABLE, 29.99, CAUTIOUS",
        "STABLE, 5.99, DESPERATE",
        "CAUTIOUS, 5.99, DESPERATE",
        // Up one step needs the threshold x 1.1: 6.6 from desperate, 33 from cautious.
        "DESPERATE, 6.0, DESPERATE",
        "DESPERATE, 6.59, DESPERATE",
        "DESPERATE, 6.6, CAUTIOUS",
        "CAUTIOUS, 30.0, CAUTIOUS",
        "CAUTIOUS, 32.99, CAUTIOUS",
        "CAUTIOUS, 33.0, STABLE",
        // From desperate straight to stable when the runway reaches stable's threshold.
        "DESPERATE, 32.99, CAUTIOUS",
        "DESPERATE, 33.0, STABLE",
        // Staying put.
        "STABLE, 30.0, STABLE",
        "CAUTIOUS, 6.0, CAUTIOUS",
        "DESPERATE, 0.5, DESPERATE"
    })
    void hysteresisAtTheBoundaries(EmotionalState from, double runway, EmotionalState expected) {
        assertThat(rules.next(from, runway)).isEqualTo(expected);
    }

    @Test
    void computedRunwaysMeetTheirThresholdsDespiteRounding() {
        // 6 * 1.1 is 6.6000000000000005 in doubles; a runway of 19.8 / 3.0 must still reach it.
        assertThat(6 * 1.1).isGreaterThan(6.6);
        assertThat(rules.next(DESPERATE, 19.8 / 3.0)).isEqualTo(CAUTIOUS);
        assertThat(rules.next(CAUTIOUS, 99.0 / 3.0)).isEqualTo(STABLE);
    }

    @Test
    void withoutAStateTheRunwayDecidesAndUnknownMeansStable() {
        assertThat(rules.next(null, 8.57)).isEqualTo(CAUTIOUS);
        assertThat(rules.next(null, 2)).isEqualTo(DESPERATE);
        assertThat(rules.next(null, Double.NaN)).isEqualTo(STABLE);
        assertThat(rules.next(DESPERATE, Double.NaN)).isEqualTo(DESPERATE);
        assertThat(rules.next(CAUTIOUS, Double.NaN)).isEqualTo(CAUTIOUS);
    }

    @Test
    void moodsFollowTheSeed() {
        assertThat(rules.mood(STABLE)).isEqualTo(new TreasuryRules.Mood(0.75, 0.6));
        assertThat(rules.mood(CAUTIOUS)).isEqualTo(new TreasuryRules.Mood(0.65, 0.4));
        assertThat(rules.mood(DESPERATE)).isEqualTo(new TreasuryRules.Mood(0.5, 0.1));
    }

    @Test
    void nonsensicalThresholdsAreRefused() {
        assertThatThrownBy(
                        () ->
                                new TreasuryRules(
                                        7,
                                        5,
                                        6,
                                        1.1,
                                        rules.stable(),
                                        rules.cautious(),
                                        rules.desperate(),
                                        5,
                                        CrashRules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                new TreasuryRules(
                                        0,
                                        30,
                                        6,
                                        1.1,
                                        rules.stable(),
                                        rules.cautious(),
                                        rules.desperate(),
                                        5,
                                        CrashRules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CrashRules(-5, 25, -10, 15))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "btc {0}%, fear & greed {1}: {2}")
    @CsvSource({
        "-10.0, 15, TRIGGER",
        "-10.0, 50, TRIGGER",
        "-2.0, 15, TRIGGER",
        "-9.99, 16, NONE",
        "-5.0, 25, NONE",
        "-4.99, 25, RELEASE",
        "-4.99, 24, NONE",
        "3.0, 70, RELEASE",
        ", 10, TRIGGER",
        "-12.0, , TRIGGER",
        ", 60, NONE",
        "2.0, , NONE"
    })
    void crashSignals(Double btc, Integer fearGreed, CrashRules.Signal expected) {
        MarketSnapshot s = new MarketSnapshot();
        s.btc24hChange = btc;
        s.fearGreedIndex = fearGreed;
        assertThat(CrashRules.DEFAULT.signal(s)).isEqualTo(expected);
    }
}
