-- Run once by the postgres image's entrypoint on a fresh volume: the same server serves the
-- `athena` database (POSTGRES_DB) and the `timescaledb` database with the extension, as
-- bin/services does on a development machine.
CREATE DATABASE timescaledb OWNER athena;
\connect timescaledb
CREATE EXTENSION IF NOT EXISTS timescaledb;
