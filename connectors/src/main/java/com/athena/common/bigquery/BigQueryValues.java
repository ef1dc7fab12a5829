package com.athena.common.bigquery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Conversions of Java values to the JSON values that {@code tabledata.insertAll} accepts for
 * BigQuery column types.
 */
public final class BigQueryValues {

    /**
     * RFC 3339 in UTC with microseconds, BigQuery's own TIMESTAMP precision, so that the string
     * round-trips exactly.
     */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();

    private BigQueryValues() {}

    /** A TIMESTAMP from epoch milliseconds, e.g. {@code 2024-01-15T10:00:00.000000Z}. */
    public static String timestamp(long epochMillis) {
        return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * A FLOAT64, or null for NaN ("not warmed up", "not reported") and infinities: a missing value
     * must read as NULL, and JSON has no literal for either.
     */
    public static Double float64(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** A nullable FLOAT64; NaN and infinities as null. */
    public static Double float64(Double value) {
        return value == null ? null : float64(value.doubleValue());
    }

    /** An INT64 from a nullable integer. */
    public static Long int64(Number value) {
        return value == null ? null : value.longValue();
    }

    /**
     * A JSON column: insertAll takes a JSON column's value as a string holding the JSON document.
     */
    public static String json(Object document) {
        if (document == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write a JSON column value", e);
        }
    }
}
