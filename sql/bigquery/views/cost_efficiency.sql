-- Cost optimization metrics (seed 001), per agent and UTC day: where the money went (LLM calls,
-- API calls), what an operation and a thousand tokens cost, and what the day bought with it
-- (decisions, successful decisions, memories), against the agent's balance at the day's close.
CREATE OR REPLACE VIEW athena_agent.cost_efficiency AS
WITH costs AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    SUM(amount) AS total_cost_usd,
    SUM(IF(cost_type = 'llm_cost', amount, 0)) AS llm_cost_usd,
    SUM(IF(cost_type = 'api_cost', amount, 0)) AS api_cost_usd,
    COUNT(*) AS operations_count,
    COUNTIF(operation = 'llm_call') AS llm_calls,
    COUNTIF(operation = 'api_call') AS api_calls,
    SUM(IF(operation = 'llm_call', amount, 0)) AS llm_call_cost_usd,
    SUM(input_tokens) AS input_tokens,
    SUM(output_tokens) AS output_tokens
  FROM athena_agent.cost_tracking
  GROUP BY date, agent_id
),
decisions AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    COUNT(*) AS decisions_made,
    COUNTIF(outcome = 'success') AS successful_decisions
  FROM athena_agent.agent_decisions
  GROUP BY date, agent_id
),
memories AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    COUNT(*) AS memories_formed
  FROM athena_agent.memory_formations
  GROUP BY date, agent_id
),
balances AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    ANY_VALUE(balance_usd HAVING MAX timestamp) AS closing_balance_usd
  FROM athena_agent.treasury_snapshots
  GROUP BY date, agent_id
)
SELECT
  c.date,
  c.agent_id,
  c.total_cost_usd,
  c.llm_cost_usd,
  c.api_cost_usd,
  SAFE_DIVIDE(c.llm_cost_usd, c.total_cost_usd) AS llm_cost_share,
  c.operations_count,
  SAFE_DIVIDE(c.total_cost_usd, c.operations_count) AS avg_cost_per_operation_usd,
  c.llm_calls,
  SAFE_DIVIDE(c.llm_call_cost_usd, c.llm_calls) AS avg_cost_per_llm_call_usd,
  c.api_calls,
  c.input_tokens,
  c.output_tokens,
  SAFE_DIVIDE(c.llm_call_cost_usd, (IFNULL(c.input_tokens, 0) + IFNULL(c.output_tokens, 0)) / 1000)
    AS cost_per_1k_tokens_usd,
  IFNULL(d.decisions_made, 0) AS decisions_made,
  SAFE_DIVIDE(c.total_cost_usd, d.decisions_made) AS cost_per_decision_usd,
  IFNULL(d.successful_decisions, 0) AS successful_decisions,
  SAFE_DIVIDE(c.total_cost_usd, d.successful_decisions) AS cost_per_successful_decision_usd,
  IFNULL(m.memories_formed, 0) AS memories_formed,
  b.closing_balance_usd,
  SAFE_DIVIDE(c.total_cost_usd, b.closing_balance_usd) AS cost_share_of_balance
FROM costs AS c
LEFT JOIN decisions AS d USING (date, agent_id)
LEFT JOIN memories AS m USING (date, agent_id)
LEFT JOIN balances AS b USING (date, agent_id);
