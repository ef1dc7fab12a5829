-- Memory creation and recall tracking: seed 002's memory_formations table, one row per memory.
-- One column is ours: agent_id, last and NULL-able, so that the views report per agent like the
-- treasury tables (the seed has one implicit agent; an INSERT without a column list, like the
-- seed's sample, now needs one). Behind the views daily_performance, cost_efficiency and
-- memory_patterns.
--
-- The activity job keeps each row current by change data capture (CDC) through the Storage Write
-- API's default stream: it sends the memory again on every recall as an UPSERT on memory_id, with
-- a _CHANGE_SEQUENCE_NUMBER that grows with the memory's recalls, so the table holds one row per
-- memory with its latest recall_count and last_recalled, and memory_patterns counts each memory
-- once. CDC needs the primary key (NOT ENFORCED: BigQuery never checks it; the job writes one key
-- per memory) and takes max_staleness as how old the applied state a query reads may be: changes
-- younger than that are applied in the background, not at query time.
-- CDC limits that this table respects: the key has at most 16 columns; the partitioning column
-- (timestamp, the formation time) is the same in every change of a memory, so an upsert never
-- moves a row to another partition; clustering by category is kept for the views' GROUP BY
-- (BigQuery allows clustering on other columns than the key, and the key stays small here).
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
  agent_id STRING,
  PRIMARY KEY (memory_id) NOT ENFORCED
)
PARTITION BY DATE(timestamp)
CLUSTER BY category
OPTIONS (max_staleness = INTERVAL 15 MINUTE);
