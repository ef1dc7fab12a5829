package com.athena.tools.replay;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;

import java.time.Instant;

/** The replay's output format: one bar with its indicators per line, under {@link #HEADER}. */
public final class IndicatorCsv {
    /** The exact header of the replay contract. */
    public static final String HEADER =
            "symbol,timeframe,ts,open,high,low,close,volume,ema_9,ema_21,ema_50,ema_200,rsi_14,"
                    + "macd,macd_signal,macd_histogram,bb_upper,bb_middle,bb_lower,atr_14,"
                    + "trend_direction,volatility_regime";

    private IndicatorCsv() {}

    /** Formats a row; numbers round-trip exactly, and not-yet-warm indicators are empty cells. */
    public static String format(MarketBar row) {
        Bar b = row.bar;
        IndicatorValues v = row.indicators;
        StringBuilder line = new StringBuilder(256);
        line.append(csv(b.symbol)).append(',').append(b.timeframe).append(',');
        line.append(Instant.ofEpochMilli(b.openTime)).append(',');
        number(line, b.open).append(',');
        number(line, b.high).append(',');
        number(line, b.low).append(',');
        number(line, b.close).append(',');
        number(line, b.volume).append(',');
        double[] values = v.toArray();
        for (double value : values) {
            number(line, value).append(',');
        }
        line.append(v.trendDirection == null ? "" : v.trendDirection.label()).append(',');
        line.append(v.volatilityRegime == null ? "" : v.volatilityRegime.label());
        return line.toString();
    }

    private static StringBuilder number(StringBuilder line, double value) {
        // Double.toString is the shortest decimal that reads back as the same double.
        return Double.isNaN(value) ? line : line.append(value);
    }

    private static String csv(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
