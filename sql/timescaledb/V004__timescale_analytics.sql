-- Analytics on top of the jobs' hypertables (seed 003's storage layer, seed 004's query
-- patterns, seed 005's metrics hypertable): indexes, the 5m/15m/1h continuous aggregates of the
-- 1m bars, and the refresh, compression and retention policies.
--
-- Idempotent and safe to apply twice: IF NOT EXISTS, if_not_exists => TRUE, and DO blocks that
-- look in the catalog where TimescaleDB has no IF NOT EXISTS. Statements after a line
-- "-- @timescaledb" run only where the TimescaleDB extension exists; everything else also runs
-- on plain PostgreSQL 15 (the throughput tests), so there is one copy of the schema.

-- ---------------------------------------------------------------------------------------------
-- One-day chunks for every hypertable the jobs write (issue 5). V003 made treasury_snapshots
-- weekly; this changes the interval of chunks created from now on (existing chunks keep theirs).

-- @timescaledb
SELECT set_chunk_time_interval('treasury_snapshots', INTERVAL '1 day');

-- ---------------------------------------------------------------------------------------------
-- Indexes for the query patterns not yet covered by V002/V003 (the seeds' (symbol, time DESC),
-- (time DESC, symbol), (symbol, trend, time DESC), (agent_id, time DESC) and (metric_name,
-- time DESC) exist there; market_data's key (symbol, timeframe, ts) serves "one symbol and
-- timeframe over a time range", the backtesting query).

-- Label filters on the narrow metrics table, e.g. labels @> '{"emotional_state": "desperate"}'
-- (seed 005's metrics hypertable indexes its labels with GIN).
CREATE INDEX IF NOT EXISTS idx_agent_metrics_labels ON agent_metrics USING GIN (labels);

-- "What did source X dead-letter in the last hour": the key leads with origin after source.
CREATE INDEX IF NOT EXISTS idx_dead_letters_source_received_at ON dead_letters (source, received_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Continuous aggregates: OHLCV of 5m, 15m and 1h rolled up from the 1m bars with first/last by
-- bar time (not by arrival), max, min and sum. The indicators are NOT rolled up: an average of
-- EMAs is not the EMA of the longer bars, so the job computes indicators per timeframe and writes
-- them to market_data (timeframe '5m', '15m', '1h'). These views are OHLCV only, for fast
-- multi-timeframe charts and checks of the job's own bars. bar_count is the number of 1m bars in
-- the bucket (5 for a complete 5m bucket with trades every minute).
-- Real-time (materialized_only = false): buckets after the last refresh are computed from the
-- raw rows at query time, so an analyst always sees the newest bars.
-- Columns: bucket (open time), symbol, open, high, low, close, volume, trade_count, bar_count.
-- TimescaleDB indexes each on (symbol, bucket DESC) by itself.

-- @timescaledb
CREATE MATERIALIZED VIEW IF NOT EXISTS market_data_5m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '5 minutes', ts) AS bucket,
       symbol,
       first(open, ts)            AS open,
       max(high)                  AS high,
       min(low)                   AS low,
       last(close, ts)            AS close,
       sum(volume)                AS volume,
       sum(trade_count)::BIGINT   AS trade_count,
       count(*)                   AS bar_count
FROM market_data
WHERE timeframe = '1m'
GROUP BY time_bucket(INTERVAL '5 minutes', ts), symbol
WITH NO DATA;

-- @timescaledb
CREATE MATERIALIZED VIEW IF NOT EXISTS market_data_15m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '15 minutes', ts) AS bucket,
       symbol,
       first(open, ts)            AS open,
       max(high)                  AS high,
       min(low)                   AS low,
       last(close, ts)            AS close,
       sum(volume)                AS volume,
       sum(trade_count)::BIGINT   AS trade_count,
       count(*)                   AS bar_count
FROM market_data
WHERE timeframe = '1m'
GROUP BY time_bucket(INTERVAL '15 minutes', ts), symbol
WITH NO DATA;

-- @timescaledb
CREATE MATERIALIZED VIEW IF NOT EXISTS market_data_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', ts) AS bucket,
       symbol,
       first(open, ts)            AS open,
       max(high)                  AS high,
       min(low)                   AS low,
       last(close, ts)            AS close,
       sum(volume)                AS volume,
       sum(trade_count)::BIGINT   AS trade_count,
       count(*)                   AS bar_count
FROM market_data
WHERE timeframe = '1m'
GROUP BY time_bucket(INTERVAL '1 hour', ts), symbol
WITH NO DATA;

-- Refresh policies: every bucket width, the last 3 days up to one bucket ago (a bucket is
-- materialized once closed; the newest one comes from the real-time part). 3 days stays inside
-- the uncompressed week and far inside the 30 days of 1m bars: refreshing a range whose 1m bars
-- retention already deleted would empty the aggregate there. After a backfill older than 3 days,
-- refresh by hand within the last 30 days:
--   CALL refresh_continuous_aggregate('market_data_1h', '2024-01-01', '2024-01-08');

-- @timescaledb
SELECT add_continuous_aggregate_policy('market_data_5m',
    start_offset => INTERVAL '3 days', end_offset => INTERVAL '5 minutes',
    schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE);

-- @timescaledb
SELECT add_continuous_aggregate_policy('market_data_15m',
    start_offset => INTERVAL '3 days', end_offset => INTERVAL '15 minutes',
    schedule_interval => INTERVAL '15 minutes', if_not_exists => TRUE);

-- @timescaledb
SELECT add_continuous_aggregate_policy('market_data_1h',
    start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);

-- ---------------------------------------------------------------------------------------------
-- Compression (seed 003: after 7 days, segment by symbol; here by symbol and timeframe, the
-- leading columns of every market_data query, newest first inside a segment). The job's upserts
-- still land in compressed chunks (a backfill or replay of old bars), only slower.
-- The DO block keeps a second apply from touching settings already in place.

-- @timescaledb
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                   WHERE hypertable_schema = current_schema() AND hypertable_name = 'market_data'
                     AND compression_enabled) THEN
        ALTER TABLE market_data SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = 'symbol, timeframe',
            timescaledb.compress_orderby = 'ts DESC');
    END IF;
