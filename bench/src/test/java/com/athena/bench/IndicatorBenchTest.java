package com.athena.bench;

import com.athena.common.indicators.IndicatorState;
import com.athena.common.indicators.IndicatorValues;
import com.athena.common.market.Timeframe;

import com.tictactec.ta.lib.Core;
import com.tictactec.ta.lib.MInteger;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI smoke run: every benchmark body runs once (no timing), and on the bench data our
 * indicators equal TA-Lib's batch results, so the benchmarks compare like with like.
 */
class IndicatorBenchTest {

    @Test
    void everyBenchmarkBodyRunsOnce() throws Exception {
        IndicatorBench bench = new IndicatorBench();
        bench.setup();
        Blackhole bh =
                new Blackhole(
                        "Today's password is swordfish. I understand instantiating Blackholes"
                                + " directly is dangerous.");
        int ran = 0;
        for (Method m : IndicatorBench.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class)) {
                m.invoke(bench, bh);
                ran++;
            }
        }
        assertThat(ran).isEqualTo(24);
    }

    @Test
    void oursEqualsTaLibBatchOnTheBenchData() {
        IndicatorBench bench = new IndicatorBench();
        bench.setup();
        int n = IndicatorBench.BARS;
        IndicatorState state = new IndicatorState(Timeframe.M1);
        IndicatorValues out = new IndicatorValues();
        double[] ema200 = new double[n];
        double[] rsi = new double[n];
        double[] atr = new double[n];
        for (int i = 0; i < n; i++) {
            state.update(bench.open[i], bench.high[i], bench.low[i], bench.close[i], out);
            ema200[i] = out.ema200;
            rsi[i] = out.rsi14;
            atr[i] = out.atr14;
        }
        Core core = new Core();
        MInteger beg = new MInteger();
        MInteger nb = new MInteger();
        double[] ref = new double[n];
        core.ema(0, n - 1, bench.close, 200, beg, nb, ref);
        assertThat(Arrays.copyOfRange(ema200, beg.value, n)).containsExactly(head(ref, nb));
        core.rsi(0, n - 1, bench.close, 14, beg, nb, ref);
        assertThat(Arrays.copyOfRange(rsi, beg.value, n)).containsExactly(head(ref, nb));
        core.atr(0, n - 1, bench.high, bench.low, bench.close, 14, beg, nb, ref);
        assertThat(Arrays.copyOfRange(atr, beg.value, n)).containsExactly(head(ref, nb));
    }

    private static double[] head(double[] values, MInteger count) {
        return Arrays.copyOf(values, count.value);
    }
}
