package com.athena.common.bigquery;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BigQueryValuesTest {

    @Test
    void timestampsAreRfc3339UtcWithMicroseconds() {
        long millis = Instant.parse("2024-01-15T10:00:00Z").toEpochMilli();
        assertThat(BigQueryValues.timestamp(millis)).isEqualTo("2024-01-15T10:00:00.000000Z");
        assertThat(BigQueryValues.timestamp(millis + 123)).isEqualTo("2024-01-15T10:00:00.123000Z");
        assertThat(BigQueryValues.timestamp(0)).isEqualTo("1970-01-01T00:00:00.000000Z");
        assertThat(BigQueryValues.timestamp(-1)).isEqualTo("1969-12-31T23:59:59.999000Z");
    }

    @Test
    void nonFiniteFloatsAreNull() {
        assertThat(BigQueryValues.float64(Double.NaN)).isNull();
        assertThat(BigQueryValues.float64(Double.POSITIVE_INFINITY)).isNull();
        assertThat(BigQueryValues.float64(Double.NEGATIVE_INFINITY)).isNull();
        assertThat(BigQueryValues.float64((Double) null)).isNull();
        assertThat(BigQueryValues.float64(Double.valueOf(Double.NaN))).isNull();
        assertThat(BigQueryValues.float64(-2.5)).isEqualTo(-2.5);
        assertThat(BigQueryValues.float64(Double.valueOf(0.0))).isEqualTo(0.0);
    }

    @Test
    void integersWidenToInt64() {
        assertThat(BigQueryValues.int64(45)).isEqualTo(45L);
        assertThat(BigQueryValues.int64(null)).isNull();
    }

    @Test
    void jsonColumnsAreStrings() {
        assertThat(BigQueryValues.json(Map.of("api_calls", 3))).isEqualTo("{\"api_calls\":3}");
        assertThat(BigQueryValues.json(List.of())).isEqualTo("[]");
        assertThat(BigQueryValues.json(null)).isNull();
    }
}
