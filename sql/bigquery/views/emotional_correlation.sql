-- Emotional state insights (seed 001), one row per agent and emotional state: seed 001's
-- "emotional state correlation with market conditions" query (average balance and risk
-- tolerance per state) with the market each snapshot saw (the market snapshots of the same UTC
-- hour, averaged), the decisions taken in that state and how they turned out, and, per agent over
-- all states, the Pearson correlation of confidence and risk tolerance with fear & greed and
-- with BTC's 24 h change.
CREATE OR REPLACE VIEW athena_agent.emotional_correlation AS
WITH market_hours AS (
  SELECT
    TIMESTAMP_TRUNC(timestamp, HOUR) AS hour,
    AVG(btc_24h_change) AS btc_24h_change,
    AVG(eth_24h_change) AS eth_24h_change,
    AVG(fear_greed_index) AS fear_greed_index
  FROM athena_agent.market_data
  GROUP BY hour
),
snapshots AS (
  SELECT
    t.agent_id,
    t.emotional_state,
    t.balance_usd,
    t.days_until_bankruptcy,
    t.confidence_level,
    t.risk_tolerance,
    t.survival_mode_active,
    m.btc_24h_change,
    m.eth_24h_change,
    m.fear_greed_index
  FROM athena_agent.treasury_snapshots AS t
  LEFT JOIN market_hours AS m
    ON m.hour = TIMESTAMP_TRUNC(t.timestamp, HOUR)
  WHERE t.emotional_state IS NOT NULL
),
state_metrics AS (
  SELECT
    agent_id,
    emotional_state,
    COUNT(*) AS snapshots,
    AVG(balance_usd) AS avg_balance,
    AVG(risk_tolerance) AS avg_risk_tolerance,
    AVG(confidence_level) AS avg_confidence_level,
    AVG(days_until_bankruptcy) AS avg_days_until_bankruptcy,
    COUNTIF(survival_mode_active) AS survival_mode_snapshots,
    AVG(btc_24h_change) AS avg_btc_24h_change,
    AVG(eth_24h_change) AS avg_eth_24h_change,
    AVG(fear_greed_index) AS avg_fear_greed_index
  FROM snapshots
  GROUP BY agent_id, emotional_state
),
agent_correlations AS (
  SELECT
    agent_id,
    CORR(confidence_level, fear_greed_index) AS corr_confidence_fear_greed,
    CORR(risk_tolerance, fear_greed_index) AS corr_risk_tolerance_fear_greed,
    CORR(confidence_level, btc_24h_change) AS corr_confidence_btc_24h_change,
    CORR(risk_tolerance, btc_24h_change) AS corr_risk_tolerance_btc_24h_change
  FROM snapshots
  GROUP BY agent_id
),
state_decisions AS (
  SELECT
    agent_id,
    emotional_state,
    COUNT(*) AS decisions_made,
    AVG(confidence) AS avg_decision_confidence,
    SAFE_DIVIDE(COUNTIF(outcome = 'success'), COUNTIF(outcome IS NOT NULL)) AS success_rate
  FROM athena_agent.agent_decisions
  WHERE emotional_state IS NOT NULL
  GROUP BY agent_id, emotional_state
)
SELECT
  agent_id,
  emotional_state,
  s.snapshots,
  s.avg_balance,
  s.avg_risk_tolerance,
  s.avg_confidence_level,
  s.avg_days_until_bankruptcy,
  s.survival_mode_snapshots,
  s.avg_btc_24h_change,
  s.avg_eth_24h_change,
  s.avg_fear_greed_index,
  IFNULL(d.decisions_made, 0) AS decisions_made,
  d.avg_decision_confidence,
  d.success_rate,
  c.corr_confidence_fear_greed,
  c.corr_risk_tolerance_fear_greed,
  c.corr_confidence_btc_24h_change,
  c.corr_risk_tolerance_btc_24h_change
FROM state_metrics AS s
LEFT JOIN state_decisions AS d USING (agent_id, emotional_state)
LEFT JOIN agent_correlations AS c USING (agent_id);
