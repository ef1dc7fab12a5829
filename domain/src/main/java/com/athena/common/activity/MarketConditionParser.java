package com.athena.common.activity;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;
import com.athena.common.json.RecordParser;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the market job's conditions (Kafka {@code market.conditions}): {@code symbol}, {@code
 * event_time} (epoch millis), {@code trend_direction} and {@code volatility_level} (either may be
 * null while unknown).
 */
public final class MarketConditionParser implements RecordParser<MarketCondition> {
    private static final long serialVersionUID = 1L;

    private final long maxFutureMillis;

    public MarketConditionParser(long maxFutureMillis) {
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public MarketCondition parse(String payload, long nowMillis) throws InvalidRecordException {
        JsonNode node = JsonFields.object(payload);
        return new MarketCondition(
                JsonFields.text(node, "symbol", 64),
                JsonFields.timestamp(node, "event_time", nowMillis, maxFutureMillis),
                JsonFields.optionalText(node, "trend_direction", 32),
                JsonFields.optionalText(node, "volatility_level", 32));
    }
}
