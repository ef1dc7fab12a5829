package com.athena.common.firestore;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import com.google.cloud.firestore.Firestore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The writer of a {@link FirestoreSink}: coalesces elements per document in a {@link
 * LatestByKeyBuffer} and writes them through an {@link EventTimeGuardedWriter}.
 *
 * <p>A SinkWriter has no timers, so due documents are written whenever an element arrives, and
 * everything pending is written on {@link #flush}: Flink calls it before each checkpoint barrier
 * and at the end of input. Writing all pending documents there (ignoring the rate limit) is what
 * makes the sink at-least-once: nothing acknowledged by a checkpoint lives only in memory. Writes
 * are synchronous; a failure throws and fails the task.
 */
final class FirestoreSinkWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(FirestoreSinkWriter.class);

    private final FirestoreDocumentMapper<T> mapper;
    private final Firestore firestore;
    private final EventTimeGuardedWriter writer;
    private final LatestByKeyBuffer<String, PendingDocument> buffer;

    private final Counter writes;
    private final Counter staleSkipped;
    private final Counter coalesced;
    private final Counter conflicts;
    private final Counter refused;
    private final Counter recordsSend;
    private final Counter sendErrors;
    private final long timeoutMillis;

    FirestoreSinkWriter(
            FirestoreDocumentMapper<T> mapper,
            FirestoreSinkOptions options,
            Firestore firestore,
            SinkWriterMetricGroup metrics,
            LongSupplier clock) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.firestore = Objects.requireNonNull(firestore, "firestore");
        this.writer = new EventTimeGuardedWriter(firestore, options);
        this.buffer = new LatestByKeyBuffer<>(options.minInterval().toMillis(), clock);
        this.writes = metrics.counter(FirestoreSink.METRIC_WRITES);
        this.staleSkipped = metrics.counter(FirestoreSink.METRIC_STALE_SKIPPED);
        this.coalesced = metrics.counter(FirestoreSink.METRIC_COALESCED);
        this.conflicts = metrics.counter(FirestoreSink.METRIC_CONFLICTS);
        this.refused = metrics.counter(FirestoreSink.METRIC_REFUSED);
        this.timeoutMillis = options.requestTimeout().toMillis();
        this.recordsSend = metrics.getNumRecordsSendCounter();
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        metrics.gauge(FirestoreSink.METRIC_PENDING, buffer::pendingCount);
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        // Mapped now, not at write time: with object reuse the element may change after we return.
        PendingDocument doc =
                new PendingDocument(
                        mapper.collection(element),
                        mapper.documentId(element),
                        mapper.eventTime(element),
                        mapper.fields(element));
        if (buffer.offer(doc.path(), doc, doc.eventTime()) != LatestByKeyBuffer.Offer.ADDED) {
            coalesced.inc();
        }
        writeAll(buffer.drainDue());
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeAll(buffer.drainAll());
    }

    private void writeAll(List<LatestByKeyBuffer.Entry<String, PendingDocument>> due)
            throws IOException, InterruptedException {
        if (due.isEmpty()) {
            return;
        }
        List<PendingDocument> docs = new ArrayList<>(due.size());
        for (LatestByKeyBuffer.Entry<String, PendingDocument> entry : due) {
            docs.add(entry.value());
        }
        EventTimeGuardedWriter.Result result = writer.write(docs);
        for (PendingDocument doc : result.written()) {
            buffer.markWritten(doc.path());
        }
        for (Map.Entry<PendingDocument, String> r : result.refused().entrySet()) {
            deadLetter(r.getKey(), r.getValue());
            buffer.markWritten(r.getKey().path());
        }
        refused.inc(result.refused().size());
        sendErrors.inc(result.refused().size());
        writes.inc(result.written().size());
        recordsSend.inc(result.written().size());
        staleSkipped.inc(result.staleSkipped().size());
        conflicts.inc(result.conflicts());
        LOG.debug(
                "Firestore: {} written, {} stale skipped, {} conflicts retried, {} still pending",
                result.written().size(),
                result.staleSkipped().size(),
                result.conflicts(),
                buffer.pendingCount());
    }

    /**
     * Keeps a refused document in {@link FirestoreSink#DEAD_LETTERS_COLLECTION} with Firestore's
     * reason and the document's fields as text (cut to stay far below the document limit). A
     * failure here is an outage: it throws, and the job fails over and writes again.
     */
    private void deadLetter(PendingDocument doc, String reason)
            throws IOException, InterruptedException {
        LOG.warn("Firestore refused {}: {}; kept as a dead letter", doc.path(), reason);
        String fields = String.valueOf(doc.fields());
        Map<String, Object> letter = new HashMap<>();
        letter.put("source", "firestore-refused-documents");
        letter.put("origin", doc.path());
        letter.put("event_time", doc.eventTime());
        letter.put("reason", reason);
        letter.put(
                "payload",
                fields.length() > MAX_PAYLOAD_CHARS
                        ? fields.substring(0, MAX_PAYLOAD_CHARS) + "..."
                        : fields);
        String id = (doc.collection() + ":" + doc.documentId() + ":" + doc.eventTime());
        try {
            firestore
                    .collection(FirestoreSink.DEAD_LETTERS_COLLECTION)
                    .document(id)
                    .set(letter)
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Writing the dead letter of " + doc.path() + " failed", e);
        }
    }

    /** At most this much of a refused document's fields in its dead letter. */
    private static final int MAX_PAYLOAD_CHARS = 100_000;

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            try {
                firestore.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IOException("Closing the Firestore client failed", e);
            }
        }
    }
}
