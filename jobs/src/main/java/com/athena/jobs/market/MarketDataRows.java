package com.athena.jobs.market;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads {@code market_data} rows back as {@link MarketBar}s: for the demo, tools and tests. */
public final class MarketDataRows {
    private static final String SELECT =
            "SELECT extract(epoch from ts) * 1000, open, high, low, close, volume, trade_count,"
                    + " ema_9, ema_21, ema_50, ema_200, rsi_14, macd, macd_signal, macd_histogram,"
                    + " bb_upper, bb_middle, bb_lower, atr_14, trend_direction, volatility_regime"
                    + " FROM market_data WHERE symbol = ? AND timeframe = ?"
                    + " AND (CAST(? AS VARCHAR) IS NULL OR source = ?)";

    private MarketDataRows() {}

    /**
     * The rows of one symbol and timeframe in time order, or only the latest {@code latest} of them
     * (newest first) when it is positive; {@code source} null for rows of any source.
     */
    public static List<MarketBar> read(
            Connection c, String symbol, String timeframe, String source, int latest)
            throws SQLException {
        // The limit is bound like every other value: no data is ever spliced into SQL text.
        String sql = SELECT + (latest > 0 ? " ORDER BY ts DESC LIMIT ?" : " ORDER BY ts");
        List<MarketBar> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setString(2, timeframe);
            ps.setString(3, source);
            ps.setString(4, source);
            if (latest > 0) {
                ps.setInt(5, latest);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Bar b =
                            new Bar(
                                    symbol,
                                    timeframe,
                                    Math.round(rs.getDouble(1)),
                                    rs.getDouble(2),
                                    rs.getDouble(3),
                                    rs.getDouble(4),
                                    rs.getDouble(5),
                                    rs.getDouble(6),
                                    rs.getLong(7));
                    IndicatorValues v = new IndicatorValues();
                    v.ema9 = nullable(rs, 8);
                    v.ema21 = nullable(rs, 9);
                    v.ema50 = nullable(rs, 10);
                    v.ema200 = nullable(rs, 11);
                    v.rsi14 = nullable(rs, 12);
                    v.macd = nullable(rs, 13);
                    v.macdSignal = nullable(rs, 14);
                    v.macdHistogram = nullable(rs, 15);
                    v.bbUpper = nullable(rs, 16);
                    v.bbMiddle = nullable(rs, 17);
                    v.bbLower = nullable(rs, 18);
                    v.atr14 = nullable(rs, 19);
                    String trend = rs.getString(20);
                    String volatility = rs.getString(21);
                    v.trendDirection =
                            trend == null
                                    ? null
                                    : TrendDirection.valueOf(trend.toUpperCase(Locale.ROOT));
                    v.volatilityRegime =
                            volatility == null
                                    ? null
                                    : VolatilityRegime.valueOf(volatility.toUpperCase(Locale.ROOT));
                    rows.add(new MarketBar(b, v));
                }
            }
        }
        return rows;
    }

    private static double nullable(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : value;
    }
}
