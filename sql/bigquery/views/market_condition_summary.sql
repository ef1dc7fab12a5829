-- Market analysis (seed 001), one row per UTC day: the market-wide snapshots (every 15 minutes)
-- summarised, the day's sentiment level by the market view's fear & greed bands (0-20
-- extreme_fear, 21-40 bearish, 41-60 neutral, 61-80 bullish, 81-100 extreme_greed), how many
-- snapshots moved more than 5% in 24 h (seed 002's trigger for a market analysis), and each
-- symbol's daily bar with its trend and volatility regime as the market job computed them.
CREATE OR REPLACE VIEW athena_agent.market_condition_summary AS
WITH snapshots AS (
  SELECT
    DATE(timestamp) AS date,
    COUNT(*) AS snapshots,
    ANY_VALUE(btc_price HAVING MIN timestamp) AS btc_open,
    MAX(btc_price) AS btc_high,
    MIN(btc_price) AS btc_low,
    ANY_VALUE(btc_price HAVING MAX timestamp) AS btc_close,
    AVG(btc_24h_change) AS avg_btc_24h_change,
    ANY_VALUE(eth_price HAVING MIN timestamp) AS eth_open,
    MAX(eth_price) AS eth_high,
    MIN(eth_price) AS eth_low,
    ANY_VALUE(eth_price HAVING MAX timestamp) AS eth_close,
    AVG(eth_24h_change) AS avg_eth_24h_change,
    ANY_VALUE(total_market_cap HAVING MAX timestamp) AS total_market_cap,
    ANY_VALUE(defi_tvl HAVING MAX timestamp) AS defi_tvl,
    AVG(fear_greed_index) AS avg_fear_greed_index,
    MIN(fear_greed_index) AS min_fear_greed_index,
    MAX(fear_greed_index) AS max_fear_greed_index,
    AVG(gas_price_gwei) AS avg_gas_price_gwei,
    COUNTIF(ABS(btc_24h_change) > 5.0 OR ABS(eth_24h_change) > 5.0) AS significant_move_snapshots,
    ARRAY_AGG(DISTINCT data_source IGNORE NULLS ORDER BY data_source) AS data_sources
  FROM athena_agent.market_data
  GROUP BY date
),
daily_bars AS (
  SELECT
    DATE(timestamp) AS date,
    ARRAY_AGG(
      STRUCT(symbol, open, high, low, close, volume, rsi_14, atr_14, trend_direction, volatility_regime)
      ORDER BY symbol
    ) AS symbols
  FROM athena_agent.market_indicators
  WHERE timeframe = '1d'
  GROUP BY date
)
SELECT
  date,
  s.snapshots,
  s.btc_open,
  s.btc_high,
  s.btc_low,
  s.btc_close,
  s.avg_btc_24h_change,
  s.eth_open,
  s.eth_high,
  s.eth_low,
  s.eth_close,
  s.avg_eth_24h_change,
  s.total_market_cap,
  s.defi_tvl,
  s.avg_fear_greed_index,
  s.min_fear_greed_index,
  s.max_fear_greed_index,
  CASE
    WHEN s.avg_fear_greed_index IS NULL THEN NULL
    WHEN ROUND(s.avg_fear_greed_index) <= 20 THEN 'extreme_fear'
    WHEN ROUND(s.avg_fear_greed_index) <= 40 THEN 'bearish'
    WHEN ROUND(s.avg_fear_greed_index) <= 60 THEN 'neutral'
    WHEN ROUND(s.avg_fear_greed_index) <= 80 THEN 'bullish'
    ELSE 'extreme_greed'
  END AS sentiment_level,
  s.avg_gas_price_gwei,
  s.significant_move_snapshots,
  s.data_sources,
  b.symbols
FROM snapshots AS s
FULL OUTER JOIN daily_bars AS b USING (date);
