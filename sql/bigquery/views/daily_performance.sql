-- Daily operational summary (seed 001), one row per agent and UTC day that has any activity:
-- the treasury at the day's first and last snapshot, what the day cost, the decisions taken and
-- how they turned out, the memories formed, and the day's system metrics.
CREATE OR REPLACE VIEW athena_agent.daily_performance AS
WITH treasury AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    ANY_VALUE(balance_usd HAVING MIN timestamp) AS opening_balance_usd,
    ANY_VALUE(balance_usd HAVING MAX timestamp) AS closing_balance_usd,
    MIN(balance_usd) AS min_balance_usd,
    ANY_VALUE(daily_burn_rate HAVING MAX timestamp) AS daily_burn_rate,
    ANY_VALUE(days_until_bankruptcy HAVING MAX timestamp) AS days_until_bankruptcy,
    ANY_VALUE(emotional_state HAVING MAX timestamp) AS closing_emotional_state,
    AVG(confidence_level) AS avg_confidence_level,
    AVG(risk_tolerance) AS avg_risk_tolerance,
    LOGICAL_OR(survival_mode_active) AS survival_mode_active,
    COUNT(*) AS treasury_snapshots
  FROM athena_agent.treasury_snapshots
  GROUP BY date, agent_id
),
costs AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    SUM(amount) AS total_cost_usd,
    SUM(IF(cost_type = 'llm_cost', amount, 0)) AS llm_cost_usd,
    SUM(IF(cost_type = 'api_cost', amount, 0)) AS api_cost_usd,
    COUNT(*) AS operations_count
  FROM athena_agent.cost_tracking
  GROUP BY date, agent_id
),
decisions AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    COUNT(*) AS decisions_made,
    AVG(confidence) AS avg_decision_confidence,
    COUNTIF(outcome = 'success') AS successful_decisions,
    COUNTIF(outcome IS NOT NULL) AS decisions_with_outcome
  FROM athena_agent.agent_decisions
  GROUP BY date, agent_id
),
memories AS (
  SELECT
    DATE(timestamp) AS date,
    agent_id,
    COUNT(*) AS memories_formed,
    SUM(formation_cost) AS memory_formation_cost_usd
  FROM athena_agent.memory_formations
  GROUP BY date, agent_id
),
system_metrics AS (
  SELECT
    date,
    agent_id,
    ARRAY_AGG(
      STRUCT(metric_name, unit, samples, avg_value, max_value) ORDER BY metric_name
    ) AS system_metrics
  FROM (
    SELECT
      DATE(timestamp) AS date,
      agent_id,
      metric_name,
      ANY_VALUE(unit) AS unit,
      COUNT(*) AS samples,
      AVG(metric_value) AS avg_value,
      MAX(metric_value) AS max_value
    FROM athena_agent.performance_metrics
    GROUP BY date, agent_id, metric_name
  )
  GROUP BY date, agent_id
)
SELECT
  date,
  agent_id,
  t.opening_balance_usd,
  t.closing_balance_usd,
  t.closing_balance_usd - t.opening_balance_usd AS balance_change_usd,
  t.min_balance_usd,
  t.daily_burn_rate,
  t.days_until_bankruptcy,
  t.closing_emotional_state,
  t.avg_confidence_level,
  t.avg_risk_tolerance,
  t.survival_mode_active,
  IFNULL(t.treasury_snapshots, 0) AS treasury_snapshots,
  IFNULL(c.total_cost_usd, 0) AS total_cost_usd,
  IFNULL(c.llm_cost_usd, 0) AS llm_cost_usd,
  IFNULL(c.api_cost_usd, 0) AS api_cost_usd,
  IFNULL(c.operations_count, 0) AS operations_count,
  IFNULL(d.decisions_made, 0) AS decisions_made,
  d.avg_decision_confidence,
  IFNULL(d.successful_decisions, 0) AS successful_decisions,
  IFNULL(d.decisions_with_outcome, 0) AS decisions_with_outcome,
  SAFE_DIVIDE(d.successful_decisions, d.decisions_with_outcome) AS success_rate,
  IFNULL(m.memories_formed, 0) AS memories_formed,
  IFNULL(m.memory_formation_cost_usd, 0) AS memory_formation_cost_usd,
  s.system_metrics
FROM treasury AS t
FULL OUTER JOIN costs AS c USING (date, agent_id)
FULL OUTER JOIN decisions AS d USING (date, agent_id)
FULL OUTER JOIN memories AS m USING (date, agent_id)
FULL OUTER JOIN system_metrics AS s USING (date, agent_id);
