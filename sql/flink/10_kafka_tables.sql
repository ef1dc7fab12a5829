-- The Kafka topics as tables: JSON values, event time from the payload, watermarks.
-- Placeholders ${...} are filled in from the environment by bin/sql (README "Flink SQL"); a topic
-- name can be changed the same way, e.g. TRADES_TOPIC=my.trades bin/sql.
-- Records that are not JSON objects of the right types are skipped ('json.ignore-parse-errors'):
-- keeping dead letters is the jobs' work, not an analyst session's.
-- TEMPORARY: the tables live in the session, so no catalog ever stores their options.

-- market.trades (key = symbol): symbol, ts (epoch millis or ISO-8601 UTC), price, size,
-- trade_id?, source?. ts is read as a STRING whatever JSON type it was sent as, and
-- PARSE_EVENT_TIME applies the market job's rules to it. A trade whose time the job would refuse
-- gets 1970 here: it never moves the watermark (a rowtime must not be NULL), and the bar views
-- filter it out with the job's other rules.
CREATE TEMPORARY TABLE trades (
    symbol          STRING,
    ts              STRING,
    price           DOUBLE,
    size            DOUBLE,
    trade_id        STRING,
    source          STRING,
    event_time      AS COALESCE(PARSE_EVENT_TIME(ts), TO_TIMESTAMP_LTZ(0, 3)),
    -- Arrival order within a partition, for checking what came late.
    kafka_partition INT METADATA FROM 'partition' VIRTUAL,
    kafka_offset    BIGINT METADATA FROM 'offset' VIRTUAL,
    -- The market job's market.watermark.out-of-orderness: a trade up to 5 s late still counts.
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = '${TRADES_TOPIC:-market.trades}',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);

-- treasury.events (key = agent_id): the agents' balance reports, deposits and withdrawals:
-- event_id, agent_id, timestamp, type (balance | deposit | withdrawal), balance_usd and
-- daily_burn_rate (balance), amount (deposit, withdrawal). Costs do not come through Kafka: they
-- arrive on Pub/Sub, which Flink SQL cannot read; see cost_events in 20_jdbc_tables.sql.
CREATE TEMPORARY TABLE treasury_events (
    event_id        STRING,
    agent_id        STRING,
    `timestamp`     STRING,
    type            STRING,
    balance_usd     DOUBLE,
    daily_burn_rate DOUBLE,
    amount          DOUBLE,
    event_time      AS COALESCE(PARSE_EVENT_TIME(`timestamp`), TO_TIMESTAMP_LTZ(0, 3)),
    -- The treasury job's treasury.watermark.out-of-orderness.
    WATERMARK FOR event_time AS event_time - INTERVAL '1' MINUTE
) WITH (
    'connector' = 'kafka',
    'topic' = '${TREASURY_EVENTS_TOPIC:-treasury.events}',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);

-- agent.transitions (key = agent_id): every change of an agent's emotional state, survival mode
-- or cost-saving mode, written by the treasury job with the numbers that caused it. At least once:
-- a restart of the job may repeat a transition (same transition_id). read_committed, so that the
-- records of the job's exactly-once mode show only once their checkpoint completed.
CREATE TEMPORARY TABLE agent_transitions (
    transition_id         STRING,
    agent_id              STRING,
    `timestamp`           STRING,
    event_time            BIGINT,
    transition_type       STRING,
    event                 STRING,
    `from`                STRING,
    `to`                  STRING,
    reason                STRING,
    `trigger`             STRING,
    balance_usd           DOUBLE,
    days_until_bankruptcy DOUBLE,
    daily_burn_rate       DOUBLE,
    daily_cost_usd        DOUBLE,
    emotional_state       STRING,
    survival_mode_active  BOOLEAN,
    transition_time       AS TO_TIMESTAMP_LTZ(COALESCE(event_time, 0), 3),
    WATERMARK FOR transition_time AS transition_time - INTERVAL '1' MINUTE
) WITH (
    'connector' = 'kafka',
    'topic' = '${TRANSITIONS_TOPIC:-agent.transitions}',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);
