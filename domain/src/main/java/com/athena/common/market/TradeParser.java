package com.athena.common.market;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Serializable;
import java.util.regex.Pattern;

/** Parses and validates the JSON trades of Kafka {@code market.trades}. */
public final class TradeParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Tickers such as {@code BTC/USD}, {@code BTC-USD} or {@code ETHUSDT}. */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,31}");

    private static final int MAX_ID_LENGTH = 128;

    private final double maxPrice;
    private final double maxSize;
    private final long maxFutureMillis;

    /**
     * @param maxPrice prices above it are rejected as absurd
     * @param maxSize sizes above it are rejected as absurd
     * @param maxFutureMillis how far past the wall clock an event time may be
     */
    public TradeParser(double maxPrice, double maxSize, long maxFutureMillis) {
        this.maxPrice = maxPrice;
        this.maxSize = maxSize;
        this.maxFutureMillis = maxFutureMillis;
    }

    /** Parses one record; {@code nowMillis} bounds how far in the future its time may be. */
    public Trade parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        String symbol = JsonFields.text(node, "symbol", 32);
        if (!SYMBOL.matcher(symbol).matches()) {
            throw new InvalidRecordException("symbol has characters outside [A-Za-z0-9._:/-]");
        }
        long ts = JsonFields.timestamp(node, "ts", nowMillis, maxFutureMillis);
        double price = JsonFields.positive(node, "price");
        if (price > maxPrice) {
            throw new InvalidRecordException("price " + price + " is above " + maxPrice);
        }
        double size = JsonFields.positive(node, "size");
        if (size > maxSize) {
            throw new InvalidRecordException("size " + size + " is above " + maxSize);
        }
        String tradeId = optionalId(node, "trade_id");
        String source = JsonFields.optionalText(node, "source", 64);
        return new Trade(symbol, ts, price, size, tradeId, source);
    }

    private static String optionalId(JsonNode node, String field) throws InvalidRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        return JsonFields.text(node, field, MAX_ID_LENGTH);
    }
}
