package com.athena.common.connectors;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.config.ServiceKeys;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.connectors.gcp.pubsub.PubSubSource;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubDeserializationSchema;
import org.apache.flink.streaming.connectors.gcp.pubsub.emulator.EmulatorCredentials;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A Google Pub/Sub project, in GCP or in the local emulator, and the clients to reach it. */
public final class PubSubEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String projectId;
    private final String emulatorHost;

    public PubSubEndpoint(String projectId, String emulatorHost) {
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.emulatorHost = emulatorHost;
    }

    /** The project and (optional) emulator named by the services env. */
    public static PubSubEndpoint from(ServiceEnvironment env) {
        return new PubSubEndpoint(
                env.require(ServiceKeys.PUBSUB_PROJECT_ID),
                env.get(ServiceKeys.PUBSUB_EMULATOR_HOST).orElse(null));
    }

    public String projectId() {
        return projectId;
    }

    public Optional<String> emulatorHost() {
        return Optional.ofNullable(emulatorHost);
    }

    /**
     * A source over a subscription. It acknowledges messages only when a checkpoint completes, so
     * the job must checkpoint; unacknowledged messages are redelivered after a restart.
     */
    public <T> PubSubSource<T> source(
            String subscription,
            PubSubDeserializationSchema<T> schema,
            int maxMessagesPerPull,
            Duration pullTimeout,
            int retries)
            throws IOException {
        PubSubSource.PubSubSourceBuilder<T> builder =
                PubSubSource.newBuilder()
                        .withDeserializationSchema(schema)
                        .withProjectName(projectId)
                        .withSubscriptionName(subscription);
        if (emulatorHost != null) {
            builder.withCredentials(EmulatorCredentials.getInstance());
        }
        // Messages up to Pub/Sub's 10 MB limit, not gRPC's default 4 MiB.
        builder.withPubSubSubscriberFactory(
                new LargeMessageSubscriberFactory(
                        emulatorHost,
                        projectId,
                        subscription,
                        retries,
                        pullTimeout,
                        maxMessagesPerPull));
        return builder.build();
    }

    /**
     * The ack deadline of a job's subscription, in seconds: the source acknowledges a message only
     * when the checkpoint after it completes, which is at most one checkpoint interval plus the
     * minimum pause plus the checkpoint timeout after the pull. A shorter deadline redelivers
     * messages without any fault whenever a checkpoint is slow. Clamped to Pub/Sub's range [10,
     * 600]; with the shipped settings (10 s, 2 s, 2 min) it is 132 s.
     */
    public static int ackDeadlineSeconds(ReadableConfig flink, Duration defaultInterval) {
        Duration interval =
                flink.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                        .orElse(defaultInterval);
        Duration total =
                interval.plus(flink.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
                        .plus(flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT));
        long seconds = (total.toMillis() + 999) / 1000;
        return (int) Math.max(10, Math.min(600, seconds));
    }

    /** Clients for administration and publishing; close it to release the gRPC channel. */
    public Clients clients() throws IOException {
        return new Clients();
    }

    /** Admin and publisher clients sharing one channel. */
    public final class Clients implements AutoCloseable {
        private final ManagedChannel channel;
        private final TransportChannelProvider channelProvider;
        private final CredentialsProvider credentials;
        private final TopicAdminClient topics;
        private final SubscriptionAdminClient subscriptions;

        private Clients() throws IOException {
            if (emulatorHost != null) {
                // The emulator speaks plaintext gRPC and takes no credentials.
                channel = ManagedChannelBuilder.forTarget(emulatorHost).usePlaintext().build();
                channelProvider =
                        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
                credentials = NoCredentialsProvider.create();
                topics =
                        TopicAdminClient.create(
                                TopicAdminSettings.newBuilder()
                                        .setTransportChannelProvider(channelProvider)
                                        .setCredentialsProvider(credentials)
                                        .build());
                subscriptions =
                        SubscriptionAdminClient.create(
                                SubscriptionAdminSettings.newBuilder()
                                        .setTransportChannelProvider(channelProvider)
                                        .setCredentialsProvider(credentials)
                                        .build());
            } else {
                channel = null;
                channelProvider = null;
                credentials = null;
                topics = TopicAdminClient.create();
                subscriptions = SubscriptionAdminClient.create();
            }
        }

        /** Creates the topic unless it exists. */
        public void ensureTopic(String topic) {
            try {
                topics.createTopic(TopicName.of(projectId, topic));
            } catch (AlreadyExistsException e) {
                // Idempotent by design: setup runs on every start.
            }
        }

        /** Creates the subscription on the topic unless it exists. */
        public void ensureSubscription(String subscription, String topic, int ackDeadlineSeconds) {
            ensureTopic(topic);
            try {
                subscriptions.createSubscription(
                        ProjectSubscriptionName.of(projectId, subscription),
                        TopicName.of(projectId, topic),
                        PushConfig.getDefaultInstance(),
                        ackDeadlineSeconds);
            } catch (AlreadyExistsException e) {
                // Idempotent by design.
            }
        }

        /** A publisher on the topic; the caller shuts it down. */
        public Publisher publisher(String topic) throws IOException {
            Publisher.Builder builder = Publisher.newBuilder(TopicName.of(projectId, topic));
            if (channelProvider != null) {
                builder.setChannelProvider(channelProvider).setCredentialsProvider(credentials);
            }
            return builder.build();
        }

        @Override
        public void close() {
            topics.close();
            subscriptions.close();
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }
}
