-- The treasury job's history (seeds 003-004 patterns): snapshots of each agent's treasury,
-- every priced cost, and the per-step metrics as a narrow time series. Idempotent; statements
-- after a line "-- @timescaledb" run only where the TimescaleDB extension exists.
-- Numbers are DOUBLE PRECISION (the job computes in doubles); NULL means unknown.

-- A row per agent and day close, plus one per step with a transition of the emotional state,
-- the survival mode or the cost-saving mode. ts is the step's event time (a day closes at its
-- last millisecond); a hypertable's unique key must hold its time column.
CREATE TABLE IF NOT EXISTS treasury_snapshots (
    agent_id                VARCHAR(128)     NOT NULL,
    ts                      TIMESTAMPTZ      NOT NULL,
    snapshot_type           VARCHAR(16)      NOT NULL,
    day                     DATE             NOT NULL,
    balance_usd             DOUBLE PRECISION,
    daily_cost_usd          DOUBLE PRECISION NOT NULL,
    daily_burn_rate         DOUBLE PRECISION,
    days_until_bankruptcy   DOUBLE PRECISION,
    emotional_state         VARCHAR(16)      NOT NULL,
    confidence_level        DOUBLE PRECISION NOT NULL,
    risk_tolerance          DOUBLE PRECISION NOT NULL,
    survival_mode_active    BOOLEAN          NOT NULL,
    cost_saving_mode_active BOOLEAN          NOT NULL,
    market_crash_override   BOOLEAN          NOT NULL,
    trigger                 VARCHAR(400),
    transitions             TEXT,
    sequence                BIGINT           NOT NULL,
    PRIMARY KEY (agent_id, snapshot_type, ts)
);

-- @timescaledb
SELECT create_hypertable('treasury_snapshots', 'ts', chunk_time_interval => INTERVAL '7 days', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS idx_treasury_snapshots_agent_ts ON treasury_snapshots (agent_id, ts DESC);
CREATE INDEX IF NOT EXISTS idx_treasury_snapshots_state_ts ON treasury_snapshots (emotional_state, ts DESC);

-- Every cost applied, priced, with its day's running total (NULL for a late cost of a day no
-- longer kept).
CREATE TABLE IF NOT EXISTS cost_events (
    agent_id      VARCHAR(128)     NOT NULL,
    event_id      VARCHAR(256)     NOT NULL,
    ts            TIMESTAMPTZ      NOT NULL,
    cost_type     VARCHAR(64)      NOT NULL,
    operation     VARCHAR(64),
    model         VARCHAR(128),
    input_tokens  BIGINT,
    output_tokens BIGINT,
    amount        DOUBLE PRECISION NOT NULL,
    daily_total   DOUBLE PRECISION,
    late          BOOLEAN          NOT NULL DEFAULT FALSE,
    PRIMARY KEY (agent_id, event_id, ts)
);

-- @timescaledb
SELECT create_hypertable('cost_events', 'ts', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS idx_cost_events_agent_ts ON cost_events (agent_id, ts DESC);
CREATE INDEX IF NOT EXISTS idx_cost_events_type_ts ON cost_events (cost_type, ts DESC);

-- One value per agent, metric and step (seed 004's narrow metrics table): balance_usd,
-- daily_cost_usd, daily_burn_rate, days_until_bankruptcy, emotional_state (0 stable,
-- 1 cautious, 2 desperate), survival_mode_active and cost_saving_mode_active (0/1). Unknown
-- values are not written. labels: emotional_state, snapshot_type, trigger.
CREATE TABLE IF NOT EXISTS agent_metrics (
    agent_id    VARCHAR(128)     NOT NULL,
    metric_name VARCHAR(64)      NOT NULL,
    ts          TIMESTAMPTZ      NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    labels      JSONB            NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (agent_id, metric_name, ts)
);

-- @timescaledb
SELECT create_hypertable('agent_metrics', 'ts', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS idx_agent_metrics_agent_id_ts ON agent_metrics (agent_id, ts DESC);
CREATE INDEX IF NOT EXISTS idx_agent_metrics_name_ts ON agent_metrics (metric_name, ts DESC);
