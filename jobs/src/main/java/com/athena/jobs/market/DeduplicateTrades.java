package com.athena.jobs.market;

import com.athena.common.json.JsonFields;
import com.athena.common.market.Trade;

/**
 * The trade de-duplication's metric and dead-letter payload. The de-duplication itself is part of
 * the one keyed step per trade ({@link TradeBarsFunction}, {@link
 * com.athena.common.market.TradeBars}); the former operator of its own (uid {@link
 * MarketNames#DEDUP_TRADES}, state {@link MarketState#SEEN_TRADES}) only lives on in old
 * savepoints, which {@code bin/state migrate market} converts.
 */
public final class DeduplicateTrades {

    /** Counts the repeated trade ids, on the operator named {@link MarketNames#DEDUP_TRADES}. */
    public static final String METRIC_DUPLICATES = "duplicateTrades";

    private DeduplicateTrades() {}

    /** The trade as JSON, for its dead letter (the raw payload is not kept past parsing). */
    static String json(Trade t) {
        return JsonFields.MAPPER
                .createObjectNode()
                .put("symbol", t.symbol)
                .put("ts", t.ts)
                .put("price", t.price)
                .put("size", t.size)
                .put("trade_id", t.tradeId)
                .toString();
    }
}
