package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketSnapshotParserTest {

    private static final long NOW = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    private static final long TS = Instant.parse("2024-01-15T10:30:00Z").toEpochMilli();

    private final MarketSnapshotParser parser = new MarketSnapshotParser(60_000L);

    /** A snapshot with a timestamp and the given members. */
    private static String snapshot(String members) {
        return "{\"timestamp\": \"2024-01-15T10:30:00Z\""
                + (members.isEmpty() ? "" : ", ")
                + members
                + "}";
    }

    private MarketSnapshot parse(String members) throws InvalidRecordException {
        return parser.parse(snapshot(members), NOW);
    }

    @Test
    void readsEveryField() throws Exception {
        MarketSnapshot s =
                parse(
                        "\"btc_price\": 42150.5, \"eth_price\": 2500.25,"
                                + " \"btc_24h_change\": -3.5, \"eth_24h_change\": 1.25,"
                                + " \"btc_market_cap\": 8.2e11, \"eth_market_cap\": 3.0e11,"
                                + " \"total_market_cap\": 1.6e12, \"defi_tvl\": 5.5e10,"
                                + " \"fear_greed_index\": 25, \"gas_price_gwei\": 0,"
                                + " \"active_addresses_btc\": 950000, \"active_addresses_eth\": 4.2e5,"
                                + " \"data_source\": \"coingecko\"");
        MarketSnapshot expected = new MarketSnapshot();
        expected.timestamp = TS;
        expected.btcPrice = 42150.5;
        expected.ethPrice = 2500.25;
        expected.btc24hChange = -3.5;
        expected.eth24hChange = 1.25;
        expected.btcMarketCap = 8.2e11;
        expected.ethMarketCap = 3.0e11;
        expected.totalMarketCap = 1.6e12;
        expected.defiTvl = 5.5e10;
        expected.fearGreedIndex = 25;
        expected.gasPriceGwei = 0.0;
        expected.activeAddressesBtc = 950_000L;
        expected.activeAddressesEth = 420_000L;
        expected.dataSource = "coingecko";
        assertThat(s).isEqualTo(expected);
    }

    @Test
    void absentAndNullFieldsAreNull() throws Exception {
        MarketSnapshot s =
                parse(
                        "\"btc_price\": 42000, \"eth_price\": null, \"fear_greed_index\": null,"
                                + " \"defi_tvl\": null, \"data_source\": null");
        MarketSnapshot expected = new MarketSnapshot();
        expected.timestamp = TS;
        expected.btcPrice = 42000.0;
        assertThat(s).isEqualTo(expected);
    }

    static Stream<Arguments> singleMarketFields() {
        return Stream.of(
                Arguments.of(
                        "\"btc_price\": 1",
                        (Function<MarketSnapshot, Object>) s -> s.btcPrice,
                        1.0),
                Arguments.of(
                        "\"eth_price\": 2",
                        (Function<MarketSnapshot, Object>) s -> s.ethPrice,
                        2.0),
                Arguments.of(
                        "\"fear_greed_index\": 0",
                        (Function<MarketSnapshot, Object>) s -> s.fearGreedIndex,
                        0),
                Arguments.of(
                        "\"btc_24h_change\": 0",
                        (Function<MarketSnapshot, Object>) s -> s.btc24hChange,
                        0.0));
    }

    @ParameterizedTest
    @MethodSource("singleMarketFields")
    void anyOneMarketFieldIsEnough(
            String member, Function<MarketSnapshot, Object> field, Object expected)
            throws Exception {
        MarketSnapshot s = parse(member);
        assertThat(s.timestamp).isEqualTo(TS);
        assertThat(field.apply(s)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "\"eth_24h_change\": 2.0",
                "\"btc_market_cap\": 1e12, \"total_market_cap\": 2e12, \"defi_tvl\": 1e10",
                "\"gas_price_gwei\": 12, \"active_addresses_btc\": 5, \"data_source\": \"x\"",
                "\"btc_price\": null, \"eth_price\": null, \"fear_greed_index\": null",
            })
    void snapshotWithoutAMarketFieldIsRejected(String members) {
        assertThatThrownBy(() -> parse(members))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("snapshot carries no market field");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "100, 100", "50.0, 50", "1e2, 100"})
    void fearGreedIndexAcceptsWholeNumbersFrom0To100(String literal, int expected)
            throws Exception {
        assertThat(parse("\"fear_greed_index\": " + literal).fearGreedIndex).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "101", "50.5", "-0.5", "100.0001", "1e9"})
    void fearGreedIndexOutsideTheIntegers0To100IsRejected(String literal) {
        assertThatThrownBy(() -> parse("\"fear_greed_index\": " + literal))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("fear_greed_index must be an integer in [0, 100]");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // prices and caps must be strictly positive
                "\"btc_price\": 0                            | btc_price must be positive, got 0.0",
                "\"btc_price\": 1, \"eth_price\": -1         | eth_price must be positive, got -1.0",
                "\"btc_price\": 1, \"btc_market_cap\": -1e9  | btc_market_cap must be positive, got -1.0E9",
                "\"btc_price\": 1, \"eth_market_cap\": 0     | eth_market_cap must be positive, got 0.0",
                "\"btc_price\": 1, \"total_market_cap\": -2  | total_market_cap must be positive, got -2.0",
                "\"btc_price\": 1, \"defi_tvl\": -3          | defi_tvl must be positive, got -3.0",
                // a price cannot fall by more than 100 %
                "\"btc_24h_change\": -100.01                 | btc_24h_change is below -100%",
                "\"btc_price\": 1, \"eth_24h_change\": -101  | eth_24h_change is below -100%",
                // counts and gas
                "\"btc_price\": 1, \"gas_price_gwei\": -0.1  | gas_price_gwei must not be negative, got -0.1",
                "\"btc_price\": 1, \"active_addresses_btc\": 1.5  | active_addresses_btc must be a whole number",
                "\"btc_price\": 1, \"active_addresses_eth\": -1   | active_addresses_eth must not be negative, got -1.0",
                // types and the envelope
                "\"btc_price\": \"42000\"                    | btc_price is not a number",
                "\"btc_price\": 1, \"data_source\": 5        | data_source is not a string",
            })
    void rejectsInvalidFields(String members, String reason) {
        assertThatThrownBy(() -> parse(members))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void changeOfExactlyMinus100AndGrowthAboveAreAccepted() throws Exception {
        MarketSnapshot s = parse("\"btc_24h_change\": -100, \"eth_24h_change\": 250");
        assertThat(s.btc24hChange).isEqualTo(-100.0);
        assertThat(s.eth24hChange).isEqualTo(250.0);
    }

    @Test
    void timestampIsRequiredAndBounded() {
        assertThatThrownBy(() -> parser.parse("{\"btc_price\": 1}", NOW))
                .hasMessage("missing timestamp");
        String tooLate = "{\"timestamp\": " + (NOW + 60_001L) + ", \"btc_price\": 1}";
        assertThatThrownBy(() -> parser.parse(tooLate, NOW))
                .hasMessage("timestamp is too far in the future");
    }

    @Test
    void dataSourceIsLimitedTo64Characters() throws Exception {
        String ok = "s".repeat(64);
        assertThat(parse("\"btc_price\": 1, \"data_source\": \"" + ok + "\"").dataSource)
                .isEqualTo(ok);
        assertThatThrownBy(() -> parse("\"btc_price\": 1, \"data_source\": \"" + ok + "s\""))
                .hasMessage("data_source is longer than 64 characters");
    }

    @Test
    void activeAddressesBeyondTheLongRangeAreRejected() {
        assertThatThrownBy(() -> parse("\"btc_price\": 1, \"active_addresses_btc\": 1e20"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("active_addresses_btc ");
    }
}
