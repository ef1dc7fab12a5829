package com.athena.jobs.market;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class MarketBarRowsTest {

    private static final long OPEN = Instant.parse("2013-11-28T12:00:00Z").toEpochMilli();

    private final MarketBarRows rows = new MarketBarRows();

    static MarketBar warmBar() {
        IndicatorValues v = new IndicatorValues();
        v.ema9 = 1001.5;
        v.ema21 = 990.25;
        v.ema50 = 970.0;
        v.ema200 = 900.0;
        v.rsi14 = 71.5;
        v.macd = 12.5;
        v.macdSignal = 10.0;
        v.macdHistogram = 2.5;
        v.bbUpper = 1050.0;
        v.bbMiddle = 1000.0;
        v.bbLower = 950.0;
        v.atr14 = 8.75;
        v.trendDirection = TrendDirection.UP;
        v.volatilityRegime = VolatilityRegime.HIGH;
        return new MarketBar(
                new Bar("BTC-USD", "1h", OPEN, 1000.0, 1010.0, 995.0, 1005.0, 12.5, 340), v);
    }

    @Test
    void aWarmBarMapsEveryColumnInOrder() {
        Map<String, Object> row = rows.row(warmBar());
        assertThat(row)
                .containsExactly(
                        entry("symbol", "BTC-USD"),
                        entry("timeframe", "1h"),
                        entry("timestamp", "2013-11-28T12:00:00.000000Z"),
                        entry("open", 1000.0),
                        entry("high", 1010.0),
                        entry("low", 995.0),
                        entry("close", 1005.0),
                        entry("volume", 12.5),
                        entry("trade_count", 340L),
                        entry("ema_9", 1001.5),
                        entry("ema_21", 990.25),
                        entry("ema_50", 970.0),
                        entry("ema_200", 900.0),
                        entry("rsi_14", 71.5),
                        entry("macd", 12.5),
                        entry("macd_signal", 10.0),
                        entry("macd_histogram", 2.5),
                        entry("bb_upper", 1050.0),
                        entry("bb_middle", 1000.0),
                        entry("bb_lower", 950.0),
                        entry("atr_14", 8.75),
                        entry("trend_direction", "up"),
                        entry("volatility_regime", "high"));
        assertThat(new ArrayList<>(row.keySet())).containsExactlyElementsOf(MarketBarRows.COLUMNS);
        assertThat(rows.table(warmBar())).isEqualTo("market_indicators");
    }

    @Test
    void indicatorsNotWarmedUpAreNull() {
        MarketBar cold =
                new MarketBar(
                        new Bar("ETH-USD", "1m", OPEN, 30.0, 31.0, 29.5, 30.5, 4.0, 7),
                        new IndicatorValues());
        Map<String, Object> row = rows.row(cold);
        assertThat(new ArrayList<>(row.keySet())).containsExactlyElementsOf(MarketBarRows.COLUMNS);
        List<String> indicatorColumns = MarketBarRows.COLUMNS.subList(9, 23);
        for (String column : indicatorColumns) {
            assertThat(row.get(column)).as(column).isNull();
        }
        assertThat(row.get("close")).isEqualTo(30.5);
        assertThat(row.get("trade_count")).isEqualTo(7L);

        MarketBar none = new MarketBar(cold.bar, null);
        assertThat(rows.row(none)).isEqualTo(row);
    }

    @Test
    void labelsAreLowercase() {
        MarketBar m = warmBar();
        m.indicators.trendDirection = TrendDirection.SIDEWAYS;
        m.indicators.volatilityRegime = VolatilityRegime.NORMAL;
        assertThat(rows.row(m))
                .contains(
                        entry("trend_direction", "sideways"), entry("volatility_regime", "normal"));
        m.indicators.trendDirection = TrendDirection.DOWN;
        m.indicators.volatilityRegime = VolatilityRegime.LOW;
        assertThat(rows.row(m))
                .contains(entry("trend_direction", "down"), entry("volatility_regime", "low"));
    }

    @Test
    void insertIdIsTheBarsKeyAndWindow() {
        assertThat(rows.insertId(warmBar()))
                .isEqualTo("market_indicators:BTC-USD:1h:" + OPEN)
                .hasSizeLessThanOrEqualTo(128);
    }
}
