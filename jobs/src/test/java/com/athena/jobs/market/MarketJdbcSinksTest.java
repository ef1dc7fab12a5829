package com.athena.jobs.market;

import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.TrendDirection;
import com.athena.common.indicators.VolatilityRegime;
import com.athena.common.market.Bar;
import com.athena.common.market.MarketBar;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The market_data column-array binding, without services. */
class MarketJdbcSinksTest {

    /** A bound array: its element type name and elements. */
    record BoundArray(String type, Object[] elements) {}

    /** A PreparedStatement that records what is bound, arrays as {@link BoundArray}s. */
    static PreparedStatement recording(Map<Integer, Object> bound) {
        Map<Object, BoundArray> arrays = new IdentityHashMap<>();
        Connection connection =
                (Connection)
                        Proxy.newProxyInstance(
                                MarketJdbcSinksTest.class.getClassLoader(),
                                new Class<?>[] {Connection.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("createArrayOf")) {
                                        BoundArray a =
                                                new BoundArray(
                                                        (String) args[0], (Object[]) args[1]);
                                        Object array =
                                                Proxy.newProxyInstance(
                                                        MarketJdbcSinksTest.class.getClassLoader(),
                                                        new Class<?>[] {Array.class},
                                                        (p, m, x) -> null);
                                        arrays.put(array, a);
                                        return array;
                                    }
                                    throw new UnsupportedOperationException(method.getName());
                                });
        return (PreparedStatement)
                Proxy.newProxyInstance(
                        MarketJdbcSinksTest.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "getConnection":
                                    return connection;
                                case "setArray":
                                    bound.put((Integer) args[0], arrays.get(args[1]));
                                    return null;
                                default:
                                    if (method.getName().startsWith("set")) {
                                        bound.put(
                                                (Integer) args[0],
                                                method.getName().equals("setNull")
                                                        ? null
                                                        : args[1]);
                                    }
                                    return null;
                            }
                        });
    }

    private static MarketBar bar(String symbol, long openTime, double base, boolean warm) {
        Bar b =
                new Bar(
                        symbol,
                        "5m",
                        openTime,
                        base + 0.1,
                        base + 0.2,
                        base + 0.3,
                        base + 0.4,
                        base + 0.5,
                        (long) base + 7);
        IndicatorValues v = new IndicatorValues();
        if (warm) {
            v.ema9 = base + 1;
            v.ema21 = base + 2;
            v.ema50 = base + 3;
            v.ema200 = base + 4;
            v.rsi14 = base + 5;
            v.macd = base + 6;
            v.macdSignal = base + 7;
            v.macdHistogram = base + 8;
            v.bbUpper = base + 9;
            v.bbMiddle = base + 10;
            v.bbLower = base + 11;
            v.atr14 = base + 12;
            v.trendDirection = TrendDirection.values()[0];
            v.volatilityRegime = VolatilityRegime.values()[0];
        }
        return new MarketBar(b, v);
    }

    /** What each alias of the statement's unnested arrays must carry, per row. */
    private static final Map<String, Function<MarketBar, Object>> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("symbol", m -> m.bar.symbol);
        COLUMNS.put("timeframe", m -> m.bar.timeframe);
        COLUMNS.put("ms", m -> m.bar.openTime);
        COLUMNS.put("open", m -> m.bar.open);
        COLUMNS.put("high", m -> m.bar.high);
        COLUMNS.put("low", m -> m.bar.low);
        COLUMNS.put("close", m -> m.bar.close);
        COLUMNS.put("volume", m -> m.bar.volume);
        COLUMNS.put("trade_count", m -> m.bar.tradeCount);
        COLUMNS.put("ema_9", m -> orNull(m.indicators.ema9));
        COLUMNS.put("ema_21", m -> orNull(m.indicators.ema21));
        COLUMNS.put("ema_50", m -> orNull(m.indicators.ema50));
        COLUMNS.put("ema_200", m -> orNull(m.indicators.ema200));
        COLUMNS.put("rsi_14", m -> orNull(m.indicators.rsi14));
        COLUMNS.put("macd", m -> orNull(m.indicators.macd));
        COLUMNS.put("macd_signal", m -> orNull(m.indicators.macdSignal));
        COLUMNS.put("macd_histogram", m -> orNull(m.indicators.macdHistogram));
        COLUMNS.put("bb_upper", m -> orNull(m.indicators.bbUpper));
        COLUMNS.put("bb_middle", m -> orNull(m.indicators.bbMiddle));
        COLUMNS.put("bb_lower", m -> orNull(m.indicators.bbLower));
        COLUMNS.put("atr_14", m -> orNull(m.indicators.atr14));
        COLUMNS.put(
                "trend_direction",
                m ->
                        m.indicators.trendDirection == null
                                ? null
                                : m.indicators.trendDirection.label());
        COLUMNS.put(
                "volatility_regime",
                m ->
                        m.indicators.volatilityRegime == null
                                ? null
                                : m.indicators.volatilityRegime.label());
    }

    private static Double orNull(double x) {
        return Double.isNaN(x) ? null : x;
    }

    @Test
    void marketBarsBindEachColumnToTheArrayOfItsNameAndTypeNaNAsNull() throws Exception {
        List<MarketBar> rows =
                List.of(
                        bar("A\"B,{C}\\D 'E'", 60_123L, 100, true),
                        bar("NULL", 120_123L, 200, false),
                        bar("X", 180_123L, 300, true));
        Map<Integer, Object> bound = new TreeMap<>();
        MarketJdbcSinks.bindMarketBars(recording(bound), rows, "src");

        // The statement's placeholders in text order: the source, then "unnest(CAST(? AS T[]))
        // AS name" per column. Each array must be of the cast's type and carry that column.
        String sql = MarketJdbcSinks.UPSERT_MARKET_DATA;
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(24);
        assertThat(sql).contains("SELECT CAST(? AS VARCHAR) AS source,");
        Matcher unnest =
                Pattern.compile("unnest\\(CAST\\(\\? AS (\\w+)\\[\\]\\)\\) AS (\\w+)").matcher(sql);
        List<String> names = new ArrayList<>();
        assertThat(bound).hasSize(24);
        assertThat(bound.get(1)).isEqualTo("src");
        int index = 2;
        while (unnest.find()) {
            String type = unnest.group(1);
            String name = unnest.group(2);
            names.add(name);
            BoundArray a = (BoundArray) bound.get(index);
            assertThat(a).as("parameter %d (%s)", index, name).isNotNull();
            assertThat(a.type())
                    .as("element type of %s", name)
                    .isEqualTo(
                            Map.of("TEXT", "text", "BIGINT", "int8", "FLOAT8", "float8").get(type));
            Object[] expected = rows.stream().map(COLUMNS.get(name)).toArray();
            assertThat(Arrays.asList(a.elements())).as(name).containsExactly(expected);
            index++;
        }
        assertThat(names).containsExactlyElementsOf(COLUMNS.keySet());
        // The unwarmed row's indicators are all NULL, none lost elsewhere.
        for (int p = 11; p <= 24; p++) {
            assertThat(((BoundArray) bound.get(p)).elements()[1]).as("parameter %d", p).isNull();
            assertThat(((BoundArray) bound.get(p)).elements()[0]).as("parameter %d", p).isNotNull();
        }
        assertThat(new IndicatorValues().toArray()).hasSize(MarketJdbcSinks.INDICATOR_COLUMNS);
    }
}
