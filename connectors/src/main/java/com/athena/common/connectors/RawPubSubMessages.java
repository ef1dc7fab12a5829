package com.athena.common.connectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubDeserializationSchema;

import com.google.pubsub.v1.PubsubMessage;

import java.nio.charset.StandardCharsets;

/**
 * Hands every Pub/Sub message on as a {@link RawRecord} (never throwing, so a bad message cannot
 * fail the source), identified by subscription and message id, timed by its publish time.
 */
public class RawPubSubMessages implements PubSubDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String subscription;

    public RawPubSubMessages(String subscription) {
        this.subscription = subscription;
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
