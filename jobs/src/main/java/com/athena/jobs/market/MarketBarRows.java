package com.athena.jobs.market;

import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.BigQueryValues;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link MarketBar} (a closed bar with its indicators) to a row of the BigQuery table {@code
 * market_indicators}; indicators not warmed up yet (NaN) are NULL.
 *
 * <p>The seeds define no BigQuery table for bars, so this one is ours: see {@code
 * sql/bigquery/market_indicators.sql}.
 */
public final class MarketBarRows implements BigQueryRowMapper<MarketBar> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "market_indicators";

    /** The columns of {@code sql/bigquery/market_indicators.sql}, in order. */
    public static final List<String> COLUMNS =
            List.of(
                    "symbol",
                    "timeframe",
                    "timestamp",
                    "open",
                    "high",
                    "low",
                    "close",
                    "volume",
                    "trade_count",
                    "ema_9",
                    "ema_21",
                    "ema_50",
                    "ema_200",
                    "rsi_14",
                    "macd",
                    "macd_signal",
                    "macd_histogram",
                    "bb_upper",
                    "bb_middle",
                    "bb_lower",
                    "atr_14",
                    "trend_direction",
                    "volatility_regime");

    @Override
    public String table(MarketBar b) {
        return TABLE;
    }

    /**
     * {@code market_indicators:<symbol>:<timeframe>:<open time millis>}: a bar is identified by its
     * key and window, so a replayed bar carries the same id.
     */
    @Override
    public String insertId(MarketBar m) {
        return TABLE + ':' + m.bar.symbol + ':' + m.bar.timeframe + ':' + m.bar.openTime;
    }

    @Override
    public Map<String, Object> row(MarketBar m) {
        Bar bar = m.bar;
        // A bar emitted before any indicator was attached has every indicator NULL.
        IndicatorValues v = m.indicators == null ? new IndicatorValues() : m.indicators;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("symbol", bar.symbol);
        row.put("timeframe", bar.timeframe);
        row.put("timestamp", BigQueryValues.timestamp(bar.openTime));
        row.put("open", BigQueryValues.float64(bar.open));
        row.put("high", BigQueryValues.float64(bar.high));
        row.put("low", BigQueryValues.float64(bar.low));
        row.put("close", BigQueryValues.float64(bar.close));
        row.put("volume", BigQueryValues.float64(bar.volume));
        row.put("trade_count", bar.tradeCount);
        row.put("ema_9", BigQueryValues.float64(v.ema9));
        row.put("ema_21", BigQueryValues.float64(v.ema21));
        row.put("ema_50", BigQueryValues.float64(v.ema50));
        row.put("ema_200", BigQueryValues.float64(v.ema200));
        row.put("rsi_14", BigQueryValues.float64(v.rsi14));
        row.put("macd", BigQueryValues.float64(v.macd));
        row.put("macd_signal", BigQueryValues.float64(v.macdSignal));
        row.put("macd_histogram", BigQueryValues.float64(v.macdHistogram));
        row.put("bb_upper", BigQueryValues.float64(v.bbUpper));
        row.put("bb_middle", BigQueryValues.float64(v.bbMiddle));
        row.put("bb_lower", BigQueryValues.float64(v.bbLower));
        row.put("atr_14", BigQueryValues.float64(v.atr14));
        row.put("trend_direction", v.trendDirection == null ? null : v.trendDirection.label());
        row.put(
                "volatility_regime",
                v.volatilityRegime == null ? null : v.volatilityRegime.label());
        return row;
    }
}
