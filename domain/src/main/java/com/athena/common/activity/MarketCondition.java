package com.athena.common.activity;

import java.util.Objects;

/**
 * The market job's view of one symbol (Kafka {@code market.conditions}): trend and volatility as of
 * {@link #timestamp} (event time), holding until the symbol's next condition.
 */
public class MarketCondition {
    public String symbol;

    /** Event time of the view, epoch millis. */
    public long timestamp;

    /** {@code upward}, {@code downward}, {@code sideways}; null while unknown. */
    public String trend;

    /** {@code low}, {@code normal}, {@code high}; null while unknown. */
    public String volatility;

    public MarketCondition() {}

    public MarketCondition(String symbol, long timestamp, String trend, String volatility) {
        this.symbol = symbol;
        this.timestamp = timestamp;
        this.trend = trend;
        this.volatility = volatility;
    }

    /**
     * The {@code market_condition} label of {@code agent_decisions}: {@code high_volatility} while
     * volatility is high (it dominates a decision's risk), else the trend ({@code downward_trend},
     * {@code upward_trend}, {@code sideways_trend}), else {@code <level>_volatility}; null when
     * nothing is known.
     */
    public String label() {
        if ("high".equals(volatility)) {
            return "high_volatility";
        }
        if (trend != null) {
            return trend + "_trend";
        }
        return volatility == null ? null : volatility + "_volatility";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MarketCondition)) {
            return false;
        }
        MarketCondition m = (MarketCondition) o;
        return timestamp == m.timestamp
                && Objects.equals(symbol, m.symbol)
                && Objects.equals(trend, m.trend)
                && Objects.equals(volatility, m.volatility);
    }

    @Override
    public int hashCode() {
        return Objects.hash(symbol, timestamp, trend, volatility);
    }

    @Override
    public String toString() {
        return "MarketCondition{" + symbol + '@' + timestamp + ' ' + trend + ' ' + volatility + '}';
    }
}
