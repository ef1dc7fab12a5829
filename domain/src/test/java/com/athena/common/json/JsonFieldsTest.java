package com.athena.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonFieldsTest {

    private static final long NOW = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    private static JsonNode node(String json) throws InvalidRecordException {
        return JsonFields.object(json);
    }

    @Test
    void objectReturnsTheParsedObject() throws Exception {
        JsonNode n = node("{\"a\": 1, \"b\": \"x\"}");
        assertThat(n.get("a").asInt()).isEqualTo(1);
        assertThat(n.get("b").asText()).isEqualTo("x");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t"})
    void blankPayloadIsEmpty(String payload) {
        assertThatThrownBy(() -> JsonFields.object(payload))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("empty payload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "42", "\"text\"", "null", "true"})
    void nonObjectsAreRejected(String payload) {
        assertThatThrownBy(() -> JsonFields.object(payload))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("not a JSON object");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"price\": NaN}                | NaN",
                "{\"price\": Infinity}           | Infinity",
                "{\"price\": -Infinity}          | Infinity",
                "{\"a\": 1, \"a\": 2}            | Duplicate field 'a'",
                "{\"a\": 1} {\"b\": 2}           | Trailing token",
                "{\"a\": 1                        | Unexpected end-of-input",
                "{a: 1}                          | Unexpected character",
                "{'a': 1}                        | Unexpected character",
            })
    void malformedJsonIsInvalid(String payload, String detail) {
        assertThatThrownBy(() -> JsonFields.object(payload))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("invalid JSON: ")
                .hasMessageContaining(detail);
    }

    @Test
    void textReadsRequiredStrings() throws Exception {
        JsonNode n = node("{\"s\": \"BTC\", \"long\": \"12345\"}");
        assertThat(JsonFields.text(n, "s", 3)).isEqualTo("BTC");
        assertThat(JsonFields.text(n, "long", 5)).isEqualTo("12345");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                  | missing s",
                "{\"s\": null}       | missing s",
                "{\"s\": 5}          | s is not a string",
                "{\"s\": true}       | s is not a string",
                "{\"s\": {}}         | s is not a string",
                "{\"s\": \"  \"}     | s is blank",
                "{\"s\": \"\"}       | s is blank",
                "{\"s\": \"123456\"} | s is longer than 5 characters",
                // escaped NUL: PostgreSQL text cannot store it, so it never reaches a JDBC sink
                "{\"s\": \"a\\u0000b\"} | s contains NUL (\\u0000)",
            })
    void textRejections(String json, String reason) throws Exception {
        JsonNode n = node(json);
        assertThatThrownBy(() -> JsonFields.text(n, "s", 5))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void optionalTextIsNullWhenAbsentOrNullAndValidatedOtherwise() throws Exception {
        assertThat(JsonFields.optionalText(node("{}"), "s", 5)).isNull();
        assertThat(JsonFields.optionalText(node("{\"s\": null}"), "s", 5)).isNull();
        assertThat(JsonFields.optionalText(node("{\"s\": \"ok\"}"), "s", 5)).isEqualTo("ok");
        assertThatThrownBy(() -> JsonFields.optionalText(node("{\"s\": 1}"), "s", 5))
                .hasMessage("s is not a string");
        assertThatThrownBy(() -> JsonFields.optionalText(node("{\"s\": \"\"}"), "s", 5))
                .hasMessage("s is blank");
    }

    @ParameterizedTest
    @CsvSource({"1, 1.0", "-2.5, -2.5", "0, 0.0", "1e3, 1000.0", "12345678901, 12345678901.0"})
    void numberReadsJsonNumbers(String literal, double expected) throws Exception {
        assertThat(JsonFields.number(node("{\"n\": " + literal + "}"), "n")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                 | missing n",
                "{\"n\": null}      | missing n",
                "{\"n\": \"1.5\"}   | n is not a number",
                "{\"n\": \"NaN\"}   | n is not a number",
                "{\"n\": true}      | n is not a number",
                "{\"n\": [1]}       | n is not a number",
                "{\"n\": 1e400}     | n is not finite",
                "{\"n\": -1e400}    | n is not finite",
            })
    void numberRejections(String json, String reason) throws Exception {
        JsonNode n = node(json);
        assertThatThrownBy(() -> JsonFields.number(n, "n"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void optionalNumberIsNanWhenAbsentOrNullAndValidatedOtherwise() throws Exception {
        assertThat(JsonFields.optionalNumber(node("{}"), "n")).isNaN();
        assertThat(JsonFields.optionalNumber(node("{\"n\": null}"), "n")).isNaN();
        assertThat(JsonFields.optionalNumber(node("{\"n\": -3}"), "n")).isEqualTo(-3.0);
        assertThatThrownBy(() -> JsonFields.optionalNumber(node("{\"n\": \"3\"}"), "n"))
                .hasMessage("n is not a number");
    }

    @Test
    void positiveAcceptsTheSmallestPositiveValue() throws Exception {
        assertThat(JsonFields.positive(node("{\"p\": 1e-300}"), "p")).isEqualTo(1e-300);
    }

    @ParameterizedTest
    @CsvSource({"0, 0.0", "-0.0, -0.0", "-1, -1.0", "-1e-9, -1.0E-9"})
    void positiveRejectsZeroAndNegatives(String literal, String shown) throws Exception {
        JsonNode n = node("{\"p\": " + literal + "}");
        assertThatThrownBy(() -> JsonFields.positive(n, "p"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("p must be positive, got " + shown);
    }

    @ParameterizedTest
    @CsvSource({
        "\"2024-01-15T10:30:00Z\", 2024-01-15T10:30:00Z",
        "\"2024-01-15T10:30:00.123Z\", 2024-01-15T10:30:00.123Z",
        "1705314600000, 2024-01-15T10:30:00Z",
        "\"2009-01-01T00:00:00Z\", 2009-01-01T00:00:00Z",
        "1230768000000, 2009-01-01T00:00:00Z",
        // The offset form is converted to UTC, not misread.
        "\"2024-01-15T12:30:00+02:00\", 2024-01-15T10:30:00Z",
    })
    void timestampReadsIsoAndEpochMillis(String literal, Instant expected) throws Exception {
        JsonNode n = node("{\"ts\": " + literal + "}");
        assertThat(JsonFields.timestamp(n, "ts", NOW, DAY)).isEqualTo(expected.toEpochMilli());
    }

    @Test
    void timestampAcceptsExactlyTheFutureLimit() throws Exception {
        JsonNode n = node("{\"ts\": " + (NOW + DAY) + "}");
        assertThat(JsonFields.timestamp(n, "ts", NOW, DAY)).isEqualTo(NOW + DAY);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                                   | missing ts",
                "{\"ts\": null}                       | missing ts",
                "{\"ts\": \"2008-12-31T23:59:59.999Z\"} | ts is before 2009-01-01",
                "{\"ts\": 1230767999999}              | ts is before 2009-01-01",
                "{\"ts\": -1}                         | ts is before 2009-01-01",
                "{\"ts\": 1705314600}                 | ts is before 2009-01-01",
                "{\"ts\": 1717286400001}              | ts is too far in the future",
                "{\"ts\": \"2100-01-01T00:00:00Z\"}   | ts is too far in the future",
                "{\"ts\": 1705314600000.0}            | ts is not ISO-8601 UTC or epoch millis",
                "{\"ts\": 99999999999999999999}       | ts is not ISO-8601 UTC or epoch millis",
                "{\"ts\": true}                       | ts is not ISO-8601 UTC or epoch millis",
                "{\"ts\": \"2024-01-15\"}             | ts is not ISO-8601 UTC or epoch millis: 2024-01-15",
                "{\"ts\": \"2024-01-15T10:30:00\"}    | ts is not ISO-8601 UTC or epoch millis: 2024-01-15T10:30:00",
                "{\"ts\": \"1705314600000\"}          | ts is not ISO-8601 UTC or epoch millis: 1705314600000",
                "{\"ts\": \"+999999999-12-31T23:59:59Z\"} | ts is not ISO-8601 UTC or epoch millis: +999999999-12-31T23:59:59Z",
            })
    void timestampRejections(String json, String reason) throws Exception {
        JsonNode n = node(json);
        assertThatThrownBy(() -> JsonFields.timestamp(n, "ts", NOW, DAY))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void timestampReasonAbbreviatesLongGarbageTo40Characters() throws Exception {
        String garbage = "x".repeat(100);
        JsonNode n = node("{\"ts\": \"" + garbage + "\"}");
        assertThatThrownBy(() -> JsonFields.timestamp(n, "ts", NOW, DAY))
                .hasMessage("ts is not ISO-8601 UTC or epoch millis: " + "x".repeat(40) + "...");
    }
}
