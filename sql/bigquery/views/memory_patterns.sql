-- Memory usage analysis (seed 001): seed 002's "memory usage patterns" query as a view, per agent
-- and category over the last 30 days: how many memories were formed, how important and how
-- often recalled they are, and what forming them cost.
CREATE OR REPLACE VIEW athena_agent.memory_patterns AS
SELECT
  agent_id,
  category,
  COUNT(*) AS memory_count,
  AVG(importance) AS avg_importance,
  SUM(recall_count) AS total_recalls,
  MAX(recall_count) AS most_recalled,
  SAFE_DIVIDE(SUM(recall_count), COUNT(*)) AS recalls_per_memory,
  COUNTIF(IFNULL(recall_count, 0) = 0) AS never_recalled,
  SUM(formation_cost) AS total_formation_cost_usd,
  AVG(formation_cost) AS avg_formation_cost_usd,
  SAFE_DIVIDE(SUM(formation_cost), SUM(recall_count)) AS cost_per_recall_usd,
  MAX(timestamp) AS last_formed,
  MAX(last_recalled) AS last_recalled
FROM athena_agent.memory_formations
WHERE timestamp >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 30 DAY)
GROUP BY agent_id, category;
