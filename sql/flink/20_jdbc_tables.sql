-- The jobs' PostgreSQL/TimescaleDB tables (sql/timescaledb) as JDBC tables. bin/sql points them
-- at TimescaleDB, where the jobs write (bin/sql --postgres: at PostgreSQL); the password comes
-- from the environment, never from this file.
-- A JDBC table is read with one query when a query starts (a snapshot: Flink SQL gets no change
-- feed from PostgreSQL without the CDC connector); written with upserts on its PRIMARY KEY,
-- the table's own key (INSERT ... ON CONFLICT DO UPDATE).
-- TIMESTAMPTZ columns are TIMESTAMP(3) here: flink-connector-jdbc 3.3 has no TIMESTAMP_LTZ and
-- reads them in the JVM's time zone, so Flink must run in UTC (bin/sql and the images do).
-- 'scan.fetch-size' with auto-commit off makes PostgreSQL stream large tables through a cursor
-- instead of loading them whole into memory.

-- One row per closed bar and timeframe with its indicators (written by the market job).
CREATE TEMPORARY TABLE market_data (
    symbol            STRING,
    timeframe         STRING,
    ts                TIMESTAMP(3),
    `open`            DOUBLE,
    high              DOUBLE,
    low               DOUBLE,
    `close`           DOUBLE,
    volume            DOUBLE,
    trade_count       BIGINT,
    ema_9             DOUBLE,
    ema_21            DOUBLE,
    ema_50            DOUBLE,
    ema_200           DOUBLE,
    rsi_14            DOUBLE,
    macd              DOUBLE,
    macd_signal       DOUBLE,
    macd_histogram    DOUBLE,
    bb_upper          DOUBLE,
    bb_middle         DOUBLE,
    bb_lower          DOUBLE,
    atr_14            DOUBLE,
    trend_direction   STRING,
    volatility_regime STRING,
    source            STRING,
    PRIMARY KEY (symbol, timeframe, ts) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'username' = '${JDBC_USER}',
    'password' = '${JDBC_PASSWORD}',
    'table-name' = 'market_data',
    'scan.fetch-size' = '1000',
    'scan.auto-commit' = 'false'
);

-- What every job could not use, with the reason and the raw payload.
CREATE TEMPORARY TABLE dead_letters (
    source      STRING,
    origin      STRING,
    received_at TIMESTAMP(3),
    reason      STRING,
    payload     STRING,
    PRIMARY KEY (source, origin, received_at) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'username' = '${JDBC_USER}',
    'password' = '${JDBC_PASSWORD}',
    'table-name' = 'dead_letters'
);

-- Every cost the treasury job applied, priced (written by the treasury job from the Pub/Sub
-- agent-costs events, which Flink SQL cannot read: this table is where SQL sees the costs).
-- late: arrived after its day had closed; daily_total is then NULL.
CREATE TEMPORARY TABLE cost_events (
    agent_id      STRING,
    event_id      STRING,
    ts            TIMESTAMP(3),
    cost_type     STRING,
    operation     STRING,
    `model`       STRING,
    input_tokens  BIGINT,
    output_tokens BIGINT,
    amount        DOUBLE,
    daily_total   DOUBLE,
    late          BOOLEAN,
    PRIMARY KEY (agent_id, event_id, ts) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'username' = '${JDBC_USER}',
    'password' = '${JDBC_PASSWORD}',
    'table-name' = 'cost_events',
    'scan.fetch-size' = '1000',
    'scan.auto-commit' = 'false'
);

-- The treasury of each agent at every day close and at every step with a transition (written by
-- the treasury job): balance, burn rate, runway, emotional state, survival mode.
CREATE TEMPORARY TABLE treasury_snapshots (
    agent_id                STRING,
    ts                      TIMESTAMP(3),
    snapshot_type           STRING,
    `day`                   DATE,
    balance_usd             DOUBLE,
    daily_cost_usd          DOUBLE,
    daily_burn_rate         DOUBLE,
    days_until_bankruptcy   DOUBLE,
    emotional_state         STRING,
    confidence_level        DOUBLE,
    risk_tolerance          DOUBLE,
    survival_mode_active    BOOLEAN,
    cost_saving_mode_active BOOLEAN,
    market_crash_override   BOOLEAN,
    `trigger`               STRING,
    transitions             STRING,
    `sequence`              BIGINT,
    PRIMARY KEY (agent_id, snapshot_type, ts) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'username' = '${JDBC_USER}',
    'password' = '${JDBC_PASSWORD}',
    'table-name' = 'treasury_snapshots'
);

-- One value per agent, metric and step (seed 004's narrow metrics table): balance_usd,
-- daily_cost_usd, daily_burn_rate, days_until_bankruptcy, emotional_state (0 stable, 1 cautious,
-- 2 desperate), survival_mode_active, cost_saving_mode_active (0/1). The JSONB labels column is
-- left out: flink-connector-jdbc cannot read JSONB (the driver hands it a PGobject).
CREATE TEMPORARY TABLE agent_metrics (
    agent_id    STRING,
    metric_name STRING,
    ts          TIMESTAMP(3),
    `value`     DOUBLE,
    PRIMARY KEY (agent_id, metric_name, ts) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'username' = '${JDBC_USER}',
    'password' = '${JDBC_PASSWORD}',
    'table-name' = 'agent_metrics'
);
