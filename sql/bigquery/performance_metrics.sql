-- System performance data (seed 001 names the table, not its columns): one value per sample, the
-- narrow shape of seed 004's agent metrics (name, value, type) with seed 005's labels, e.g.
-- firestore_write_ms, llm_latency_ms, decisions_per_hour. Written by the agent's runtime, not by
-- a job here. Behind the view daily_performance.
CREATE TABLE IF NOT EXISTS athena_agent.performance_metrics (
  timestamp TIMESTAMP NOT NULL,
  agent_id STRING,
  metric_name STRING NOT NULL,
  metric_value FLOAT64 NOT NULL,
  metric_type STRING,  -- gauge, counter, timer
  unit STRING,         -- ms, count, usd, ...
  labels JSON
)
PARTITION BY DATE(timestamp)
CLUSTER BY metric_name, agent_id;
