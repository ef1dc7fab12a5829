package com.athena.bench;

import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Timeframe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' input: the 100,000 real Bitstamp BTC/USD trades that ta4j-examples ships, and the
 * 1-minute bars they make, as primitive columns.
 *
 * <p>Real data rather than random numbers, because branchy warm-up code and the price level (which
 * drives the rounding) should look like production.
 */
public final class BenchData {
    /** The classpath resource of the trades, {@code timestamp,price,amount} in epoch seconds. */
    public static final String TRADES = "/bitstamp_trades_from_20131125_usd.csv";

    private static volatile BenchData instance;

    /** Trade columns in file (time) order. */
    public final long[] tradeTs;

    public final double[] tradePrice;
    public final double[] tradeSize;

    /** 1-minute bar columns, one bar per minute with at least one trade. */
    public final long[] barOpenTime;

    public final double[] open;
    public final double[] high;
    public final double[] low;
    public final double[] close;
    public final double[] volume;

    private BenchData(List<double[]> trades) {
        int n = trades.size();
        tradeTs = new long[n];
        tradePrice = new double[n];
        tradeSize = new double[n];
        for (int i = 0; i < n; i++) {
            double[] t = trades.get(i);
            tradeTs[i] = (long) t[0];
            tradePrice[i] = t[1];
            tradeSize[i] = t[2];
        }
        List<double[]> bars = new ArrayList<>();
        OhlcvAccumulator acc = new OhlcvAccumulator();
        long window = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long start = Timeframe.M1.windowStart(tradeTs[i]);
            if (start != window && !acc.isEmpty()) {
                bars.add(bar(window, acc));
                acc = new OhlcvAccumulator();
            }
            window = start;
            acc.add(tradeTs[i], tradePrice[i], tradeSize[i]);
        }
        if (!acc.isEmpty()) {
            bars.add(bar(window, acc));
        }
        int m = bars.size();
        barOpenTime = new long[m];
        open = new double[m];
        high = new double[m];
        low = new double[m];
        close = new double[m];
        volume = new double[m];
        for (int i = 0; i < m; i++) {
            double[] b = bars.get(i);
            barOpenTime[i] = (long) b[0];
            open[i] = b[1];
            high[i] = b[2];
            low[i] = b[3];
            close[i] = b[4];
            volume[i] = b[5];
        }
    }

    private static double[] bar(long openTime, OhlcvAccumulator acc) {
        return new double[] {openTime, acc.open, acc.high, acc.low, acc.close, acc.volume};
    }

    /** The data, read once per JVM. */
    public static BenchData get() {
        BenchData d = instance;
        if (d == null) {
            synchronized (BenchData.class) {
                d = instance;
                if (d == null) {
                    d = load();
                    instance = d;
                }
            }
        }
        return d;
    }

    /** Number of 1-minute bars. */
    public int bars() {
        return close.length;
    }

    /** Number of trades. */
    public int trades() {
        return tradeTs.length;
    }

    private static BenchData load() {
        List<double[]> trades = new ArrayList<>();
        try (InputStream in = BenchData.class.getResourceAsStream(TRADES)) {
            if (in == null) {
                throw new IllegalStateException(TRADES + " is not on the classpath");
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = reader.readLine(); // header
            while ((line = reader.readLine()) != null) {
                String[] cells = line.split(",");
                if (cells.length != 3) {
                    continue;
                }
                trades.add(
                        new double[] {
                            Long.parseLong(cells[0].trim()) * 1000L,
                            Double.parseDouble(cells[1].trim()),
                            Double.parseDouble(cells[2].trim())
                        });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BenchData(trades);
    }
}
