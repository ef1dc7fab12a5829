-- Closed OHLCV bars per symbol and timeframe with the indicators as of each bar's close
-- (the seed's market_data columns plus timeframe). Indicators are DOUBLE PRECISION, not
-- DECIMAL(20,8): they must round-trip TA-Lib-exact values at full double precision.
-- ts is the bar's open time; a hypertable's unique key must hold its time column.
CREATE TABLE IF NOT EXISTS market_data (
    symbol            VARCHAR(32)      NOT NULL,
    timeframe         VARCHAR(8)       NOT NULL,
    ts                TIMESTAMPTZ      NOT NULL,
    open              DOUBLE PRECISION NOT NULL,
    high              DOUBLE PRECISION NOT NULL,
    low               DOUBLE PRECISION NOT NULL,
    close             DOUBLE PRECISION NOT NULL,
    volume            DOUBLE PRECISION NOT NULL,
    trade_count       BIGINT           NOT NULL,
    ema_9             DOUBLE PRECISION,
    ema_21            DOUBLE PRECISION,
    ema_50            DOUBLE PRECISION,
    ema_200           DOUBLE PRECISION,
    rsi_14            DOUBLE PRECISION,
    macd              DOUBLE PRECISION,
    macd_signal       DOUBLE PRECISION,
    macd_histogram    DOUBLE PRECISION,
    bb_upper          DOUBLE PRECISION,
    bb_middle         DOUBLE PRECISION,
    bb_lower          DOUBLE PRECISION,
    atr_14            DOUBLE PRECISION,
    trend_direction   VARCHAR(10),
    volatility_regime VARCHAR(20),
    source            VARCHAR(50),
    created_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, ts)
);

-- @timescaledb
SELECT create_hypertable('market_data', 'ts', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);

CREATE INDEX IF NOT EXISTS idx_market_data_symbol_ts ON market_data (symbol, ts DESC);
CREATE INDEX IF NOT EXISTS idx_market_data_ts_symbol ON market_data (ts DESC, symbol);
CREATE INDEX IF NOT EXISTS idx_market_data_symbol_trend ON market_data (symbol, trend_direction, ts DESC);
