package com.athena.bench;

import com.athena.common.indicators.Atr;
import com.athena.common.indicators.Bollinger;
import com.athena.common.indicators.Ema;
import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.indicators.Macd;
import com.athena.common.indicators.Rsi;
import com.athena.common.market.Timeframe;

import com.tictactec.ta.lib.Core;
import com.tictactec.ta.lib.MAType;
import com.tictactec.ta.lib.MInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.ATRIndicator;
import org.ta4j.core.indicators.EMAIndicator;
import org.ta4j.core.indicators.MACDIndicator;
import org.ta4j.core.indicators.RSIIndicator;
import org.ta4j.core.indicators.SMAIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsLowerIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsMiddleIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsUpperIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.Num;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-bar cost of each indicator and of all of them, ours against ta4j (streaming), TA-Lib
 * recomputing its lookback window per bar (streaming use of a batch library) and TA-Lib's batch
 * call (the arithmetic limit).
 *
 * <p>Each invocation runs {@link #BARS} real 1-minute bars from fresh state, so the score is ns per
 * bar and includes warm-up bars as production does. "EMA" is the four EMAs the job keeps (9, 21,
 * 50, 200); "all" is every indicator of {@link IndicatorState}. Results go to a {@link Blackhole}
 * per bar in every variant, so the per-bar overhead of measuring is the same for all.
 *
 * <p>ta4j runs with {@code DoubleNum}, its fastest number type (the default, {@code DecimalNum}, is
 * slower), and a series capped at {@link #TA4J_MAX_BARS} bars, as a live application would. It is
 * ta4j 0.17: 0.18 is compiled for Java 21 (class file 65) and cannot load on the project's Java 17;
 * 0.17 is the last release that runs here, with the same streaming model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IndicatorBench {
    /** Bars per invocation: the first 8192 1-minute bars of the real trades. */
    public static final int BARS = 8192;

    /** Enough for the longest lookback (EMA 200) with room for ta4j's recursion. */
    static final int TA4J_MAX_BARS = 400;

    private static final int[] EMA_PERIODS = {9, 21, 50, 200};
    private static final Duration MINUTE = Duration.ofMinutes(1);

    double[] open;
    double[] high;
    double[] low;
    double[] close;
    double[] volume;
    long[] openTime;

    final Core core = new Core();
    final MInteger beg = new MInteger();
    final MInteger nb = new MInteger();

    /** TA-Lib outputs: one bar wide when streaming, the whole series in batch. */
    double[] out1;

    double[] out2;
    double[] out3;

    /** Our outputs, a field so that the stores cannot be eliminated. */
    final IndicatorValues values = new IndicatorValues();

    @Setup
    public void setup() {
        BenchData d = BenchData.get();
        if (d.bars() < BARS) {
            throw new IllegalStateException("only " + d.bars() + " bars in " + BenchData.TRADES);
        }
        open = java.util.Arrays.copyOf(d.open, BARS);
        high = java.util.Arrays.copyOf(d.high, BARS);
        low = java.util.Arrays.copyOf(d.low, BARS);
        close = java.util.Arrays.copyOf(d.close, BARS);
        volume = java.util.Arrays.copyOf(d.volume, BARS);
        openTime = java.util.Arrays.copyOf(d.barOpenTime, BARS);
        out1 = new double[BARS];
        out2 = new double[BARS];
        out3 = new double[BARS];
    }

    // ---- ours -------------------------------------------------------------------------------

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursEma(Blackhole bh) {
        Ema e9 = new Ema(9);
        Ema e21 = new Ema(21);
        Ema e50 = new Ema(50);
        Ema e200 = new Ema(200);
        for (int i = 0; i < BARS; i++) {
            double c = close[i];
            bh.consume(e9.update(c));
            bh.consume(e21.update(c));
            bh.consume(e50.update(c));
            bh.consume(e200.update(c));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursRsi(Blackhole bh) {
        Rsi rsi = new Rsi(14);
        for (int i = 0; i < BARS; i++) {
            bh.consume(rsi.update(close[i]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursMacd(Blackhole bh) {
        Macd macd = new Macd(12, 26, 9);
        for (int i = 0; i < BARS; i++) {
            macd.update(close[i]);
            bh.consume(macd.macd);
            bh.consume(macd.signal);
            bh.consume(macd.histogram);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursBollinger(Blackhole bh) {
        Bollinger bb = new Bollinger(20, 2.0);
        for (int i = 0; i < BARS; i++) {
            bb.update(close[i]);
            bh.consume(bb.upper);
            bh.consume(bb.middle);
            bh.consume(bb.lower);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursAtr(Blackhole bh) {
        Atr atr = new Atr(14);
        for (int i = 0; i < BARS; i++) {
            bh.consume(atr.update(high[i], low[i], close[i]));
        }
    }

    /** {@link IndicatorState#update}: every indicator plus the trend and volatility labels. */
    @Benchmark
    @OperationsPerInvocation(BARS)
    public void oursAll(Blackhole bh) {
        IndicatorState state = new IndicatorState(Timeframe.M1);
        IndicatorValues out = values;
        for (int i = 0; i < BARS; i++) {
            state.update(open[i], high[i], low[i], close[i], out);
            bh.consume(out);
        }
    }

    // ---- ta4j, streaming ----------------------------------------------------------------------

    private BarSeries newSeries() {
        return new BaseBarSeriesBuilder()
                .withNumTypeOf(DoubleNum.class)
                .withMaxBarCount(TA4J_MAX_BARS)
                .build();
    }

    private void addBar(BarSeries series, int i) {
        series.addBar(
                MINUTE,
                Instant.ofEpochMilli(openTime[i] + 60_000L).atZone(ZoneOffset.UTC),
                open[i],
                high[i],
                low[i],
                close[i],
                volume[i]);
    }

    /** Adds each bar to the series and reads every indicator at the new end index. */
    private void ta4jRun(BarSeries series, List<Indicator<Num>> indicators, Blackhole bh) {
        int count = indicators.size();
        for (int i = 0; i < BARS; i++) {
            addBar(series, i);
            int end = series.getEndIndex();
            for (int k = 0; k < count; k++) {
                bh.consume(indicators.get(k).getValue(end));
            }
        }
    }

    private static List<Indicator<Num>> ta4jEmas(ClosePriceIndicator c) {
        List<Indicator<Num>> list = new ArrayList<>();
        for (int p : EMA_PERIODS) {
            list.add(new EMAIndicator(c, p));
        }
        return list;
    }

    private static List<Indicator<Num>> ta4jMacd(ClosePriceIndicator c) {
        MACDIndicator macd = new MACDIndicator(c, 12, 26);
        return List.of(macd, macd.getSignalLine(9), macd.getHistogram(9));
    }

    private static List<Indicator<Num>> ta4jBollinger(BarSeries s, ClosePriceIndicator c) {
        BollingerBandsMiddleIndicator middle =
                new BollingerBandsMiddleIndicator(new SMAIndicator(c, 20));
        StandardDeviationIndicator sd = new StandardDeviationIndicator(c, 20);
        Num k = s.numOf(2);
        return List.of(
                new BollingerBandsUpperIndicator(middle, sd, k),
                middle,
                new BollingerBandsLowerIndicator(middle, sd, k));
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jEma(Blackhole bh) {
        BarSeries s = newSeries();
        ta4jRun(s, ta4jEmas(new ClosePriceIndicator(s)), bh);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jRsi(Blackhole bh) {
        BarSeries s = newSeries();
        ta4jRun(s, List.of(new RSIIndicator(new ClosePriceIndicator(s), 14)), bh);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jMacd(Blackhole bh) {
        BarSeries s = newSeries();
        ta4jRun(s, ta4jMacd(new ClosePriceIndicator(s)), bh);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jBollinger(Blackhole bh) {
        BarSeries s = newSeries();
        ta4jRun(s, ta4jBollinger(s, new ClosePriceIndicator(s)), bh);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jAtr(Blackhole bh) {
        BarSeries s = newSeries();
        ta4jRun(s, List.of(new ATRIndicator(s, 14)), bh);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void ta4jAll(Blackhole bh) {
        BarSeries s = newSeries();
        ClosePriceIndicator c = new ClosePriceIndicator(s);
        List<Indicator<Num>> all = new ArrayList<>(ta4jEmas(c));
        all.add(new RSIIndicator(c, 14));
        all.addAll(ta4jMacd(c));
        all.addAll(ta4jBollinger(s, c));
        all.add(new ATRIndicator(s, 14));
        ta4jRun(s, all, bh);
    }

    // ---- TA-Lib, streaming: recompute over the lookback window for each new bar ---------------

    /**
     * TA-Lib with {@code startIdx == endIdx == i} reads exactly the lookback window ending at bar
     * {@code i}: the streaming use of a batch library.
     */
    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamEma(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            for (int p : EMA_PERIODS) {
                core.ema(i, i, close, p, beg, nb, out1);
                bh.consume(out1[0]);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamRsi(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            core.rsi(i, i, close, 14, beg, nb, out1);
            bh.consume(out1[0]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamMacd(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            streamMacd(i, bh);
        }
    }

    private void streamMacd(int i, Blackhole bh) {
        core.macd(i, i, close, 12, 26, 9, beg, nb, out1, out2, out3);
        bh.consume(out1[0]);
        bh.consume(out2[0]);
        bh.consume(out3[0]);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamBollinger(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            streamBollinger(i, bh);
        }
    }

    private void streamBollinger(int i, Blackhole bh) {
        core.bbands(i, i, close, 20, 2.0, 2.0, MAType.Sma, beg, nb, out1, out2, out3);
        bh.consume(out1[0]);
        bh.consume(out2[0]);
        bh.consume(out3[0]);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamAtr(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            core.atr(i, i, high, low, close, 14, beg, nb, out1);
            bh.consume(out1[0]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibStreamAll(Blackhole bh) {
        for (int i = 0; i < BARS; i++) {
            for (int p : EMA_PERIODS) {
                core.ema(i, i, close, p, beg, nb, out1);
                bh.consume(out1[0]);
            }
            core.rsi(i, i, close, 14, beg, nb, out1);
            bh.consume(out1[0]);
            streamMacd(i, bh);
            streamBollinger(i, bh);
            core.atr(i, i, high, low, close, 14, beg, nb, out1);
            bh.consume(out1[0]);
        }
    }

    // ---- TA-Lib, batch over the whole series: the arithmetic limit ----------------------------

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchEma(Blackhole bh) {
        for (int p : EMA_PERIODS) {
            core.ema(0, BARS - 1, close, p, beg, nb, out1);
            bh.consume(out1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchRsi(Blackhole bh) {
        core.rsi(0, BARS - 1, close, 14, beg, nb, out1);
        bh.consume(out1);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchMacd(Blackhole bh) {
        core.macd(0, BARS - 1, close, 12, 26, 9, beg, nb, out1, out2, out3);
        bh.consume(out1);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchBollinger(Blackhole bh) {
        core.bbands(0, BARS - 1, close, 20, 2.0, 2.0, MAType.Sma, beg, nb, out1, out2, out3);
        bh.consume(out1);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchAtr(Blackhole bh) {
        core.atr(0, BARS - 1, high, low, close, 14, beg, nb, out1);
        bh.consume(out1);
    }

    @Benchmark
    @OperationsPerInvocation(BARS)
    public void talibBatchAll(Blackhole bh) {
        talibBatchEma(bh);
        talibBatchRsi(bh);
        talibBatchMacd(bh);
        talibBatchBollinger(bh);
        talibBatchAtr(bh);
    }
}
