package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TradeCsvTest {

    @Test
    void parsesSecondsPriceAndAmountWithoutATradeId() throws Exception {
        assertThat(TradeCsv.parse("1385000000,800.5,0.25", "BTC/USD", "bitstamp"))
                .isEqualTo(new Trade("BTC/USD", 1_385_000_000_000L, 800.5, 0.25, null, "bitstamp"));
    }

    @Test
    void toleratesSpacesAndACarriageReturn() throws Exception {
        assertThat(TradeCsv.parse(" 1385000000 , 800.5 ,1e-8\r", "BTC/USD", null))
                .isEqualTo(new Trade("BTC/USD", 1_385_000_000_000L, 800.5, 1e-8, null, null));
    }

    @Test
    void firstSecondOf2009IsAccepted() throws Exception {
        assertThat(TradeCsv.parse("1230768000,1,1", "A", "s").ts).isEqualTo(1_230_768_000_000L);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "1,2                          | expected 3 cells, got 2",
                "1,2,3,4                      | expected 3 cells, got 4",
                "``                           | expected 3 cells, got 1",
                "1385000000;800.5;0.25        | expected 3 cells, got 1",
                "timestamp,price,amount       | not a number: For input string: \"timestamp\"",
                "1385000000.5,1,1             | not a number: For input string: \"1385000000.5\"",
                "1385000000,abc,1             | not a number: For input string: \"abc\"",
                "1385000000,1,                | not a number: empty String",
                "1385000000,0,1               | price must be positive and finite",
                "1385000000,-800,1            | price must be positive and finite",
                "1385000000,NaN,1             | price must be positive and finite",
                "1385000000,Infinity,1        | price must be positive and finite",
                "1385000000,1,0               | amount must be positive and finite",
                "1385000000,1,-0.1            | amount must be positive and finite",
                "1385000000,1,NaN             | amount must be positive and finite",
                "1385000000,1,Infinity        | amount must be positive and finite",
                "1230767999,1,1               | timestamp is before 2009-01-01",
                "-1,1,1                       | timestamp is before 2009-01-01",
                "9223372036854776,1,1         | timestamp is out of range",
            })
    void rejectsWithTheReason(String line, String reason) {
        assertThatThrownBy(() -> TradeCsv.parse(line, "BTC/USD", "bitstamp"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(reason);
    }

    @Test
    void headerConstantMatchesTheFormat() {
        assertThat(TradeCsv.HEADER).isEqualTo("timestamp,price,amount");
    }
}
