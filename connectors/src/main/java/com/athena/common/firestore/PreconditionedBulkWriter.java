package com.athena.common.firestore;

import com.athena.common.connectors.RetryPolicy;

import com.google.api.core.ApiFuture;
import com.google.cloud.firestore.BulkWriter;
import com.google.cloud.firestore.BulkWriterOptions;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The batching side of {@link EventTimeGuardedWriter}: queues creates and precondition-guarded
 * updates on a {@link BulkWriter}, flushes them within the request timeout, and lets the BulkWriter
 * retry transient write errors (with its own backoff) while the {@link RetryPolicy} allows another
 * attempt.
 *
 * <p>An update replaces the whole document: fields the stored copy has and the new one lacks are
 * deleted, so the result is what a plain {@code set} would give.
 */
final class PreconditionedBulkWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreconditionedBulkWriter.class);

    private final ScheduledExecutorService executor;
    private final BulkWriter bulkWriter;
    private final long timeoutMs;

    PreconditionedBulkWriter(Firestore firestore, RetryPolicy retry, long timeoutMs) {
        this.timeoutMs = timeoutMs;
        // Our own daemon executor: the BulkWriter's default one is never shut down.
        this.executor =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "firestore-bulk-writer");
                            thread.setDaemon(true);
                            return thread;
                        });
        this.bulkWriter =
                firestore.bulkWriter(BulkWriterOptions.builder().setExecutor(executor).build());
        this.bulkWriter.addWriteErrorListener(
                error ->
                        FirestoreErrors.TRANSIENT_CODES.contains(error.getStatus().getCode().name())
                                && retry.allowsAnotherAttempt(error.getFailedAttempts()));
    }

    /** Queues the creation of a document; fails if someone created it meanwhile. */
    ApiFuture<WriteResult> create(DocumentReference ref, PendingDocument doc) {
        return bulkWriter.create(ref, data(doc));
    }

    /** Queues the replacement of {@code snapshot}; fails if it changed since it was read. */
    ApiFuture<WriteResult> update(
            DocumentReference ref, PendingDocument doc, DocumentSnapshot snapshot) {
        Map<String, Object> data = data(doc);
        // FieldPath.of, not strings: update() would split a field name on its dots.
        List<Object> pairs = new ArrayList<>(2 * data.size());
        data.forEach(
                (name, value) -> {
                    pairs.add(FieldPath.of(name));
                    pairs.add(value);
                });
        Map<String, Object> storedFields = snapshot.getData();
        if (storedFields != null) {
            for (String name : storedFields.keySet()) {
                if (!data.containsKey(name)) {
                    pairs.add(FieldPath.of(name));
                    pairs.add(FieldValue.delete());
                }
            }
        }
        return bulkWriter.update(
                ref,
                Precondition.updatedAt(snapshot.getUpdateTime()),
                (FieldPath) pairs.get(0),
                pairs.get(1),
                pairs.subList(2, pairs.size()).toArray());
    }

    /** Sends the {@code count} queued writes and waits for all their outcomes. */
    void flush(int count) throws IOException, InterruptedException {
        try {
            // Never fails: each write's outcome is in its own future.
            bulkWriter.flush().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(
                    count + " Firestore write(s) did not complete within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new IOException("Flushing Firestore writes failed", e.getCause());
        }
    }

    /** The document's full content as written: the mapper's fields and the sink's own two. */
    private static Map<String, Object> data(PendingDocument doc) {
        Map<String, Object> data = new LinkedHashMap<>(doc.fields());
        data.put(FirestoreSink.EVENT_TIME_FIELD, doc.eventTime());
        data.put(FirestoreSink.LAST_UPDATED_FIELD, FieldValue.serverTimestamp());
        return data;
    }

    /**
     * Flushes what is still queued (bounded by the request timeout) and releases the BulkWriter.
     */
    @Override
    public void close() {
        try {
            bulkWriter.flush().get(timeoutMs, TimeUnit.MILLISECONDS);
            bulkWriter.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            // Only after a failed write(), which already threw: nothing acknowledged is lost.
            LOG.warn("Firestore writes still pending at close were abandoned", e);
        } finally {
            executor.shutdownNow();
        }
    }
}
