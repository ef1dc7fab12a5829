package com.athena.common.connectors;

import org.apache.flink.streaming.connectors.gcp.pubsub.BlockingGrpcPubSubSubscriber;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubSubscriber;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubSubscriberFactory;

import com.google.auth.Credentials;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.SubscriberGrpc;
import io.grpc.ManagedChannel;
import io.grpc.auth.MoreCallCredentials;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.time.Duration;

/**
 * The Pub/Sub pull of the jobs' sources, as the connector's own factories build it but with a gRPC
 * inbound limit that holds a pull response of the largest messages Pub/Sub accepts. gRPC's default
 * of 4 MiB is below Pub/Sub's 10 MB message limit: one larger message would fail every pull, and be
 * redelivered for ever, with the job failing over each time. Such a message now arrives, and the
 * parse step dead-letters a payload above its own bound.
 *
 * <p>A pull asks for at most {@code maxMessagesPerPull} messages, so a response may hold several
 * large ones: the limit is {@link #MAX_INBOUND_BYTES}, and a response beyond it (several messages
 * near 10 MB in one pull) still fails that pull, which is retried; lower {@code
 * pubsub.max-messages-per-pull} if such feeds are expected.
 */
public final class LargeMessageSubscriberFactory implements PubSubSubscriberFactory {
    private static final long serialVersionUID = 1L;

    /** Pub/Sub's largest message (10 MB), with room for the other messages of a pull. */
    public static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

    private final String emulatorHost;
    private final String projectSubscriptionName;
    private final int retries;
    private final Duration timeout;
    private final int maxMessagesPerPull;

    /**
     * @param emulatorHost {@code host:port} of the emulator (plaintext, no credentials), or null
     *     for Google Cloud
     */
    public LargeMessageSubscriberFactory(
            String emulatorHost,
            String project,
            String subscription,
            int retries,
            Duration timeout,
            int maxMessagesPerPull) {
        this.emulatorHost = emulatorHost;
        this.projectSubscriptionName = ProjectSubscriptionName.format(project, subscription);
        this.retries = retries;
        this.timeout = timeout;
        this.maxMessagesPerPull = maxMessagesPerPull;
    }

    @Override
    public PubSubSubscriber getSubscriber(Credentials credentials) throws IOException {
        ManagedChannel channel;
        SubscriberGrpc.SubscriberBlockingStub stub;
        if (emulatorHost != null) {
            channel =
                    NettyChannelBuilder.forTarget(emulatorHost)
                            .usePlaintext()
                            .maxInboundMessageSize(MAX_INBOUND_BYTES)
                            .build();
            stub = SubscriberGrpc.newBlockingStub(channel);
        } else {
            channel =
                    NettyChannelBuilder.forTarget(SubscriberStubSettings.getDefaultEndpoint())
                            .negotiationType(NegotiationType.TLS)
                            .sslContext(GrpcSslContexts.forClient().ciphers(null).build())
                            .maxInboundMessageSize(MAX_INBOUND_BYTES)
                            .build();
            stub =
                    SubscriberGrpc.newBlockingStub(channel)
                            .withCallCredentials(MoreCallCredentials.from(credentials));
        }
        PullRequest pull =
                PullRequest.newBuilder()
                        .setMaxMessages(maxMessagesPerPull)
                        .setSubscription(projectSubscriptionName)
                        .build();
        return new BlockingGrpcPubSubSubscriber(
                projectSubscriptionName, channel, stub, pull, retries, timeout);
    }
}
