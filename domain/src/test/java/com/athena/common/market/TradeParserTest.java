package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TradeParserTest {

    private static final long NOW = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    private static final long TS = Instant.parse("2024-01-15T10:30:00Z").toEpochMilli();

    private final TradeParser parser = new TradeParser(1_000_000, 5_000, 86_400_000L);

    /** A valid trade with {@code extra} JSON members appended. */
    private static String trade(String symbol, String price, String size, String extra) {
        return "{\"symbol\": "
                + symbol
                + ", \"ts\": \"2024-01-15T10:30:00Z\", \"price\": "
                + price
                + ", \"size\": "
                + size
                + extra
                + "}";
    }

    @Test
    void parsesEveryField() throws Exception {
        Trade t =
                parser.parse(
                        trade(
                                "\"BTC/USD\"",
                                "42150.5",
                                "0.25",
                                ", \"trade_id\": \"abc-1\", \"source\": \"bitstamp\""),
                        NOW);
        assertThat(t).isEqualTo(new Trade("BTC/USD", TS, 42150.5, 0.25, "abc-1", "bitstamp"));
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() throws Exception {
        Trade absent = parser.parse(trade("\"ETHUSDT\"", "2500", "1", ""), NOW);
        Trade nulls =
                parser.parse(
                        trade("\"ETHUSDT\"", "2500", "1", ", \"trade_id\": null, \"source\": null"),
                        NOW);
        Trade expected = new Trade("ETHUSDT", TS, 2500, 1, null, null);
        assertThat(absent).isEqualTo(expected);
        assertThat(nulls).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "12345, 12345",
        "0, 0",
        "-7, -7",
        "123456789012345678901234, 123456789012345678901234"
    })
    void numericTradeIdIsKeptAsItsDigits(String literal, String expected) throws Exception {
        Trade t = parser.parse(trade("\"BTC-USD\"", "1", "1", ", \"trade_id\": " + literal), NOW);
        assertThat(t.tradeId).isEqualTo(expected);
    }

    @Test
    void epochMillisTimestampAndBoundsAreAccepted() throws Exception {
        String json = "{\"symbol\": \"A\", \"ts\": " + TS + ", \"price\": 1000000, \"size\": 5000}";
        assertThat(parser.parse(json, NOW)).isEqualTo(new Trade("A", TS, 1e6, 5000, null, null));
    }

    @ParameterizedTest
    @CsvSource({
        "BTC/USD",
        "BTC-USD",
        "ETHUSDT",
        "btc.usd",
        "X:BTCUSD",
        "A",
        "A1234567890123456789012345678901"
    })
    void acceptsTickerSymbols(String symbol) throws Exception {
        assertThat(parser.parse(trade("\"" + symbol + "\"", "1", "1", ""), NOW).symbol)
                .isEqualTo(symbol);
    }

    static Stream<Arguments> rejections() {
        String outside = "symbol has characters outside [A-Za-z0-9._:/-]";
        return Stream.of(
                // symbol
                Arguments.of(trade("\"BTC'; DROP TABLE trades; --\"", "1", "1", ""), outside),
                Arguments.of(
                        trade("\"BTC\\u0000\"", "1", "1", ""), "symbol contains NUL (\\u0000)"),
                Arguments.of(trade("\"BTC USD\"", "1", "1", ""), outside),
                Arguments.of(trade("\"BTC%\"", "1", "1", ""), outside),
                Arguments.of(trade("\"BTC\\\"\"", "1", "1", ""), outside),
                Arguments.of(trade("\"-BTC\"", "1", "1", ""), outside),
                Arguments.of(trade("\"BTC€\"", "1", "1", ""), outside),
                Arguments.of(
                        trade("\"" + "A".repeat(33) + "\"", "1", "1", ""),
                        "symbol is longer than 32 characters"),
                Arguments.of(
                        trade("\"" + "A".repeat(10_000) + "\"", "1", "1", ""),
                        "symbol is longer than 32 characters"),
                Arguments.of(trade("\"\"", "1", "1", ""), "symbol is blank"),
                Arguments.of(trade("42", "1", "1", ""), "symbol is not a string"),
                Arguments.of(
                        "{\"ts\": \"2024-01-15T10:30:00Z\", \"price\": 1, \"size\": 1}",
                        "missing symbol"),
                // ts
                Arguments.of("{\"symbol\": \"A\", \"price\": 1, \"size\": 1}", "missing ts"),
                // price
                Arguments.of(trade("\"A\"", "0", "1", ""), "price must be positive, got 0.0"),
                Arguments.of(trade("\"A\"", "-5", "1", ""), "price must be positive, got -5.0"),
                Arguments.of(
                        trade("\"A\"", "1000000.01", "1", ""),
                        "price 1000000.01 is above 1000000.0"),
                Arguments.of(trade("\"A\"", "\"100\"", "1", ""), "price is not a number"),
                Arguments.of(trade("\"A\"", "null", "1", ""), "missing price"),
                Arguments.of(trade("\"A\"", "1e400", "1", ""), "price is not finite"),
                // size
                Arguments.of(trade("\"A\"", "1", "0", ""), "size must be positive, got 0.0"),
                Arguments.of(trade("\"A\"", "1", "-0.5", ""), "size must be positive, got -0.5"),
                Arguments.of(trade("\"A\"", "1", "5000.5", ""), "size 5000.5 is above 5000.0"),
                Arguments.of(trade("\"A\"", "1", "\"1\"", ""), "size is not a number"),
                Arguments.of(
                        "{\"symbol\": \"A\", \"ts\": " + TS + ", \"price\": 1}", "missing size"),
                // optional fields, when present, must be valid
                Arguments.of(
                        trade("\"A\"", "1", "1", ", \"trade_id\": 1.5"),
                        "trade_id is not a string"),
                Arguments.of(
                        trade("\"A\"", "1", "1", ", \"trade_id\": \" \""), "trade_id is blank"),
                Arguments.of(
                        trade("\"A\"", "1", "1", ", \"trade_id\": \"" + "x".repeat(129) + "\""),
                        "trade_id is longer than 128 characters"),
                Arguments.of(trade("\"A\"", "1", "1", ", \"source\": 7"), "source is not a string"),
                Arguments.of(
                        trade("\"A\"", "1", "1", ", \"source\": \"" + "s".repeat(65) + "\""),
                        "source is longer than 64 characters"),
                // the payload itself
                Arguments.of("", "empty payload"),
                Arguments.of("[]", "not a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsWithTheReason(String payload, String reason) {
        assertThatThrownBy(() -> parser.parse(payload, NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void rejectsTimesTooFarAhead() {
        long tooLate = NOW + 86_400_001L;
        String json = "{\"symbol\": \"A\", \"ts\": " + tooLate + ", \"price\": 1, \"size\": 1}";
        assertThatThrownBy(() -> parser.parse(json, NOW)).hasMessage("ts is too far in the future");
    }
}
