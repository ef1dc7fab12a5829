-- Per-agent daily costs: what each agent spent per UTC day, by kind, with tokens and counts.
--   SELECT * FROM agent_daily_costs WHERE agent_id = 'agent-1' ORDER BY `day`;  -- (batch mode)
--   SELECT * FROM agent_daily_costs;
--
-- Costs reach the treasury job through Pub/Sub (agent-costs), which Flink SQL cannot read, so
-- this reads the cost_events table the treasury job writes every priced cost to: the same
-- amounts the job adds up, after its pricing of tokens and calls. A late cost (one that came after
-- its day closed in the job) still counts for its day here: it was spent.
-- The table is read once when the query starts; the query ends with the totals as of then (in
-- the SQL client's changelog view they appear, then update, as the rows are read). Run it again
-- for newer costs. It groups instead of using day windows: a table scan comes in no time order,
-- and a watermark would drop rows as late.

CREATE TEMPORARY VIEW agent_daily_costs AS
SELECT agent_id,
       CAST(ts AS DATE) AS `day`,
       SUM(amount) AS total_usd,
       SUM(CASE WHEN cost_type = 'llm_cost' THEN amount ELSE 0.0 END) AS llm_usd,
       SUM(CASE WHEN cost_type = 'api_cost' THEN amount ELSE 0.0 END) AS api_usd,
       SUM(CASE WHEN cost_type NOT IN ('llm_cost', 'api_cost') THEN amount ELSE 0.0 END) AS other_usd,
       COUNT(*) AS cost_events,
       COUNT(*) FILTER (WHERE operation = 'llm_call') AS llm_calls,
       COUNT(*) FILTER (WHERE operation = 'api_call') AS api_calls,
       COALESCE(SUM(input_tokens), 0) AS input_tokens,
       COALESCE(SUM(output_tokens), 0) AS output_tokens,
       COUNT(*) FILTER (WHERE late) AS late_events,
       MIN(ts) AS first_cost_at,
       MAX(ts) AS last_cost_at
FROM cost_events
GROUP BY agent_id, CAST(ts AS DATE);
