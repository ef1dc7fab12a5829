package com.athena.common.connectors;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubDeserializationSchema;

import com.google.pubsub.v1.PubsubMessage;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hands every Pub/Sub message on as a {@link RawRecord} (never throwing, so a bad message cannot
 * fail the source), identified by subscription and message id, timed by its publish time.
 */
public class RawPubSubMessages implements PubSubDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    /** Metric name: messages this subtask received before (a redelivery). */
    public static final String METRIC_REDELIVERIES = "pubsubRedeliveries";

    /** How many recent message ids a subtask remembers to recognize a redelivery. */
    static final int REMEMBERED_IDS = 100_000;

    private final String subscription;

    private transient Counter redeliveries;
    private transient Set<String> recent;

    public RawPubSubMessages(String subscription) {
        this.subscription = subscription;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        redeliveries = context.getMetricGroup().counter(METRIC_REDELIVERIES);
        // Insertion-ordered and bounded: the oldest id is forgotten first.
        recent =
                Collections.newSetFromMap(
                        new LinkedHashMap<>() {
                            private static final long serialVersionUID = 1L;

                            @Override
                            protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                                return size() > REMEMBERED_IDS;
                            }
                        });
    }

    /**
     * Counts a message id seen before by this subtask: a message not acknowledged within its
     * deadline, or since the last checkpoint before a restart of the source only (the ids are not
     * in state), came again. The treasury's event-id de-duplication keeps it from counting twice.
     */
    private void countRedelivery(String messageId) {
        if (recent != null && !recent.add(messageId)) {
            redeliveries.inc();
        }
    }

    @Override
    public boolean isEndOfStream(RawRecord next) {
        return false;
    }

    @Override
    public RawRecord deserialize(PubsubMessage message) {
        long published =
                message.getPublishTime().getSeconds() * 1000L
                        + message.getPublishTime().getNanos() / 1_000_000;
        countRedelivery(message.getMessageId());
        return new RawRecord(
                message.getData().toString(StandardCharsets.UTF_8),
                subscription + "@" + message.getMessageId(),
                published);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
