-- Market-wide snapshots (every 15 minutes), exactly the seed's market_data table: written by the
-- market job from Pub/Sub market-snapshots (MarketSnapshotRows).
CREATE TABLE IF NOT EXISTS athena_agent.market_data (
  timestamp TIMESTAMP NOT NULL,
  btc_price FLOAT64,
  eth_price FLOAT64,
  btc_24h_change FLOAT64,
  eth_24h_change FLOAT64,
  btc_market_cap FLOAT64,
  eth_market_cap FLOAT64,
  total_market_cap FLOAT64,
  defi_tvl FLOAT64,
  fear_greed_index INT64,
  gas_price_gwei FLOAT64,
  active_addresses_btc INT64,
  active_addresses_eth INT64,
  data_source STRING,
  collection_metadata JSON
)
PARTITION BY DATE(timestamp)
CLUSTER BY data_source;
