-- Session settings and functions for Athena's Flink SQL. bin/sql (and the compose SQL client)
-- loads this file first, then every other file of sql/flink in name order, as the SQL client's
-- init script: tables (10_, 20_), then views (30_ and up). Run a query with SELECT * FROM <view>.
--
-- The ${...} placeholders of the other files are filled in from the environment before the client
-- reads them (Flink SQL has no variables, and passwords stay out of files); see README "Flink SQL".

-- Day windows, CAST(... AS DATE) and the display of TIMESTAMP_LTZ values follow the session's
-- time zone, and the jobs cut days in UTC.
SET 'table.local-time-zone' = 'UTC';

-- A Kafka partition without records for this long stops holding the watermark back, so the
-- windows of the other partitions still close (the market job's market.watermark.idleness).
SET 'table.exec.source.idle-timeout' = '30 s';

-- Aggregate in one phase: by default Flink pre-aggregates windows in chunks before the shuffle
-- (two phases), which adds a bar's volumes in another grouping than the market job, one trade
-- after the other, and changes the last bit of SUM(size). One phase gives the job's bars exactly.
SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';

-- The cluster refuses operators without a uid (pipeline.auto-generate-uids: false, so that a
-- savepoint always finds its state); the planner names every operator it creates.
SET 'table.exec.uid.generation' = 'ALWAYS';

-- The name the jobs of this session get in the Web UI; SET another before a long-running INSERT.
SET 'pipeline.name' = 'athena-sql';

-- The project's functions, from the project jar (bin/sql passes it with -j; compose likewise).
-- TEMPORARY SYSTEM: they live for the session and need no catalog. To register them once for
-- everyone in a persistent catalog instead, load the jar with the function:
--   CREATE FUNCTION EMA AS 'com.athena.jobs.sql.EmaFunction' LANGUAGE JAVA
--     USING JAR 'file:///opt/flink/usrlib/athena-jobs-0.1.0-SNAPSHOT.jar';

-- PARSE_EVENT_TIME(ts STRING): the jobs' event-time rules (epoch millis or ISO-8601 UTC, from
-- 2009 to a day ahead) as TIMESTAMP_LTZ(3); NULL otherwise.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PARSE_EVENT_TIME
    AS 'com.athena.jobs.sql.ParseEventTimeFunction' LANGUAGE JAVA;

-- FIRST_BY_TIME / LAST_BY_TIME(value DOUBLE, time): the value at the smallest / largest time,
-- ties in arrival order: a bar's open and close by event time. Flink's FIRST_VALUE and
-- LAST_VALUE follow arrival order, which out-of-order trades make wrong.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS FIRST_BY_TIME
    AS 'com.athena.jobs.sql.FirstByTimeFunction' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS LAST_BY_TIME
    AS 'com.athena.jobs.sql.LastByTimeFunction' LANGUAGE JAVA;

-- TA-Lib-exact indicators, computed by the market job's own classes, as aggregates for
-- OVER (PARTITION BY ... ORDER BY <event time> ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW):
-- EMA(close, n), RSI(close, n), BB_UPPER / BB_MIDDLE / BB_LOWER(close, n, k). NULL while warming
-- up. They depend on the whole history, so bounded windows (n PRECEDING) are refused.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS EMA
    AS 'com.athena.jobs.sql.EmaFunction' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS RSI
    AS 'com.athena.jobs.sql.RsiFunction' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS BB_UPPER
    AS 'com.athena.jobs.sql.BollingerUpperFunction' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS BB_MIDDLE
    AS 'com.athena.jobs.sql.BollingerMiddleFunction' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS BB_LOWER
    AS 'com.athena.jobs.sql.BollingerLowerFunction' LANGUAGE JAVA;
