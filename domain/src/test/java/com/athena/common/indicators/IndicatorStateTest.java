package com.athena.common.indicators;

import com.athena.common.market.Timeframe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IndicatorStateTest {

    @Test
    void eachOutputAppearsAtItsTaLibWarmUpBar() {
        IndicatorState state = new IndicatorState(Timeframe.M5);
        IndicatorValues out = new IndicatorValues();
        int[] first = new int[12];
        java.util.Arrays.fill(first, -1);
        for (int i = 0; i < 250; i++) {
            double close = 1000 + 10 * Math.sin(i / 7.0) + i * 0.1;
            state.update(close - 0.5, close + 1, close - 1, close, out);
            double[] v = out.toArray();
            for (int k = 0; k < v.length; k++) {
                if (first[k] < 0 && !Double.isNaN(v[k])) {
                    first[k] = i;
                }
                if (first[k] < 0) {
                    assertThat(v[k]).isNaN();
                } else {
                    assertThat(v[k]).as("output %d at bar %d", k, i).isNotNaN();
                }
            }
            assertThat(out.trendDirection == null).isEqualTo(i < 49);
            assertThat(out.volatilityRegime == null).isEqualTo(i < 14);
        }
        assertThat(first).containsExactly(8, 20, 49, 199, 14, 33, 33, 33, 19, 19, 19, 14);
        assertThat(state.barCount).isEqualTo(250);
    }

    @Test
    void steadyRiseIsUpAndSteadyFallIsDown() {
        IndicatorState up = new IndicatorState(Timeframe.H1);
        IndicatorState down = new IndicatorState(Timeframe.H1);
        IndicatorValues outUp = new IndicatorValues();
        IndicatorValues outDown = new IndicatorValues();
        for (int i = 0; i < 60; i++) {
            double u = 1000 * Math.pow(1.002, i);
            double d = 1000 * Math.pow(0.998, i);
            up.update(u, u, u, u, outUp);
            down.update(d, d, d, d, outDown);
        }
        assertThat(outUp.trendDirection).isEqualTo(TrendDirection.UP);
        assertThat(outDown.trendDirection).isEqualTo(TrendDirection.DOWN);
    }

    @Test
    void flatMarketIsSidewaysAndLowVolatility() {
        IndicatorState state = new IndicatorState(Timeframe.M1);
        IndicatorValues out = new IndicatorValues();
        for (int i = 0; i < 60; i++) {
            state.update(1000, 1000.01, 999.99, 1000, out);
        }
        assertThat(out.trendDirection).isEqualTo(TrendDirection.SIDEWAYS);
        assertThat(out.volatilityRegime).isEqualTo(VolatilityRegime.LOW);
        assertThat(out.rsi14).isZero();
    }

    @Test
    void volatilityUsesTheTimeframeAndAppliedThresholds() {
        // ATR 1 on a 1000 close: 0.1 % a bar. Daily: 1m -> 3.8 % (normal), 1d -> 0.1 % (low).
        IndicatorState m1 = new IndicatorState(Timeframe.M1);
        IndicatorState d1 = new IndicatorState(Timeframe.D1);
        IndicatorValues out1 = new IndicatorValues();
        IndicatorValues outD = new IndicatorValues();
        for (int i = 0; i < 20; i++) {
            m1.update(1000, 1000.5, 999.5, 1000, out1);
            d1.update(1000, 1000.5, 999.5, 1000, outD);
        }
        assertThat(out1.atr14).isEqualTo(1.0);
        assertThat(out1.volatilityRegime).isEqualTo(VolatilityRegime.NORMAL);
        assertThat(outD.volatilityRegime).isEqualTo(VolatilityRegime.LOW);

        m1.applyThresholds(new RegimeThresholds(0.0005, 0.001, 0.01));
        m1.update(1000, 1000.5, 999.5, 1000, out1);
        assertThat(out1.volatilityRegime).isEqualTo(VolatilityRegime.HIGH);
    }

    @Test
    void unknownTimeframeLeavesVolatilityNull() {
        IndicatorState state = new IndicatorState();
        IndicatorValues out = new IndicatorValues();
        for (int i = 0; i < 20; i++) {
            state.update(1000, 1001, 999, 1000, out);
        }
        assertThat(out.atr14).isEqualTo(2.0);
        assertThat(out.volatilityRegime).isNull();
    }

    @Test
    void valuesCopyAndClear() {
        IndicatorValues v = new IndicatorValues();
        v.ema9 = 1;
        v.trendDirection = TrendDirection.UP;
        IndicatorValues c = v.copy();
        assertThat(c).isEqualTo(v).hasSameHashCodeAs(v);
        c.clear();
        assertThat(c).isEqualTo(new IndicatorValues());
        assertThat(c.ema9).isNaN();
        assertThat(c.trendDirection).isNull();
    }
}
