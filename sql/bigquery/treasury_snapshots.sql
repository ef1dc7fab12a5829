-- Historical treasury states, exactly seed 001's treasury_snapshots table: written by the treasury
-- job (TreasuryRows.Snapshots), one row per agent and day close plus one per step with a
-- transition. significant_events holds snapshot_type, day, daily_costs, cost_count, trigger,
-- transitions, cost_saving_mode_active and market_crash_override.
CREATE TABLE IF NOT EXISTS athena_agent.treasury_snapshots (
  timestamp TIMESTAMP NOT NULL,
  agent_id STRING NOT NULL,
  balance_usd FLOAT64 NOT NULL,
  daily_burn_rate FLOAT64,
  days_until_bankruptcy FLOAT64,
  emotional_state STRING,
  confidence_level FLOAT64,
  risk_tolerance FLOAT64,
  survival_mode_active BOOL,
  significant_events JSON
)
PARTITION BY DATE(timestamp)
CLUSTER BY emotional_state;
