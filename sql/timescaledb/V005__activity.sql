-- The activity job's history: every DeFi protocol yield an agent observed (a hypertable, like
-- the treasury's), and each memory with its current recall count, which BigQuery's
-- memory_formations (append-only rows) cannot keep current. Idempotent; statements after a line
-- "-- @timescaledb" run only where the TimescaleDB extension exists.

-- One row per protocol, observing agent and observation time (event time); apy in percent.
-- A hypertable's unique key must hold its time column.
CREATE TABLE IF NOT EXISTS protocol_yields (
    protocol VARCHAR(128)     NOT NULL,
    ts       TIMESTAMPTZ      NOT NULL,
    agent_id VARCHAR(128)     NOT NULL,
    event_id VARCHAR(256)     NOT NULL,
    chain    VARCHAR(64),
    pool     VARCHAR(64),
    apy      DOUBLE PRECISION NOT NULL,
    tvl_usd  DOUBLE PRECISION,
    PRIMARY KEY (protocol, agent_id, ts)
);

-- @timescaledb
SELECT create_hypertable('protocol_yields', 'ts', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS idx_protocol_yields_protocol_ts ON protocol_yields (protocol, ts DESC);

-- One row per memory: its formation and how often (and when last) it was recalled.
CREATE TABLE IF NOT EXISTS agent_memories (
    memory_id      VARCHAR(128)     PRIMARY KEY,
    agent_id       VARCHAR(128)     NOT NULL,
    formed_at      TIMESTAMPTZ      NOT NULL,
    category       VARCHAR(64)      NOT NULL,
    importance     DOUBLE PRECISION,
    formation_cost DOUBLE PRECISION,
    recall_count   BIGINT           NOT NULL,
    last_recalled  TIMESTAMPTZ
);

CREATE INDEX IF NOT EXISTS idx_agent_memories_agent ON agent_memories (agent_id, formed_at DESC);
