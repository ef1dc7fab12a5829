package com.athena.jobs.market;

import com.athena.common.firestore.FirestoreDocumentMapper;
import com.athena.common.firestore.FirestoreIds;
import com.athena.common.firestore.FirestoreSink;
import com.athena.common.market.MarketConditions;

import com.google.cloud.Timestamp;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps {@link MarketConditions} to the Firestore document {@code
 * agent_data_market_conditions/{symbol}}, shaped like the seed's {@code
 * agent_data/market_conditions} document.
 *
 * <p>The document id is the symbol with each {@code /} replaced by {@code _} ({@code BTC/USD}
 * becomes {@code BTC_USD}), since Firestore ids cannot contain a slash; the {@code symbol} field
 * keeps the original. Layout (unknown values are null; a confidence is null while its level is):
 *
 * <pre>{@code
 * condition_id: "<symbol>_<yyyyMMddHH of timestamp, UTC>"
 * symbol:       string
 * timeframe:    string, e.g. "1h"
 * timestamp:    Firestore timestamp (event time)
 * event_time:   integer, epoch millis (the same instant; what the sink's stale check compares)
 * conditions: {
 *   volatility: { level, confidence, metrics: { btc_24h_change, eth_24h_change, daily_natr } }
 *   sentiment:  { level, confidence, fear_greed_index }
 *   trend:      { direction, confidence, duration_hours }
 * }
 * last_updated: Firestore timestamp (commit time; added by the sink)
 * }</pre>
 *
 * <p>The seed's {@code volatility_index} has no counterpart in the stream; {@code daily_natr}, the
 * number behind the level, stands in its place.
 */
public final class MarketConditionsDocuments implements FirestoreDocumentMapper<MarketConditions> {
    private static final long serialVersionUID = 1L;

    public static final String COLLECTION = "agent_data_market_conditions";

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    @Override
    public String collection(MarketConditions element) {
        return COLLECTION;
    }

    @Override
    public String documentId(MarketConditions element) {
        if (element.symbol == null) {
            throw new IllegalArgumentException("MarketConditions without a symbol: " + element);
        }
        return FirestoreIds.sanitize(element.symbol);
    }

    @Override
    public long eventTime(MarketConditions element) {
        return element.timestamp;
    }

    @Override
    public Map<String, Object> fields(MarketConditions m) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("btc_24h_change", m.btc24hChange);
        metrics.put("eth_24h_change", m.eth24hChange);
        metrics.put("daily_natr", m.dailyNatr);

        Map<String, Object> volatility = new LinkedHashMap<>();
        volatility.put("level", m.volatilityLevel);
        volatility.put("confidence", confidence(m.volatilityLevel, m.volatilityConfidence));
        volatility.put("metrics", metrics);

        Map<String, Object> sentiment = new LinkedHashMap<>();
        sentiment.put("level", m.sentimentLevel);
        sentiment.put("confidence", confidence(m.sentimentLevel, m.sentimentConfidence));
        sentiment.put("fear_greed_index", m.fearGreedIndex);

        Map<String, Object> trend = new LinkedHashMap<>();
        trend.put("direction", m.trendDirection);
        trend.put("confidence", confidence(m.trendDirection, m.trendConfidence));
        trend.put("duration_hours", m.trendDirection == null ? null : m.trendDurationHours);

        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("volatility", volatility);
        conditions.put("sentiment", sentiment);
        conditions.put("trend", trend);

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("condition_id", conditionId(m));
        fields.put("symbol", m.symbol);
        fields.put("timeframe", m.timeframe);
        fields.put("timestamp", Timestamp.ofTimeMicroseconds(m.timestamp * 1000L));
        fields.put(FirestoreSink.EVENT_TIME_FIELD, m.timestamp);
        fields.put("conditions", conditions);
        return fields;
    }

    /** {@code <symbol>_<yyyyMMddHH>}: one id per symbol and hour, like the seed's. */
    static String conditionId(MarketConditions m) {
        return m.symbol + "_" + HOUR.format(Instant.ofEpochMilli(m.timestamp));
    }

    /** A confidence means nothing without the level it qualifies. */
    private static Double confidence(String level, double confidence) {
        return level == null ? null : confidence;
    }
}
