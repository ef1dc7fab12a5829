-- Weekly trend analysis (seed 001): daily_performance rolled up to ISO weeks (Monday to Sunday,
-- UTC) per agent, with the change against the agent's previous week.
CREATE OR REPLACE VIEW athena_agent.weekly_performance AS
WITH weeks AS (
  SELECT
    DATE_TRUNC(date, WEEK(MONDAY)) AS week_start,
    agent_id,
    COUNT(*) AS active_days,
    ANY_VALUE(opening_balance_usd HAVING MIN date) AS opening_balance_usd,
    ANY_VALUE(closing_balance_usd HAVING MAX date) AS closing_balance_usd,
    MIN(min_balance_usd) AS min_balance_usd,
    SUM(total_cost_usd) AS total_cost_usd,
    SUM(llm_cost_usd) AS llm_cost_usd,
    SUM(api_cost_usd) AS api_cost_usd,
    SUM(operations_count) AS operations_count,
    SUM(decisions_made) AS decisions_made,
    SUM(successful_decisions) AS successful_decisions,
    SUM(decisions_with_outcome) AS decisions_with_outcome,
    SUM(memories_formed) AS memories_formed,
    COUNTIF(survival_mode_active) AS survival_mode_days,
    ANY_VALUE(closing_emotional_state HAVING MAX date) AS closing_emotional_state,
    ANY_VALUE(days_until_bankruptcy HAVING MAX date) AS days_until_bankruptcy
  FROM athena_agent.daily_performance
  GROUP BY week_start, agent_id
)
SELECT
  week_start,
  agent_id,
  active_days,
  opening_balance_usd,
  closing_balance_usd,
  closing_balance_usd - opening_balance_usd AS balance_change_usd,
  min_balance_usd,
  total_cost_usd,
  llm_cost_usd,
  api_cost_usd,
  SAFE_DIVIDE(total_cost_usd, active_days) AS avg_daily_cost_usd,
  operations_count,
  decisions_made,
  SAFE_DIVIDE(successful_decisions, decisions_with_outcome) AS success_rate,
  memories_formed,
  survival_mode_days,
  closing_emotional_state,
  days_until_bankruptcy,
  total_cost_usd - LAG(total_cost_usd) OVER agent_weeks AS cost_change_vs_previous_week_usd,
  SAFE_DIVIDE(
    total_cost_usd - LAG(total_cost_usd) OVER agent_weeks,
    LAG(total_cost_usd) OVER agent_weeks
  ) AS cost_growth_vs_previous_week,
  closing_balance_usd - LAG(closing_balance_usd) OVER agent_weeks AS balance_change_vs_previous_week_usd
FROM weeks
WINDOW agent_weeks AS (PARTITION BY agent_id ORDER BY week_start);
