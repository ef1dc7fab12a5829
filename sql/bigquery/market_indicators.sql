-- Closed bars with their indicators, one row per (symbol, timeframe, bar): written by the market
-- job (MarketBarRows). The seeds define no BigQuery table for bars, so this one is ours.
-- Partitioned by day and clustered like the seed's tables, so that the usual query (one symbol and
-- timeframe over a time range) scans little. Indicators are NULL until warmed up.
CREATE TABLE IF NOT EXISTS athena_agent.market_indicators (
  symbol STRING NOT NULL,
  timeframe STRING NOT NULL,
  timestamp TIMESTAMP NOT NULL,  -- bar open time (UTC)
  open FLOAT64 NOT NULL,
  high FLOAT64 NOT NULL,
  low FLOAT64 NOT NULL,
  close FLOAT64 NOT NULL,
  volume FLOAT64 NOT NULL,
  trade_count INT64 NOT NULL,
  ema_9 FLOAT64,
  ema_21 FLOAT64,
  ema_50 FLOAT64,
  ema_200 FLOAT64,
  rsi_14 FLOAT64,
  macd FLOAT64,
  macd_signal FLOAT64,
  macd_histogram FLOAT64,
  bb_upper FLOAT64,
  bb_middle FLOAT64,
  bb_lower FLOAT64,
  atr_14 FLOAT64,
  trend_direction STRING,  -- up, down, sideways; NULL until EMA 50 warms up
  volatility_regime STRING  -- low, normal, high; NULL until ATR 14 warms up
)
PARTITION BY DATE(timestamp)
CLUSTER BY symbol, timeframe;
