package com.athena.jobs.reliability;

import com.athena.jobs.reliability.TreasuryFeed.Event;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Sends events to their input: costs to Pub/Sub, balance events to Kafka (key: agent). */
final class TreasurySender {
    private final Publisher costs;
    private final KafkaProducer<String, String> kafka;
    private final String eventsTopic;

    TreasurySender(Publisher costs, KafkaProducer<String, String> kafka, String eventsTopic) {
        this.costs = costs;
        this.kafka = kafka;
        this.eventsTopic = eventsTopic;
    }

    /** Sends the events and waits until Pub/Sub and Kafka have taken each. */
    void all(List<Event> events) throws Exception {
        List<ApiFuture<String>> published = new ArrayList<>();
        List<Future<?>> produced = new ArrayList<>();
        for (Event e : events) {
            if (e.pubsub()) {
                published.add(
                        costs.publish(
                                PubsubMessage.newBuilder()
                                        .setData(ByteString.copyFromUtf8(e.json()))
                                        .build()));
            } else {
                produced.add(kafka.send(new ProducerRecord<>(eventsTopic, e.agent(), e.json())));
            }
        }
        kafka.flush();
        ApiFutures.allAsList(published).get(30, TimeUnit.SECONDS);
        for (Future<?> f : produced) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code batch} events every {@code every}: input that keeps flowing. */
    void paced(List<Event> events, int batch, Duration every) throws Exception {
        for (int i = 0; i < events.size(); i += batch) {
            long next = System.nanoTime() + every.toNanos();
            all(events.subList(i, Math.min(events.size(), i + batch)));
            long rest = next - System.nanoTime();
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
        }
    }
}
