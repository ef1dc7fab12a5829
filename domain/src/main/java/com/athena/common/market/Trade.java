package com.athena.common.market;

import java.util.Objects;

/** One executed trade: the raw input of the market job. */
public class Trade {
    public String symbol;

    /** Event time, epoch millis. */
    public long ts;

    public double price;
    public double size;

    /** The venue's trade id, if it gave one. */
    public String tradeId;

    /** Where the trade came from (venue or feed), if known. */
    public String source;

    public Trade() {}

    public Trade(String symbol, long ts, double price, double size, String tradeId, String source) {
        this.symbol = symbol;
        this.ts = ts;
        this.price = price;
        this.size = size;
        this.tradeId = tradeId;
        this.source = source;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Trade)) {
            return false;
        }
        Trade t = (Trade) o;
        return ts == t.ts
                && Double.compare(price, t.price) == 0
                && Double.compare(size, t.size) == 0
                && Objects.equals(symbol, t.symbol)
                && Objects.equals(tradeId, t.tradeId)
                && Objects.equals(source, t.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(symbol, ts, price, size, tradeId, source);
    }

    @Override
    public String toString() {
        return "Trade{" + symbol + " " + ts + " " + price + " x " + size + "}";
    }
}
