package com.athena.jobs.market;

import com.athena.common.connectors.JdbcEndpoint;
import com.athena.common.connectors.JdbcUpsertSink;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Trade;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;

/** The market job's JDBC sinks: bars with indicators into {@code market_data}, and raw trades. */
public final class MarketJdbcSinks {

    static final String INSERT_TRADE =
            "INSERT INTO trades (symbol, ts, trade_id, price, size, source) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (symbol, trade_id, ts) DO NOTHING";

    /**
     * One execution per batch: parameter 1 is the source, 2 to 24 one array per remaining column
     * ({@link #bindMarketBars}). The arrays are unnested in the select list, where PostgreSQL walks
     * them in lockstep; {@code FROM unnest(a, b, ...)} first materializes each array's rows and
     * measured slower (bench/findings.md). One statement per batch instead of the multi-row {@code
     * VALUES} that {@code reWriteBatchedInserts} makes of per-row parameters; unlike {@code COPY}
     * it upserts, so a replayed batch overwrites its rows instead of failing on the key. The bar's
     * open time travels as epoch milliseconds: exact, and free of the session time zone that the
     * text of a timestamp array would depend on.
     */
    static final String UPSERT_MARKET_DATA =
            "INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close, volume,"
                    + " trade_count, ema_9, ema_21, ema_50, ema_200, rsi_14, macd, macd_signal,"
                    + " macd_histogram, bb_upper, bb_middle, bb_lower, atr_14, trend_direction,"
                    + " volatility_regime, source)"
                    + " SELECT symbol, timeframe, timestamptz 'epoch' + ms * interval '1 millisecond',"
                    + " open, high, low, close, volume, trade_count, ema_9, ema_21, ema_50, ema_200,"
                    + " rsi_14, macd, macd_signal, macd_histogram, bb_upper, bb_middle, bb_lower,"
                    + " atr_14, trend_direction, volatility_regime, source"
                    + " FROM (SELECT CAST(? AS VARCHAR) AS source,"
                    + " unnest(CAST(? AS TEXT[])) AS symbol, unnest(CAST(? AS TEXT[])) AS timeframe,"
                    + " unnest(CAST(? AS BIGINT[])) AS ms, unnest(CAST(? AS FLOAT8[])) AS open,"
                    + " unnest(CAST(? AS FLOAT8[])) AS high, unnest(CAST(? AS FLOAT8[])) AS low,"
                    + " unnest(CAST(? AS FLOAT8[])) AS close, unnest(CAST(? AS FLOAT8[])) AS volume,"
                    + " unnest(CAST(? AS BIGINT[])) AS trade_count,"
                    + " unnest(CAST(? AS FLOAT8[])) AS ema_9, unnest(CAST(? AS FLOAT8[])) AS ema_21,"
                    + " unnest(CAST(? AS FLOAT8[])) AS ema_50, unnest(CAST(? AS FLOAT8[])) AS ema_200,"
                    + " unnest(CAST(? AS FLOAT8[])) AS rsi_14, unnest(CAST(? AS FLOAT8[])) AS macd,"
                    + " unnest(CAST(? AS FLOAT8[])) AS macd_signal,"
                    + " unnest(CAST(? AS FLOAT8[])) AS macd_histogram,"
                    + " unnest(CAST(? AS FLOAT8[])) AS bb_upper,"
                    + " unnest(CAST(? AS FLOAT8[])) AS bb_middle,"
                    + " unnest(CAST(? AS FLOAT8[])) AS bb_lower, unnest(CAST(? AS FLOAT8[])) AS atr_14,"
                    + " unnest(CAST(? AS TEXT[])) AS trend_direction,"
                    + " unnest(CAST(? AS TEXT[])) AS volatility_regime) AS r"
                    + " ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = EXCLUDED.open,"
                    + " high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                    + " volume = EXCLUDED.volume, trade_count = EXCLUDED.trade_count,"
                    + " ema_9 = EXCLUDED.ema_9, ema_21 = EXCLUDED.ema_21, ema_50 = EXCLUDED.ema_50,"
                    + " ema_200 = EXCLUDED.ema_200, rsi_14 = EXCLUDED.rsi_14, macd = EXCLUDED.macd,"
                    + " macd_signal = EXCLUDED.macd_signal, macd_histogram = EXCLUDED.macd_histogram,"
                    + " bb_upper = EXCLUDED.bb_upper, bb_middle = EXCLUDED.bb_middle,"
                    + " bb_lower = EXCLUDED.bb_lower, atr_14 = EXCLUDED.atr_14,"
                    + " trend_direction = EXCLUDED.trend_direction,"
                    + " volatility_regime = EXCLUDED.volatility_regime, source = EXCLUDED.source";

