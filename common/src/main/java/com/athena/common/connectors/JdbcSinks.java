package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;
import com.athena.common.market.Trade;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/** The flink-connector-jdbc sinks of the project: parameterized, batched, idempotent upserts. */
public final class JdbcSinks {

    static final String INSERT_TRADE =
            "INSERT INTO trades (symbol, ts, trade_id, price, size, source) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (symbol, trade_id, ts) DO NOTHING";

    static final String INSERT_DEAD_LETTER =
            "INSERT INTO dead_letters (source, origin, received_at, reason, payload)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, origin, received_at) DO NOTHING";

    static final String UPSERT_MARKET_DATA =
            "INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close, volume,"
                    + " trade_count, ema_9, ema_21, ema_50, ema_200, rsi_14, macd, macd_signal,"
                    + " macd_histogram, bb_upper, bb_middle, bb_lower, atr_14, trend_direction,"
                    + " volatility_regime, source)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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

    private JdbcSinks() {}

    /**
     * Closed bars with their indicators into {@code market_data}: upserts on (symbol, timeframe,
     * ts), the last row per key winning within a batch.
     */
    public static Sink<MarketBar> marketData(
            JdbcEndpoint endpoint, JdbcExecutionOptions options, String source) {
        return JdbcUpsertSink.of(
                endpoint,
                options,
                UPSERT_MARKET_DATA,
                (ps, m) -> bindMarketBar(ps, m, source),
                m -> m.bar.symbol + "\u0000" + m.bar.timeframe + "\u0000" + m.bar.openTime);
    }

    static void bindMarketBar(PreparedStatement ps, MarketBar m, String source)
            throws SQLException {
        Bar b = m.bar;
        IndicatorValues v = m.indicators;
        ps.setString(1, b.symbol);
        ps.setString(2, b.timeframe);
        ps.setTimestamp(3, new Timestamp(b.openTime));
        ps.setDouble(4, b.open);
        ps.setDouble(5, b.high);
        ps.setDouble(6, b.low);
        ps.setDouble(7, b.close);
        ps.setDouble(8, b.volume);
        ps.setLong(9, b.tradeCount);
        double[] values = v.toArray();
        for (int i = 0; i < values.length; i++) {
            setNullable(ps, 10 + i, values[i]);
        }
        ps.setString(22, v.trendDirection == null ? null : v.trendDirection.label());
        ps.setString(23, v.volatilityRegime == null ? null : v.volatilityRegime.label());
        ps.setString(24, source);
    }

    /** NaN means "not warmed up yet", stored as NULL. */
    private static void setNullable(PreparedStatement ps, int index, double value)
            throws SQLException {
        if (Double.isNaN(value)) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
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

    /**
     * Binds a dead letter. Its text comes from outside (a reason may quote a field of the record),
     * and PostgreSQL text cannot hold NUL: NUL is stored as U+FFFD, everything else verbatim.
     */
    static void bindDeadLetter(PreparedStatement ps, DeadLetter d) throws SQLException {
        ps.setString(1, storable(d.source));
        ps.setString(2, storable(d.origin));
        ps.setTimestamp(3, new Timestamp(d.receivedAt));
        ps.setString(4, storable(d.reason));
        ps.setString(5, storable(d.payload));
    }

    /** The text with each NUL replaced by U+FFFD, which PostgreSQL can store. */
    static String storable(String text) {
        return text == null ? null : text.replace('\0', '\uFFFD');
    }

    /** Dead letters, written once per (source, origin, received_at) even under replay. */
    public static Sink<DeadLetter> deadLetters(
            JdbcEndpoint endpoint, JdbcExecutionOptions options) {
        return JdbcSink.<DeadLetter>builder()
                .withExecutionOptions(options)
                .withQueryStatement(INSERT_DEAD_LETTER, JdbcSinks::bindDeadLetter)
                .buildAtLeastOnce(endpoint.connectionOptions());
    }
}
