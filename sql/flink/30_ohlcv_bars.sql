-- OHLCV bars from the raw trades: one bar per symbol, timeframe (1m, 5m, 15m, 1h, 1d) and
-- event-time interval with at least one trade; the market job's bars, in SQL.
--   SELECT * FROM trade_bars WHERE symbol = 'BTC/USD' AND timeframe = '1m';
--
-- Open and close are by event time, not by arrival: FIRST_BY_TIME / LAST_BY_TIME keep the price
-- of the earliest / latest trade, the first / last to arrive among equal times (exchanges stamp
-- whole seconds). Flink's FIRST_VALUE / LAST_VALUE would take the first and last to arrive.
-- A bar is emitted once the watermark passes its end (5 s after the latest trade's time); a trade
-- that comes after that is late for that bar and left out of it, though the longer bars still
-- open take it (the market job does the same, and dead-letters what it leaves out). A quiet
-- market's last bar closes when a later trade of any symbol moves time on.
-- Columns: symbol, timeframe, ts (the bar's open time, UTC, as in market_data), bar_end,
-- open, high, low, close, volume, trade_count, bar_time (the bar's event time, for OVER windows
-- and further windows on the bars: its last millisecond).

-- The trades the market job accepts (its default limits): anything else is not a trade.
CREATE TEMPORARY VIEW valid_trades AS
SELECT symbol, event_time, price, size
FROM trades
WHERE symbol IS NOT NULL
  AND REGEXP(symbol, '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}$')
  AND event_time > TO_TIMESTAMP_LTZ(0, 3)
  AND price > 0 AND price <= 1.0E7
  AND size > 0 AND size <= 1.0E9;

CREATE TEMPORARY VIEW trade_bars AS
SELECT symbol, '1m' AS timeframe, window_start AS ts, window_end AS bar_end,
       FIRST_BY_TIME(price, event_time) AS `open`, MAX(price) AS high, MIN(price) AS low,
       LAST_BY_TIME(price, event_time) AS `close`, SUM(size) AS volume,
       COUNT(*) AS trade_count, window_time AS bar_time
FROM TABLE(TUMBLE(TABLE valid_trades, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY symbol, window_start, window_end, window_time
UNION ALL
SELECT symbol, '5m', window_start, window_end,
       FIRST_BY_TIME(price, event_time), MAX(price), MIN(price),
       LAST_BY_TIME(price, event_time), SUM(size), COUNT(*), window_time
FROM TABLE(TUMBLE(TABLE valid_trades, DESCRIPTOR(event_time), INTERVAL '5' MINUTE))
GROUP BY symbol, window_start, window_end, window_time
UNION ALL
SELECT symbol, '15m', window_start, window_end,
       FIRST_BY_TIME(price, event_time), MAX(price), MIN(price),
       LAST_BY_TIME(price, event_time), SUM(size), COUNT(*), window_time
FROM TABLE(TUMBLE(TABLE valid_trades, DESCRIPTOR(event_time), INTERVAL '15' MINUTE))
GROUP BY symbol, window_start, window_end, window_time
UNION ALL
SELECT symbol, '1h', window_start, window_end,
       FIRST_BY_TIME(price, event_time), MAX(price), MIN(price),
       LAST_BY_TIME(price, event_time), SUM(size), COUNT(*), window_time
FROM TABLE(TUMBLE(TABLE valid_trades, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY symbol, window_start, window_end, window_time
UNION ALL
-- Days start at midnight UTC because init.sql sets the session's time zone to UTC.
SELECT symbol, '1d', window_start, window_end,
       FIRST_BY_TIME(price, event_time), MAX(price), MIN(price),
       LAST_BY_TIME(price, event_time), SUM(size), COUNT(*), window_time
FROM TABLE(TUMBLE(TABLE valid_trades, DESCRIPTOR(event_time), INTERVAL '1' DAY))
GROUP BY symbol, window_start, window_end, window_time;
