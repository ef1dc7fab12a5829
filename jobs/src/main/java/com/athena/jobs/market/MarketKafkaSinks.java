package com.athena.jobs.market;

import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketConditions;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The Kafka sink of the market conditions ({@code market.conditions}), keyed by symbol so that one
 * symbol's views stay in order in one partition; the activity job joins decisions with them in
 * event time. At-least-once: a repeated view is the same view, and the reader keeps it once.
 */
public final class MarketKafkaSinks {
    private MarketKafkaSinks() {}

    public static Sink<MarketConditions> conditions(KafkaEndpoint endpoint, String topic) {
        return KafkaSink.<MarketConditions>builder()
                .setBootstrapServers(endpoint.bootstrapServers())
                .setKafkaProducerConfig(endpoint.properties())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<MarketConditions>builder()
                                .setTopic(topic)
                                .setKeySerializationSchema(
                                        (SerializationSchema<MarketConditions>)
                                                c -> c.symbol.getBytes(StandardCharsets.UTF_8))
                                .setValueSerializationSchema(
                                        (SerializationSchema<MarketConditions>)
                                                MarketKafkaSinks::conditionJson)
                                .build())
                .build();
    }

    /**
     * {@code symbol, timestamp (ISO-8601), event_time (epoch millis), timeframe, trend_direction,
     * trend_confidence, volatility_level, volatility_confidence, sentiment_level,
     * fear_greed_index}; unknown values are null.
     */
    public static byte[] conditionJson(MarketConditions c) {
        ObjectNode json = JsonFields.MAPPER.createObjectNode();
        json.put("symbol", c.symbol)
                .put("timestamp", Instant.ofEpochMilli(c.timestamp).toString())
                .put("event_time", c.timestamp)
                .put("timeframe", c.timeframe)
                .put("trend_direction", c.trendDirection)
                .put("trend_confidence", c.trendConfidence)
                .put("volatility_level", c.volatilityLevel)
                .put("volatility_confidence", c.volatilityConfidence)
                .put("sentiment_level", c.sentimentLevel)
                .put("fear_greed_index", c.fearGreedIndex);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