END
$$;

-- @timescaledb
SELECT add_compression_policy('market_data', INTERVAL '7 days', if_not_exists => TRUE);

-- The treasury job's narrow metrics (seed 005's metrics hypertable: compressed after 7 days).

-- @timescaledb
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                   WHERE hypertable_schema = current_schema() AND hypertable_name = 'agent_metrics'
                     AND compression_enabled) THEN
        ALTER TABLE agent_metrics SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = 'agent_id, metric_name',
            timescaledb.compress_orderby = 'ts DESC');
    END IF;
END
$$;

-- @timescaledb
SELECT add_compression_policy('agent_metrics', INTERVAL '7 days', if_not_exists => TRUE);

-- ---------------------------------------------------------------------------------------------
-- Retention (seed 003): 1m bars 30 days, 5m 90 days, 15m 180 days, 1h 365 days, 1d 7 years.
-- market_data holds every timeframe in the same chunks, so dropping chunks can only enforce the
-- longest horizon; the shorter ones are a daily job that deletes each timeframe's rows past its
-- horizon. The horizons live in the job's config (timescaledb_information.jobs), changeable with
-- alter_job. The procedure also exists on plain PostgreSQL, to be called by hand there:
--   CALL market_data_retention(NULL, '{"keep": {"1m": "30 days", "1d": "2555 days"}}');
CREATE OR REPLACE PROCEDURE market_data_retention(job_id INTEGER, config JSONB)
LANGUAGE plpgsql AS $$
DECLARE
    horizon RECORD;
    deleted BIGINT;
BEGIN
    IF config IS NULL OR jsonb_typeof(config -> 'keep') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'market_data_retention: config needs "keep": {"<timeframe>": "<interval>"}, got %', config;
    END IF;
    FOR horizon IN
        SELECT key AS timeframe, value::INTERVAL AS keep_for FROM jsonb_each_text(config -> 'keep')
    LOOP
        DELETE FROM market_data WHERE timeframe = horizon.timeframe AND ts < now() - horizon.keep_for;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        RAISE LOG 'market_data_retention: % rows of % older than % deleted',
            deleted, horizon.timeframe, horizon.keep_for;
    END LOOP;
END
$$;

-- @timescaledb
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.jobs
                   WHERE proc_schema = current_schema() AND proc_name = 'market_data_retention') THEN
        PERFORM add_job('market_data_retention', INTERVAL '1 day',
            config => '{"keep": {"1m": "30 days", "5m": "90 days", "15m": "180 days", "1h": "365 days", "1d": "2555 days"}}');
    END IF;
END
$$;

-- The longest horizon (1d bars, 7 years = 2555 days as in seed 003) as a chunk drop: cheap, and
-- never removes a row the per-timeframe job would keep.

-- @timescaledb
SELECT add_retention_policy('market_data', INTERVAL '2555 days', if_not_exists => TRUE);

-- The aggregates keep their timeframe's horizon.

-- @timescaledb
SELECT add_retention_policy('market_data_5m', INTERVAL '90 days', if_not_exists => TRUE);

-- @timescaledb
SELECT add_retention_policy('market_data_15m', INTERVAL '180 days', if_not_exists => TRUE);

-- @timescaledb
SELECT add_retention_policy('market_data_1h', INTERVAL '365 days', if_not_exists => TRUE);

-- Seed 004: agent metrics are kept 30 days (treasury_snapshots keep the full history).

-- @timescaledb
SELECT add_retention_policy('agent_metrics', INTERVAL '30 days', if_not_exists => TRUE);
