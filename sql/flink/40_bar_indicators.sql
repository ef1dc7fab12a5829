-- The bars of trade_bars with TA-Lib-exact indicators, computed in SQL by the functions of
-- init.sql, which run the market job's own indicator classes: on the same bars they give the
-- job's values bit for bit (EMA 9/21/50/200, RSI 14, Bollinger 20/2; NULL while warming up).
--   SELECT * FROM bar_indicators WHERE symbol = 'BTC/USD' AND timeframe = '1h';
--
-- Each indicator runs over all earlier bars of its symbol and timeframe in event-time order
-- (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW): TA-Lib's definitions seed from the first
-- bars and carry the whole history, so a window of the last n rows would not give TA-Lib's
-- values, and the functions refuse one. Other periods are one call away: EMA(`close`, 12) OVER w.
-- The indicators start from the first bar this query sees: with 'scan.startup.mode' =
-- 'earliest-offset' that is the oldest trade kept in the topic, which is where the job started
-- too when it read the topic from the beginning.

CREATE TEMPORARY VIEW bar_indicators AS
SELECT symbol, timeframe, ts, `open`, high, low, `close`, volume, trade_count,
       EMA(`close`, 9) OVER w AS ema_9,
       EMA(`close`, 21) OVER w AS ema_21,
       EMA(`close`, 50) OVER w AS ema_50,
       EMA(`close`, 200) OVER w AS ema_200,
       RSI(`close`, 14) OVER w AS rsi_14,
       BB_UPPER(`close`, 20, 2.0) OVER w AS bb_upper,
       BB_MIDDLE(`close`, 20, 2.0) OVER w AS bb_middle,
       BB_LOWER(`close`, 20, 2.0) OVER w AS bb_lower,
       bar_time
FROM trade_bars
WINDOW w AS (
    PARTITION BY symbol, timeframe
    ORDER BY bar_time
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
