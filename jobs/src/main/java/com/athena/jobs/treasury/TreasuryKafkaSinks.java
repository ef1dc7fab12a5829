package com.athena.jobs.treasury;

import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.json.JsonFields;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The Kafka sink of the treasury's transitions ({@code agent.transitions}), keyed by agent so that
 * one agent's transitions stay in order in one partition.
 *
 * <p>At-least-once by default: a transition is visible at once, and consumers de-duplicate on its
 * deterministic {@code transition_id} (a restart may repeat the transitions after the last
 * checkpoint). Exactly-once is available: the records then become visible to {@code read_committed}
 * consumers only when the checkpoint that covers them completes, which delays them by up to a
 * checkpoint interval.
 */
public final class TreasuryKafkaSinks {

    /** Kafka transaction timeout for exactly-once; below the broker's 1 h maximum. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private TreasuryKafkaSinks() {}

    /**
     * @param transactionalIdPrefix unique per job and sink; used only with exactly-once
     */
    public static Sink<TreasuryTransition> transitions(
            KafkaEndpoint endpoint,
            String topic,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        Properties producer = endpoint.properties();
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            producer.setProperty(
                    "transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        }
        KafkaSinkBuilder<TreasuryTransition> builder =
                KafkaSink.<TreasuryTransition>builder()
                        .setBootstrapServers(endpoint.bootstrapServers())
                        .setKafkaProducerConfig(producer)
                        .setDeliveryGuarantee(guarantee)
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.<TreasuryTransition>builder()
                                        .setTopic(topic)
                                        .setKeySerializationSchema(
                                                (SerializationSchema<TreasuryTransition>)
                                                        t ->
                                                                t.agentId.getBytes(
                                                                        StandardCharsets.UTF_8))
                                        .setValueSerializationSchema(
                                                (SerializationSchema<TreasuryTransition>)
                                                        TreasuryKafkaSinks::transitionJson)
                                        .build());
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /**
     * {@code transition_id, agent_id, timestamp (ISO-8601), event_time (epoch millis),
     * transition_type, event, from, to, reason, trigger, balance_usd, days_until_bankruptcy,
     * daily_burn_rate, daily_cost_usd, emotional_state, survival_mode_active}; unknown numbers are
     * null.
     */
    public static byte[] transitionJson(TreasuryTransition t) {
        ObjectNode json = JsonFields.MAPPER.createObjectNode();
        json.put("transition_id", t.transitionId)
                .put("agent_id", t.agentId)
                .put("timestamp", Instant.ofEpochMilli(t.timestamp).toString())
                .put("event_time", t.timestamp)
                .put("transition_type", t.transitionType)
                .put("event", t.event)
                .put("from", t.from)
                .put("to", t.to)
                .put("reason", t.reason)
                .put("trigger", t.trigger);
        number(json, "balance_usd", t.balanceUsd);
        number(json, "days_until_bankruptcy", t.daysUntilBankruptcy);
        number(json, "daily_burn_rate", t.dailyBurnRate);
        number(json, "daily_cost_usd", t.dailyCostUsd);
        json.put("emotional_state", t.emotionalState)
                .put("survival_mode_active", t.survivalModeActive);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void number(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }
}