    /** The indicator columns of {@link #UPSERT_MARKET_DATA}, in IndicatorValues.toArray order. */
    static final int INDICATOR_COLUMNS = 12;

    private MarketJdbcSinks() {}

    /**
     * Closed bars with their indicators into {@code market_data}: upserts on (symbol, timeframe,
     * ts), the last row per key winning within a batch, each batch one statement of column arrays.
     */
    public static Sink<MarketBar> marketData(
            JdbcEndpoint endpoint, JdbcExecutionOptions options, String source) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                JdbcUpsertSink.Route.batched(
                        UPSERT_MARKET_DATA,
                        (ps, rows) -> {
                            bindMarketBars(ps, rows, source);
                            ps.executeUpdate();
                        },
                        MarketJdbcSinks::marketDataKey));
    }

    /** The upsert key of a {@code market_data} row: (symbol, timeframe, ts). */
    public static Object marketDataKey(MarketBar m) {
        return m.bar.symbol + "\u0000" + m.bar.timeframe + "\u0000" + m.bar.openTime;
    }

    /** Binds {@link #UPSERT_MARKET_DATA}: the source, then one array per column, row by row. */
    static void bindMarketBars(PreparedStatement ps, Collection<MarketBar> rows, String source)
            throws SQLException {
        int n = rows.size();
        String[] symbol = new String[n];
        String[] timeframe = new String[n];
        Long[] openTime = new Long[n];
        Long[] tradeCount = new Long[n];
        // open, high, low, close, volume, then the indicators in IndicatorValues.toArray order.
        Double[][] numbers = new Double[5 + INDICATOR_COLUMNS][n];
        String[] trend = new String[n];
        String[] volatility = new String[n];
        int i = 0;
        for (MarketBar m : rows) {
            Bar b = m.bar;
            IndicatorValues v = m.indicators;
            symbol[i] = b.symbol;
            timeframe[i] = b.timeframe;
            openTime[i] = b.openTime;
            tradeCount[i] = b.tradeCount;
            numbers[0][i] = b.open;
            numbers[1][i] = b.high;
            numbers[2][i] = b.low;
            numbers[3][i] = b.close;
            numbers[4][i] = b.volume;
            double[] values = v.toArray();
            for (int j = 0; j < values.length; j++) {
                numbers[5 + j][i] = nullable(values[j]);
            }
            trend[i] = v.trendDirection == null ? null : v.trendDirection.label();
            volatility[i] = v.volatilityRegime == null ? null : v.volatilityRegime.label();
            i++;
        }
        Connection c = ps.getConnection();
        ps.setString(1, source);
        ps.setArray(2, c.createArrayOf("text", symbol));
        ps.setArray(3, c.createArrayOf("text", timeframe));
        ps.setArray(4, c.createArrayOf("int8", openTime));
        for (int j = 0; j < 5; j++) {
            ps.setArray(5 + j, c.createArrayOf("float8", numbers[j]));
        }
        ps.setArray(10, c.createArrayOf("int8", tradeCount));
        for (int j = 5; j < numbers.length; j++) {
            ps.setArray(6 + j, c.createArrayOf("float8", numbers[j]));
        }
        ps.setArray(23, c.createArrayOf("text", trend));
        ps.setArray(24, c.createArrayOf("text", volatility));
    }

    /** NaN means "not warmed up yet", stored as NULL. */
    private static Double nullable(double value) {
        return Double.isNaN(value) ? null : value;
    }

    /** Raw trades; a trade without an id is keyed by its price, size and time. */
    public static Sink<Trade> trades(JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcSink.<Trade>builder()
                .withExecutionOptions(options)
                .withQueryStatement(
                        INSERT_TRADE,
                        (ps, t) -> {
                            ps.setString(1, t.symbol);
                            ps.setTimestamp(2, new Timestamp(t.ts));
                            ps.setString(3, t.tradeId != null ? t.tradeId : t.price + "x" + t.size);
                            ps.setDouble(4, t.price);
                            ps.setDouble(5, t.size);
                            ps.setString(6, t.source);
                        })
                .buildAtLeastOnce(endpoint.connectionOptions());
    }
}
