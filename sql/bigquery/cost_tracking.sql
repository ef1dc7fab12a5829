-- Every cost the treasury job applied (TreasuryRows.Costs). The seeds name the table and imply its
-- columns (timestamp, cost_type, amount in seed 001's daily cost query; operation, details and
-- daily_total in its cost record); the rest is what the cost events carry.
CREATE TABLE IF NOT EXISTS athena_agent.cost_tracking (
  timestamp TIMESTAMP NOT NULL,
  agent_id STRING NOT NULL,
  event_id STRING NOT NULL,
  cost_type STRING NOT NULL,
  operation STRING,
  amount FLOAT64 NOT NULL,
  model STRING,
  input_tokens INT64,
  output_tokens INT64,
  daily_total FLOAT64,
  details JSON
)
PARTITION BY DATE(timestamp)
CLUSTER BY cost_type, agent_id;
