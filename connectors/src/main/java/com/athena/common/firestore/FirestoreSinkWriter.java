package com.athena.common.firestore;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import com.google.cloud.firestore.Firestore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
    private final Counter recordsSend;

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
        this.recordsSend = metrics.getNumRecordsSendCounter();
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
