package com.athena.common.market;

import com.athena.common.indicators.IndicatorValues;

import java.util.Objects;

/** A closed bar with the indicators as of its close: one row of {@code market_data}. */
public class MarketBar {
    public Bar bar;
    public IndicatorValues indicators;

    public MarketBar() {}

    public MarketBar(Bar bar, IndicatorValues indicators) {
        this.bar = bar;
        this.indicators = indicators;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MarketBar)) {
            return false;
        }
        MarketBar m = (MarketBar) o;
        return Objects.equals(bar, m.bar) && Objects.equals(indicators, m.indicators);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bar, indicators);
    }

    @Override
    public String toString() {
        return "MarketBar{" + bar + ", " + indicators + "}";
    }
}
