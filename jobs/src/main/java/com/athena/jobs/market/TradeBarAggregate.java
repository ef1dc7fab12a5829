package com.athena.jobs.market;

import com.athena.common.market.OhlcvAccumulator;
import com.athena.common.market.Trade;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds a window's trades into OHLCV incrementally, so a window keeps one accumulator: the
 * aggregate of the former graph's window operators ({@code bars-<tf>}), with which {@link
 * MarketMigration} reads their state.
 */
public class TradeBarAggregate
        implements AggregateFunction<Trade, OhlcvAccumulator, OhlcvAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public OhlcvAccumulator createAccumulator() {
        return new OhlcvAccumulator();
    }

    @Override
    public OhlcvAccumulator add(Trade trade, OhlcvAccumulator acc) {
        acc.add(trade.ts, trade.price, trade.size);
        return acc;
    }

    @Override
    public OhlcvAccumulator getResult(OhlcvAccumulator acc) {
        return acc;
    }

    @Override
    public OhlcvAccumulator merge(OhlcvAccumulator a, OhlcvAccumulator b) {
        a.merge(b);
        return a;
    }
}
