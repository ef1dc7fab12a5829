-- Raw trades as the ingest pipeline stores them, and the dead letters of every job.
-- Statements after a line "-- @timescaledb" run only in a database that has the TimescaleDB
-- extension (CREATE EXTENSION timescaledb, run by a superuser: bin/services and the compose init
-- script do); the same file then also serves a plain PostgreSQL 15 database.

-- @timescaledb
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE IF NOT EXISTS trades (
    symbol      VARCHAR(32)      NOT NULL,
    ts          TIMESTAMPTZ      NOT NULL,
    trade_id    VARCHAR(128)     NOT NULL,
    price       DOUBLE PRECISION NOT NULL,
    size        DOUBLE PRECISION NOT NULL,
    source      VARCHAR(64),
    PRIMARY KEY (symbol, trade_id, ts)
);

-- @timescaledb
SELECT create_hypertable('trades', 'ts', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE TABLE IF NOT EXISTS dead_letters (
    source      VARCHAR(64)  NOT NULL,
    origin      VARCHAR(256) NOT NULL,
    received_at TIMESTAMPTZ  NOT NULL,
    reason      TEXT         NOT NULL,
    payload     TEXT,
    PRIMARY KEY (source, origin, received_at)
);

-- @timescaledb
SELECT create_hypertable('dead_letters', 'received_at', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);
