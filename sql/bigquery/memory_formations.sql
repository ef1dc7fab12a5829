-- Memory creation and recall tracking: seed 002's memory_formations table, written by the agent's
-- memory system, not by a job here. One column is ours: agent_id, last and NULL-able, so that the
-- views report per agent like the treasury tables (the seed has one implicit agent; an INSERT
-- without a column list, like the seed's sample, now needs one). Behind the views
-- daily_performance, cost_efficiency and memory_patterns.
CREATE TABLE IF NOT EXISTS athena_agent.memory_formations (
  memory_id STRING NOT NULL,
  timestamp TIMESTAMP NOT NULL,
  category STRING NOT NULL,  -- survival_critical, market_patterns, ...
  importance FLOAT64,        -- 0..1
  content STRING,
  metadata JSON,
  trigger_event STRING,
  formation_cost FLOAT64,    -- USD
  recall_count INT64,
  last_recalled TIMESTAMP,
  agent_id STRING
)
PARTITION BY DATE(timestamp)
CLUSTER BY category;
