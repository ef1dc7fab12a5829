package com.athena.common.market;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OhlcvAccumulatorTest {

    @Test
    void buildsABarFromInOrderTrades() {
        OhlcvAccumulator acc = new OhlcvAccumulator();
        assertThat(acc.isEmpty()).isTrue();
        acc.add(1_000, 100, 1);
        acc.add(2_000, 105, 2);
        acc.add(3_000, 95, 0.5);
        acc.add(4_000, 101, 1.5);
        assertThat(acc.isEmpty()).isFalse();
        assertThat(acc.toBar("BTC-USD", Timeframe.M1, 0))
                .isEqualTo(new Bar("BTC-USD", "1m", 0, 100, 105, 95, 101, 5, 4));
    }

    @Test
    void openAndCloseFollowEventTimeNotArrival() {
        OhlcvAccumulator acc = new OhlcvAccumulator();
        acc.add(3_000, 103, 1);
        acc.add(1_000, 101, 1); // late: earliest trade, becomes the open
        acc.add(4_000, 104, 1);
        acc.add(2_000, 102, 1); // late: neither open nor close
        assertThat(acc.open).isEqualTo(101);
        assertThat(acc.close).isEqualTo(104);
        assertThat(acc.high).isEqualTo(104);
        assertThat(acc.low).isEqualTo(101);
        assertThat(acc.count).isEqualTo(4);
    }

    @Test
    void equalTimestampsKeepArrivalOrder() {
        OhlcvAccumulator acc = new OhlcvAccumulator();
        acc.add(1_000, 10, 1);
        acc.add(1_000, 11, 1); // same second: the open stays the first arrived
        acc.add(2_000, 12, 1);
        acc.add(2_000, 13, 1); // same second: the close becomes the last arrived
        assertThat(acc.open).isEqualTo(10);
        assertThat(acc.close).isEqualTo(13);
    }

    @Test
    void mergeTreatsTheOtherAsLaterArrivals() {
        OhlcvAccumulator a = new OhlcvAccumulator();
        a.add(1_000, 10, 1);
        a.add(5_000, 50, 1);
        OhlcvAccumulator b = new OhlcvAccumulator();
        b.add(1_000, 11, 2); // ties a's open: a's arrived first, so a's open stays
        b.add(5_000, 51, 2); // ties a's close: b's arrived later, so b's close wins
        a.merge(b);
        assertThat(a.open).isEqualTo(10);
        assertThat(a.close).isEqualTo(51);
        assertThat(a.high).isEqualTo(51);
        assertThat(a.low).isEqualTo(10);
        assertThat(a.volume).isEqualTo(6);
        assertThat(a.count).isEqualTo(4);
    }

    @Test
    void mergeTakesStrictlyEarlierOpenAndLaterClose() {
        OhlcvAccumulator a = new OhlcvAccumulator();
        a.add(2_000, 20, 1);
        a.add(3_000, 30, 1);
        OhlcvAccumulator b = new OhlcvAccumulator();
        b.add(1_000, 5, 1);
        b.add(2_500, 40, 1);
        a.merge(b);
        assertThat(a.open).isEqualTo(5);
        assertThat(a.openTs).isEqualTo(1_000);
        assertThat(a.close).isEqualTo(30);
        assertThat(a.closeTs).isEqualTo(3_000);
        assertThat(a.high).isEqualTo(40);
        assertThat(a.low).isEqualTo(5);
    }

    @Test
    void mergeMatchesAddingEverythingInArrivalOrder() {
        long[] ts = {5, 3, 3, 9, 1, 9, 1, 7};
        double[] px = {50, 30, 31, 90, 10, 91, 11, 70};
        OhlcvAccumulator all = new OhlcvAccumulator();
        OhlcvAccumulator first = new OhlcvAccumulator();
        OhlcvAccumulator second = new OhlcvAccumulator();
        for (int i = 0; i < ts.length; i++) {
            all.add(ts[i], px[i], 1);
            (i < 4 ? first : second).add(ts[i], px[i], 1);
        }
        first.merge(second);
        assertThat(first.toBar("X", Timeframe.M1, 0)).isEqualTo(all.toBar("X", Timeframe.M1, 0));
        assertThat(first.open).isEqualTo(10);
        assertThat(first.close).isEqualTo(91);
    }

    @Test
    void mergeWithEmptySides() {
        OhlcvAccumulator empty = new OhlcvAccumulator();
        OhlcvAccumulator a = new OhlcvAccumulator();
        a.add(1_000, 10, 1);
        a.merge(new OhlcvAccumulator());
        assertThat(a.count).isEqualTo(1);
        empty.merge(a);
        assertThat(empty.toBar("X", Timeframe.M1, 0)).isEqualTo(a.toBar("X", Timeframe.M1, 0));
    }

    @Test
    void emptyAccumulatorHasNoBar() {
        assertThatThrownBy(() -> new OhlcvAccumulator().toBar("X", Timeframe.H1, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void barEqualityAndText() {
        Bar a = new Bar("ETH-USD", "5m", 300_000, 1, 2, 0.5, 1.5, 10, 3);
        Bar b = new Bar("ETH-USD", "5m", 300_000, 1, 2, 0.5, 1.5, 10, 3);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Bar("ETH-USD", "1m", 300_000, 1, 2, 0.5, 1.5, 10, 3));
        assertThat(a.toString()).contains("ETH-USD", "5m", "300000");
    }
}
