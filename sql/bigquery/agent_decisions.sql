-- The agent's decisions with their context and outcome: seed 001 names the table, seed 002 queries
-- it (timestamp, market_condition, emotional_state, confidence, outcome); the other columns are
-- seed 002's decision document (decision_id, decision_type, decision, reasoning, memory_context,
-- costs_incurred, expected_outcome) plus agent_id. The agent's decision flow writes it; no job here
-- does. Behind the views daily_performance, cost_efficiency and emotional_correlation.
-- Clustered like the seed's other tables by the fields its queries group on.
CREATE TABLE IF NOT EXISTS athena_agent.agent_decisions (
  decision_id STRING NOT NULL,
  timestamp TIMESTAMP NOT NULL,
  agent_id STRING NOT NULL,
  decision_type STRING NOT NULL,  -- observation, trade, ...
  decision STRING,                -- e.g. increase_monitoring_frequency
  reasoning STRING,
  confidence FLOAT64,             -- 0..1
  emotional_state STRING,         -- the treasury's state when deciding: stable, cautious, desperate
  market_condition STRING,        -- the market view's label when deciding, e.g. high_volatility
  memory_context ARRAY<STRING>,   -- memory_id of each memory recalled
  costs_incurred JSON,            -- [{type, amount, tokens}]
  decision_cost FLOAT64,          -- USD, the sum of costs_incurred
  expected_outcome STRING,
  outcome STRING                  -- success, failure; NULL while pending
)
PARTITION BY DATE(timestamp)
CLUSTER BY decision_type, emotional_state;
