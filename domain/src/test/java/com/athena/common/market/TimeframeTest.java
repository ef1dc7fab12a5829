package com.athena.common.market;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeframeTest {

    @Test
    void labelsAndLengths() {
        assertThat(Timeframe.M1.label()).isEqualTo("1m");
        assertThat(Timeframe.M5.label()).isEqualTo("5m");
        assertThat(Timeframe.M15.label()).isEqualTo("15m");
        assertThat(Timeframe.H1.label()).isEqualTo("1h");
        assertThat(Timeframe.D1.label()).isEqualTo("1d");
        assertThat(Timeframe.M1.millis()).isEqualTo(60_000L);
        assertThat(Timeframe.M15.millis()).isEqualTo(900_000L);
        assertThat(Timeframe.D1.millis()).isEqualTo(86_400_000L);
        assertThat(Timeframe.H1.minutes()).isEqualTo(60);
        assertThat(Timeframe.D1.minutes()).isEqualTo(1440);
    }

    @Test
    void parsesEveryLabel() {
        for (Timeframe tf : Timeframe.values()) {
            assertThat(Timeframe.parse(tf.label())).isSameAs(tf);
        }
    }

    @Test
    void rejectsUnknownLabelsNamingTheAllowedOnes() {
        assertThatThrownBy(() -> Timeframe.parse("4h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'4h'")
                .hasMessageContaining("1m, 5m, 15m, 1h, 1d");
        assertThatThrownBy(() -> Timeframe.parse("M1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Timeframe.parse(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowsAreAlignedToUtc() {
        long t = Instant.parse("2013-11-25T13:47:12.345Z").toEpochMilli();
        assertThat(Instant.ofEpochMilli(Timeframe.M1.windowStart(t)))
                .isEqualTo(Instant.parse("2013-11-25T13:47:00Z"));
        assertThat(Instant.ofEpochMilli(Timeframe.M5.windowStart(t)))
                .isEqualTo(Instant.parse("2013-11-25T13:45:00Z"));
        assertThat(Instant.ofEpochMilli(Timeframe.M15.windowStart(t)))
                .isEqualTo(Instant.parse("2013-11-25T13:45:00Z"));
        assertThat(Instant.ofEpochMilli(Timeframe.H1.windowStart(t)))
                .isEqualTo(Instant.parse("2013-11-25T13:00:00Z"));
        assertThat(Instant.ofEpochMilli(Timeframe.D1.windowStart(t)))
                .isEqualTo(Instant.parse("2013-11-25T00:00:00Z"));
    }

    @Test
    void windowStartIsInclusiveAndWorksBefore1970() {
        long start = Instant.parse("2024-01-01T10:00:00Z").toEpochMilli();
        assertThat(Timeframe.H1.windowStart(start)).isEqualTo(start);
        assertThat(Timeframe.H1.windowStart(start - 1)).isEqualTo(start - 3_600_000L);
        assertThat(Timeframe.M1.windowStart(-1)).isEqualTo(-60_000L);
    }
}
