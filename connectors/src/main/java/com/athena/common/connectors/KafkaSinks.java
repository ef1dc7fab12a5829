package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Kafka sinks of the project. */
public final class KafkaSinks {
    private KafkaSinks() {}

    /**
     * Dead letters as JSON ({@code source, origin, received_at, reason, payload}), keyed by source.
     * At-least-once: a consumer de-duplicates on (source, origin, received_at) if it must, and the
     * dead-letter table holds each exactly once.
     */
    public static Sink<DeadLetter> deadLetters(KafkaEndpoint endpoint, String topic) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(endpoint.bootstrapServers())
                .setKafkaProducerConfig(endpoint.properties())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<DeadLetter>builder()
                                .setTopic(topic)
                                .setKeySerializationSchema(
                                        (SerializationSchema<DeadLetter>)
                                                d -> d.source.getBytes(StandardCharsets.UTF_8))
                                .setValueSerializationSchema(
                                        (SerializationSchema<DeadLetter>)
                                                KafkaSinks::deadLetterJson)
                                .build())
                .build();
    }

    static byte[] deadLetterJson(DeadLetter d) {
        ObjectNode json = JsonFields.MAPPER.createObjectNode();
        json.put("source", d.source)
                .put("origin", d.origin)
                .put("received_at", Instant.ofEpochMilli(d.receivedAt).toString())
                .put("reason", d.reason)
                .put("payload", d.payload);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
