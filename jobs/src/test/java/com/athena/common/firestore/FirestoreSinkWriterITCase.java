package com.athena.common.firestore;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.FirestoreEndpoint;
import com.athena.testing.RealService;
import com.athena.testing.RequiresServices;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink writer against the real Firestore emulator with a fake processing-time clock: the rate
 * limit holds a recently written document back, and {@code flush} (what Flink calls before a
 * checkpoint barrier) writes it anyway.
 */
@RequiresServices(RealService.FIRESTORE)
class FirestoreSinkWriterITCase {

    /** A test element: one document per key, with an event time and a value. */
    record Update(String key, long eventTime, String value) {}

    static final class UpdateDocuments implements FirestoreDocumentMapper<Update> {
        private final String collection;

        UpdateDocuments(String collection) {
            this.collection = collection;
        }

        @Override
        public String collection(Update u) {
            return collection;
        }

        @Override
        public String documentId(Update u) {
            return u.key();
        }

        @Override
        public long eventTime(Update u) {
            return u.eventTime();
        }

        @Override
        public Map<String, Object> fields(Update u) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("value", u.value());
            return fields;
        }
    }

    private static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    private final String collection =
            "sink_writer_itcase_" + UUID.randomUUID().toString().substring(0, 8);
    private long now = 5_000_000L;
    private FirestoreEndpoint endpoint;
    private Firestore reader;
    private FirestoreSinkWriter<Update> writer;

    @BeforeEach
    void open() {
        endpoint = FirestoreEndpoint.from(ServiceEnvironment.load());
        reader = endpoint.open();
        writer =
                new FirestoreSinkWriter<>(
                        new UpdateDocuments(collection),
                        FirestoreSinkOptions.builder().minInterval(Duration.ofSeconds(1)).build(),
                        endpoint.open(),
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                        () -> now);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
        reader.close();
    }

    @Test
    void writesAtMostOncePerIntervalAndEverythingOnFlush() throws Exception {
        writer.write(new Update("a", 1, "a1"), NO_CONTEXT);
        assertThat(value("a")).as("a key never written is written at once").isEqualTo("a1");

        now += 10;
        writer.write(new Update("a", 2, "a2"), NO_CONTEXT);
        writer.write(new Update("b", 1, "b1"), NO_CONTEXT);
        assertThat(value("a")).as("held by the rate limit").isEqualTo("a1");
        assertThat(value("b")).isEqualTo("b1");

        now += 989; // 999 ms after a1
        writer.write(new Update("a", 3, "a3"), NO_CONTEXT);
        assertThat(value("a")).isEqualTo("a1");

        now += 1; // the interval has passed: the next element releases the newest pending value
        writer.write(new Update("b", 2, "b2"), NO_CONTEXT);
        assertThat(value("a")).isEqualTo("a3");
        assertThat(value("b")).as("b was written 10 ms after a1: still held").isEqualTo("b1");

        // A checkpoint flush writes everything pending, whatever the interval.
        writer.write(new Update("a", 4, "a4"), NO_CONTEXT);
        writer.flush(false);
        assertThat(value("a")).isEqualTo("a4");
        assertThat(value("b")).isEqualTo("b2");
    }

    @Test
    void anOlderPendingValueNeverOverwritesANewerStoredOne() throws Exception {
        writer.write(new Update("c", 100, "new"), NO_CONTEXT);
        now += 1;
        writer.write(new Update("c", 50, "old"), NO_CONTEXT);
        writer.flush(true);
        DocumentSnapshot doc = doc("c");
        assertThat(doc.getString("value")).isEqualTo("new");
        assertThat(doc.getLong(FirestoreSink.EVENT_TIME_FIELD)).isEqualTo(100L);
    }

    private String value(String id) throws Exception {
        return doc(id).getString("value");
    }

    private DocumentSnapshot doc(String id) throws Exception {
        return reader.collection(collection).document(id).get().get(30, TimeUnit.SECONDS);
    }
}
