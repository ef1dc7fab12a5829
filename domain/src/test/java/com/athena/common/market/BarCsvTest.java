package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BarCsvTest {

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void parsesABarWithTheTimeframeLabelAndNoTradeCount() throws Exception {
        Bar bar = BarCsv.parse("2024-01-15T10:00:00Z,100,110,90,105,12.5", "BTC/USD", Timeframe.H1);
        assertThat(bar)
                .isEqualTo(
                        new Bar(
                                "BTC/USD",
                                "1h",
                                millis("2024-01-15T10:00:00Z"),
                                100,
                                110,
                                90,
                                105,
                                12.5,
                                0L));
    }

    @Test
    void acceptsAFlatBarWithZeroVolumeAndSpaces() throws Exception {
        Bar bar = BarCsv.parse(" 2024-01-15T00:00:00Z , 5 ,5, 5,5 ,0\r", "ETHUSDT", Timeframe.D1);
        assertThat(bar)
                .isEqualTo(
                        new Bar(
                                "ETHUSDT",
                                "1d",
                                millis("2024-01-15T00:00:00Z"),
                                5,
                                5,
                                5,
                                5,
                                0,
                                0L));
    }

    @ParameterizedTest
    @CsvSource({
        "2024-01-15T10:31:00Z, 1m",
        "2024-01-15T10:35:00Z, 5m",
        "2024-01-15T10:45:00Z, 15m",
        "2024-01-15T23:00:00Z, 1h",
        "2024-01-15T00:00:00Z, 1d",
    })
    void acceptsOpenTimesAlignedToTheTimeframe(String ts, String label) throws Exception {
        Bar bar = BarCsv.parse(ts + ",1,1,1,1,1", "A", Timeframe.parse(label));
        assertThat(bar.openTime).isEqualTo(millis(ts));
        assertThat(bar.timeframe).isEqualTo(label);
    }

    @ParameterizedTest
    @CsvSource({
        "2024-01-15T10:31:00.001Z, 1m",
        "2024-01-15T10:31:00Z, 5m",
        "2024-01-15T10:35:00Z, 15m",
        "2024-01-15T10:30:00Z, 1h",
        "2024-01-15T01:00:00Z, 1d",
    })
    void rejectsOpenTimesNotAlignedToTheTimeframe(String ts, String label) {
        assertThatThrownBy(() -> BarCsv.parse(ts + ",1,1,1,1,1", "A", Timeframe.parse(label)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("ts " + ts + " is not the open time of a " + label + " bar");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "2024-01-15T10:00:00Z,100,110,90,105         | expected 6 cells, got 5",
                "2024-01-15T10:00:00Z,100,110,90,105,1,7     | expected 6 cells, got 7",
                "ts,open,high,low,close,volume               | ts is not ISO-8601 UTC: ts",
                "2024-01-15 10:00:00,100,110,90,105,1        | ts is not ISO-8601 UTC: 2024-01-15 10:00:00",
                "2024-01-15T10:00:00,100,110,90,105,1        | ts is not ISO-8601 UTC: 2024-01-15T10:00:00",
                "2024-01-15T10:00:00Z,x,110,90,105,1         | open is not a number: x",
                "2024-01-15T10:00:00Z,100,110,90,105,        | `volume is not a number: `",
                "2024-01-15T10:00:00Z,100,NaN,90,105,1       | high is not finite",
                "2024-01-15T10:00:00Z,100,110,-Infinity,105,1 | low is not finite",
                "2024-01-15T10:00:00Z,100,110,90,Infinity,1  | close is not finite",
                "2024-01-15T10:00:00Z,0,110,90,105,1         | prices must be positive",
                "2024-01-15T10:00:00Z,100,110,0,105,1        | prices must be positive",
                "2024-01-15T10:00:00Z,-100,-90,-110,-105,1   | prices must be positive",
                "2024-01-15T10:00:00Z,100,110,90,105,-0.5    | volume must not be negative",
                "2024-01-15T10:00:00Z,100,99,90,95,1         | high/low do not bound open and close",
                "2024-01-15T10:00:00Z,100,104,90,105,1       | high/low do not bound open and close",
                "2024-01-15T10:00:00Z,100,110,101,105,1      | high/low do not bound open and close",
                "2024-01-15T10:00:00Z,100,110,96,95,1        | high/low do not bound open and close",
                "2024-01-15T10:00:00Z,100,90,110,105,1       | high/low do not bound open and close",
            })
    void rejectsWithTheReason(String line, String reason) {
        assertThatThrownBy(() -> BarCsv.parse(line, "BTC/USD", Timeframe.H1))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }
}
