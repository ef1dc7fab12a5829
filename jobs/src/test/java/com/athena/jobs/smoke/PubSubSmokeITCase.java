package com.athena.jobs.smoke;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.PubSubEndpoint;
import com.athena.testing.MiniClusters;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.gcp.pubsub.PubSubSource;
import org.apache.flink.streaming.connectors.gcp.pubsub.common.PubSubDeserializationSchema;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A MiniCluster job reads messages published to the real Pub/Sub emulator. */
@RequiresServices(RealService.PUBSUB)
class PubSubSmokeITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension();

    private static final int MESSAGES = 25;

    @Test
    void jobReadsPublishedMessages() throws Exception {
        PubSubEndpoint pubsub = PubSubEndpoint.from(ServiceEnvironment.load());
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "smoke-topic-" + run;
        String subscription = "smoke-sub-" + run;

        Set<String> published = new HashSet<>();
        try (PubSubEndpoint.Clients clients = pubsub.clients()) {
            clients.ensureSubscription(subscription, topic, 30);
            Publisher publisher = clients.publisher(topic);
            try {
                List<com.google.api.core.ApiFuture<String>> ids = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    String body = "{\"n\":" + i + ",\"run\":\"" + run + "\"}";
                    published.add(body);
                    ids.add(
                            publisher.publish(
                                    PubsubMessage.newBuilder()
                                            .setData(ByteString.copyFromUtf8(body))
                                            .build()));
                }
                assertThat(ApiFutures.allAsList(ids).get(30, TimeUnit.SECONDS)).hasSize(MESSAGES);
            } finally {
                publisher.shutdown();
                publisher.awaitTermination(10, TimeUnit.SECONDS);
            }
        }

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        // The connector acknowledges only on completed checkpoints.
        env.enableCheckpointing(200);
        env.setParallelism(1);
        PubSubSource<String> source =
                pubsub.source(subscription, new Utf8(), 10, Duration.ofSeconds(5), 3);
        List<String> received =
                env.addSource(source, "pubsub-smoke-source")
                        .uid("pubsub-smoke-source")
                        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
                        .uid("no-watermarks")
                        .executeAndCollect(MESSAGES);

        assertThat(new HashSet<>(received)).isEqualTo(published);
    }

    /** Message bodies as UTF-8 strings. */
    static final class Utf8 implements PubSubDeserializationSchema<String> {
        private final SimpleStringSchema strings = new SimpleStringSchema();

        @Override
        public boolean isEndOfStream(String nextElement) {
            return false;
        }

        @Override
        public String deserialize(PubsubMessage message) {
            return strings.deserialize(message.getData().toByteArray());
        }

        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<String> getProducedType() {
            return strings.getProducedType();
        }
    }
}
