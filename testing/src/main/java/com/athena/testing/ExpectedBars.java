package com.athena.testing;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.RegimeThresholds;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketBar;
import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;
import com.athena.common.market.Trade;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the market job must produce, computed directly from the trades without Flink, and the real
 * trades to feed it: the market job's tests and the fault tests compare against it.
 */
public final class ExpectedBars {
    private ExpectedBars() {}

    /**
     * The first {@code count} real Bitstamp trades (with size > 0), as trades of {@code symbol}.
     */
    public static List<Trade> bitstamp(String symbol, int count) throws Exception {
        List<Trade> trades = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                ExpectedBars.class.getResourceAsStream(
                                        "/bitstamp_trades_from_20131125_usd.csv"),
                                StandardCharsets.UTF_8))) {
            reader.readLine();
            String line;
            long lineNumber = 1;
            while ((line = reader.readLine()) != null && trades.size() < count) {
                lineNumber++;
                String[] c = line.split(",");
                double size = Double.parseDouble(c[2]);
                if (size > 0) {
                    trades.add(
                            new Trade(
                                    symbol,
                                    Long.parseLong(c[0]) * 1000,
                                    Double.parseDouble(c[1]),
                                    size,
                                    Long.toString(lineNumber),
                                    "bitstamp"));
                }
            }
        }
        return trades;
    }

    /** Bars in time order with their indicators, for one symbol's trades and one timeframe. */
    public static List<MarketBar> of(List<Trade> trades, Timeframe tf) {
        Map<Long, OhlcvAccumulator> windows = new TreeMap<>();
        String symbol = trades.get(0).symbol;
        for (Trade t : trades) {
            windows.computeIfAbsent(tf.windowStart(t.ts), w -> new OhlcvAccumulator())
                    .add(t.ts, t.price, t.size);
        }
        IndicatorState state = new IndicatorState(tf, RegimeThresholds.DEFAULT);
        List<MarketBar> rows = new ArrayList<>();
        windows.forEach(
                (start, acc) -> {
                    IndicatorValues v = new IndicatorValues();
                    MarketBar row = new MarketBar(acc.toBar(symbol, tf, start), v);
                    state.update(row.bar, v);
                    rows.add(row);
                });
        return rows;
    }

    /** A trade as the feed sends it to Kafka: the JSON the trade parser reads. */
    public static String json(Trade t) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("symbol", t.symbol)
                .put("ts", t.ts)
                .put("price", t.price)
                .put("size", t.size)
                .put("trade_id", t.tradeId)
                .put("source", t.source)
                .toString();
    }
}
