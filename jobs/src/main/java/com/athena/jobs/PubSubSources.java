package com.athena.jobs;

import com.athena.common.config.CommonOptions;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.common.connectors.RawPubSubMessages;
import com.athena.common.connectors.RawRecord;
import com.athena.common.flink.SourceFactory;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;

import java.io.IOException;

/** The Pub/Sub inputs the jobs build the same way: raw records of a subscription. */
public final class PubSubSources {
    private PubSubSources() {}

    /**
     * A subscription's messages as raw records, pulled with the job's {@code pubsub.*} settings
     * (messages per pull, pull timeout, retries); acknowledged when a checkpoint completes.
     */
    public static SourceFactory<RawRecord> raw(
            PubSubEndpoint pubsub, String subscription, ReadableConfig config) throws IOException {
        return SourceFactory.legacy(
                pubsub.source(
                        subscription,
                        new RawPubSubMessages(subscription),
                        config.get(CommonOptions.PUBSUB_MAX_MESSAGES_PER_PULL),
                        config.get(CommonOptions.PUBSUB_PULL_TIMEOUT),
                        config.get(CommonOptions.PUBSUB_PULL_RETRIES)),
                TypeInformation.of(RawRecord.class));
    }
}
