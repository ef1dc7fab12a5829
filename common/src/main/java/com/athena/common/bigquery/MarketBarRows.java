package com.athena.common.bigquery;

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
 * <p>The seeds define no BigQuery table for bars, so this one is ours: see {@link #DDL}.
 */
public final class MarketBarRows implements BigQueryRowMapper<MarketBar> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "market_indicators";

    /** The columns of {@link #DDL}, in order. */
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

    /**
     * The table's DDL, for {@code sql/bigquery}. Partitioned by day and clustered like the seed's
     * tables, so that the usual query (one symbol and timeframe over a time range) scans little.
     */
    public static final String DDL =
            "CREATE TABLE IF NOT EXISTS athena_agent.market_indicators (\n"
                    + "  symbol STRING NOT NULL,\n"
                    + "  timeframe STRING NOT NULL,\n"
                    + "  timestamp TIMESTAMP NOT NULL,  -- bar open time (UTC)\n"
                    + "  open FLOAT64 NOT NULL,\n"
                    + "  high FLOAT64 NOT NULL,\n"
                    + "  low FLOAT64 NOT NULL,\n"
                    + "  close FLOAT64 NOT NULL,\n"
                    + "  volume FLOAT64 NOT NULL,\n"
                    + "  trade_count INT64 NOT NULL,\n"
                    + "  ema_9 FLOAT64,\n"
                    + "  ema_21 FLOAT64,\n"
                    + "  ema_50 FLOAT64,\n"
                    + "  ema_200 FLOAT64,\n"
                    + "  rsi_14 FLOAT64,\n"
                    + "  macd FLOAT64,\n"
                    + "  macd_signal FLOAT64,\n"
                    + "  macd_histogram FLOAT64,\n"
                    + "  bb_upper FLOAT64,\n"
                    + "  bb_middle FLOAT64,\n"
                    + "  bb_lower FLOAT64,\n"
                    + "  atr_14 FLOAT64,\n"
                    + "  trend_direction STRING,  -- up, down, sideways; NULL until EMA 50 warms up\n"
                    + "  volatility_regime STRING  -- low, normal, high; NULL until ATR 14 warms up\n"
                    + ")\n"
                    + "PARTITION BY DATE(timestamp)\n"
                    + "CLUSTER BY symbol, timeframe;\n";

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
