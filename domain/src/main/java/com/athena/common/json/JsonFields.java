package com.athena.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Strict reading of the fields of the project's JSON events, with readable rejection reasons. */
public final class JsonFields {

    /** Shared and thread-safe once configured. */
    public static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                    .build();

    /** Events before this are not real (Bitcoin's first block is 2009-01-03). */
    public static final long EARLIEST_EVENT_MILLIS =
            Instant.parse("2009-01-01T00:00:00Z").toEpochMilli();

    private JsonFields() {}

    /** Parses an object; anything else (array, scalar, broken JSON) is rejected. */
    public static JsonNode object(String payload) throws InvalidRecordException {
        if (payload == null || payload.isBlank()) {
            throw new InvalidRecordException("empty payload");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        return node;
    }

    /** A required non-blank string of at most {@code maxLength} characters, without NUL. */
    public static String text(JsonNode node, String field, int maxLength)
            throws InvalidRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRecordException("missing " + field);
        }
        if (!value.isTextual()) {
            throw new InvalidRecordException(field + " is not a string");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw new InvalidRecordException(field + " is blank");
        }
        if (text.length() > maxLength) {
            throw new InvalidRecordException(
                    field + " is longer than " + maxLength + " characters");
        }
        if (text.indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold NUL: accepted, it would fail the JDBC sink on every
            // retry.
            throw new InvalidRecordException(field + " contains NUL (\\u0000)");
        }
        return text;
    }

    /** An optional string; absent or null gives {@code null}. */
    public static String optionalText(JsonNode node, String field, int maxLength)
            throws InvalidRecordException {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(node, field, maxLength);
    }

    /** A required finite number (JSON numbers only: strings are rejected). */
    public static double number(JsonNode node, String field) throws InvalidRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRecordException("missing " + field);
        }
        if (!value.isNumber()) {
            throw new InvalidRecordException(field + " is not a number");
        }
        double d = value.asDouble();
        if (!Double.isFinite(d)) {
            throw new InvalidRecordException(field + " is not finite");
        }
        return d;
    }

    /** An optional finite number; absent or null gives NaN. */
    public static double optionalNumber(JsonNode node, String field) throws InvalidRecordException {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Double.NaN : number(node, field);
    }

    /** A required strictly positive finite number. */
    public static double positive(JsonNode node, String field) throws InvalidRecordException {
        double d = number(node, field);
        if (d <= 0) {
            throw new InvalidRecordException(field + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * A required event time, ISO-8601 UTC ({@code 2024-01-15T10:30:00Z}) or epoch millis, within
     * [2009-01-01, now + {@code maxFutureMillis}].
     */
    public static long timestamp(JsonNode node, String field, long nowMillis, long maxFutureMillis)
            throws InvalidRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRecordException("missing " + field);
        }
        long millis;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = value.asLong();
        } else if (value.isTextual()) {
            try {
                millis = Instant.parse(value.asText()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new InvalidRecordException(
                        field
                                + " is not ISO-8601 UTC or epoch millis: "
                                + abbreviate(value.asText()));
            }
        } else {
            throw new InvalidRecordException(field + " is not ISO-8601 UTC or epoch millis");
        }
        if (millis < EARLIEST_EVENT_MILLIS) {
            throw new InvalidRecordException(field + " is before 2009-01-01");
        }
        if (millis > nowMillis + maxFutureMillis) {
            throw new InvalidRecordException(field + " is too far in the future");
        }
        return millis;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
