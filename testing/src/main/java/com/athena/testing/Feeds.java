package com.athena.testing;

import com.athena.common.connectors.KafkaEndpoint;
import com.athena.common.connectors.PubSubEndpoint;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Feeds the integration tests' inputs: fresh Kafka topics and Pub/Sub messages. */
public final class Feeds {
    /** Marks a message without data: Pub/Sub refuses a message with neither data nor attributes. */
    static final String NO_DATA_ATTRIBUTE = "athena-test";

    private Feeds() {}

    /**
     * Creates the topics and waits until the leader of every partition serves it: a fresh topic's
     * leader is in the metadata a moment before the broker has created the partition's log.
     */
    public static void createTopics(KafkaEndpoint kafka, int partitions, String... topics)
            throws Exception {
        List<NewTopic> fresh = new ArrayList<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (String topic : topics) {
            fresh.add(new NewTopic(topic, partitions, (short) 1));
            for (int p = 0; p < partitions; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(fresh).all().get(30, TimeUnit.SECONDS);
            // A producer whose first batch meets a partition without its log yet gets
            // NOT_LEADER_OR_FOLLOWER; an idempotent one can then stay stuck in
            // OUT_OF_ORDER_SEQUENCE retries while its later batches land (seen in CI). Listing
            // the end offsets is answered by the leader only once it serves the partition.
            Waits.until(
                    "partitions served: " + List.of(topics),
                    Duration.ofSeconds(60),
                    () -> {
                        try {
                            admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
                            return true;
                        } catch (ExecutionException | TimeoutException notYet) {
                            return false;
                        }
                    });
        }
    }

    /**
     * Creates the subscription (and topic) if needed and publishes the bodies in order. An empty
     * body goes out as a message with an attribute and no data, as a real publisher may send.
     */
    public static void publish(
            PubSubEndpoint pubsub, String topic, String subscription, List<String> bodies)
            throws Exception {
        try (PubSubEndpoint.Clients clients = pubsub.clients()) {
            clients.ensureSubscription(subscription, topic, 30);
            Publisher publisher = clients.publisher(topic);
            try {
                List<ApiFuture<String>> ids = new ArrayList<>();
                for (String body : bodies) {
                    PubsubMessage.Builder message =
                            PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(body));
                    if (body.isEmpty()) {
                        message.putAttributes(NO_DATA_ATTRIBUTE, "no-data");
                    }
                    ids.add(publisher.publish(message.build()));
                }
                ApiFutures.allAsList(ids).get(60, TimeUnit.SECONDS);
            } finally {
                publisher.shutdown();
                publisher.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Every record of a one-partition topic's partition 0 from its beginning up to the end offset
     * at the call, waiting at most 30 s.
     */
    public static List<ConsumerRecord<String, String>> readTopic(
            KafkaEndpoint kafka, String topic) {
        Properties props = kafka.clientProperties();
        props.setProperty("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }
}
