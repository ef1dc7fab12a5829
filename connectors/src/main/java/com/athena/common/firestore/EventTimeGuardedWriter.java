package com.athena.common.firestore;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.BulkWriter;
import com.google.cloud.firestore.BulkWriterOptions;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreException;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.WriteResult;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Writes documents to Firestore unless the stored copy carries a newer event time, with
 * preconditions so that a concurrent writer cannot be overwritten between the read and the write.
 *
 * <p>Per batch: one {@code getAll} reads the current documents; a document whose stored {@value
 * FirestoreSink#EVENT_TIME_FIELD} is newer than the pending one is skipped (equal: written, since a
 * replay carries the same content). Through a {@link BulkWriter}, missing documents are created
 * ({@code create} fails if someone created it meanwhile) and existing ones updated with {@link
 * Precondition#updatedAt} of the read (fails if someone changed it meanwhile). The update replaces
 * the whole document: fields the stored copy has and the new one lacks are deleted, so the result
 * is what a plain {@code set} would give. A document whose precondition failed is read again and
 * retried, up to {@link FirestoreSinkOptions#maxConflictRetries} rounds.
 *
 * <p>Transient errors (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL) are
 * retried with backoff up to {@link FirestoreSinkOptions#maxRetries} times: by the BulkWriter for
 * writes, here for reads. Anything else, or exhausted retries, throws {@link IOException}, so that
 * the sink fails and Flink's restart strategy replays from the last checkpoint; nothing is dropped
 * silently. The caller owns the {@link Firestore} client; {@link #close} closes only the
 * BulkWriter.
 */
public final class EventTimeGuardedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventTimeGuardedWriter.class);

    static final Set<String> TRANSIENT_CODES =
            Set.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED", "INTERNAL");

    /** A precondition that no longer held: the document changed between our read and our write. */
    static final Set<String> CONFLICT_CODES =
            Set.of("FAILED_PRECONDITION", "ALREADY_EXISTS", "NOT_FOUND");

    /** What one {@link #write} did. */
    public record Result(
            List<PendingDocument> written, List<PendingDocument> staleSkipped, int conflicts) {}

    private final Firestore firestore;
    private final FirestoreSinkOptions options;
    private final ScheduledExecutorService executor;
    private final BulkWriter bulkWriter;

    public EventTimeGuardedWriter(Firestore firestore, FirestoreSinkOptions options) {
        this.firestore = Objects.requireNonNull(firestore, "firestore");
        this.options = Objects.requireNonNull(options, "options");
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
        int maxRetries = options.maxRetries();
        this.bulkWriter.addWriteErrorListener(
                error ->
                        TRANSIENT_CODES.contains(error.getStatus().getCode().name())
                                && error.getFailedAttempts() <= maxRetries);
    }

    /**
     * Writes each document unless Firestore holds a newer event time for it. Returns once every
     * document is written or skipped; throws if one could not be. The paths must be distinct
     * (coalesce first): Firestore cannot take two writes of one document in one batch.
     */
    public Result write(List<PendingDocument> documents) throws IOException, InterruptedException {
        Set<String> paths = new HashSet<>();
        for (PendingDocument doc : documents) {
            if (!paths.add(doc.path())) {
                throw new IllegalArgumentException("Document " + doc.path() + " given twice");
            }
        }
        List<PendingDocument> written = new ArrayList<>(documents.size());
        List<PendingDocument> stale = new ArrayList<>();
        int conflicts = 0;
        int batch = options.maxBatchSize();
        for (int from = 0; from < documents.size(); from += batch) {
            List<PendingDocument> chunk =
                    documents.subList(from, Math.min(documents.size(), from + batch));
            conflicts += writeChunk(chunk, written, stale);
        }
        return new Result(written, stale, conflicts);
    }

    private int writeChunk(
            List<PendingDocument> chunk, List<PendingDocument> written, List<PendingDocument> stale)
            throws IOException, InterruptedException {
        int conflicts = 0;
        List<PendingDocument> remaining = chunk;
        for (int round = 0; !remaining.isEmpty(); round++) {
            if (round > options.maxConflictRetries()) {
                throw new IOException(
                        "Gave up on "
                                + remaining.size()
                                + " Firestore document(s) changed concurrently in each of "
                                + round
                                + " rounds, e.g. "
                                + remaining.get(0).path());
            }
            Map<String, DocumentReference> refs = new LinkedHashMap<>();
            for (PendingDocument doc : remaining) {
                refs.put(
                        doc.path(),
                        firestore.collection(doc.collection()).document(doc.documentId()));
            }
            Map<String, DocumentSnapshot> stored = read(refs);

            List<PendingDocument> attempted = new ArrayList<>(remaining.size());
            List<ApiFuture<WriteResult>> futures = new ArrayList<>(remaining.size());
            for (PendingDocument doc : remaining) {
                DocumentReference ref = refs.get(doc.path());
                DocumentSnapshot snapshot = stored.get(ref.getPath());
                if (snapshot != null && snapshot.exists()) {
                    Long storedEventTime = storedEventTime(snapshot);
                    if (storedEventTime != null && storedEventTime > doc.eventTime()) {
                        LOG.debug(
                                "Skipping {}: stored event time {} is newer than {}",
                                doc.path(),
                                storedEventTime,
                                doc.eventTime());
                        stale.add(doc);
                        continue;
                    }
                    futures.add(update(ref, doc, snapshot));
                } else {
                    futures.add(bulkWriter.create(ref, data(doc)));
                }
                attempted.add(doc);
            }
            if (attempted.isEmpty()) {
                return conflicts;
            }
            awaitFlush(attempted.size());

            List<PendingDocument> retry = new ArrayList<>();
            for (int i = 0; i < attempted.size(); i++) {
                PendingDocument doc = attempted.get(i);
                try {
                    futures.get(i).get();
                    written.add(doc);
                } catch (ExecutionException e) {
                    String code = statusCode(e.getCause());
                    if (!CONFLICT_CODES.contains(code)) {
                        throw new IOException(
                                "Writing Firestore document "
                                        + doc.path()
                                        + " failed ("
                                        + code
                                        + ")",
                                e.getCause());
                    }
                    LOG.debug(
                            "{} changed since it was read ({}); reading it again",
                            doc.path(),
                            code);
                    retry.add(doc);
                    conflicts++;
                }
            }
            remaining = retry;
        }
        return conflicts;
    }

    /** The document's full content as written: the mapper's fields and the sink's own two. */
    private static Map<String, Object> data(PendingDocument doc) {
        Map<String, Object> data = new LinkedHashMap<>(doc.fields());
        data.put(FirestoreSink.EVENT_TIME_FIELD, doc.eventTime());
        data.put(FirestoreSink.LAST_UPDATED_FIELD, FieldValue.serverTimestamp());
        return data;
    }

    private ApiFuture<WriteResult> update(
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

    private Map<String, DocumentSnapshot> read(Map<String, DocumentReference> refs)
            throws IOException, InterruptedException {
        DocumentReference[] array = refs.values().toArray(new DocumentReference[0]);
        List<DocumentSnapshot> snapshots =
                withRetries(
                        "read of " + array.length + " document(s)", () -> firestore.getAll(array));
        Map<String, DocumentSnapshot> byPath = new HashMap<>();
        for (DocumentSnapshot snapshot : snapshots) {
            byPath.put(snapshot.getReference().getPath(), snapshot);
        }
        return byPath;
    }

    private void awaitFlush(int count) throws IOException, InterruptedException {
        long timeoutMs = options.requestTimeout().toMillis();
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

    private <R> R withRetries(String what, Supplier<ApiFuture<R>> call)
            throws IOException, InterruptedException {
        long timeoutMs = options.requestTimeout().toMillis();
        long backoffMs = options.initialBackoff().toMillis();
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            ApiFuture<R> future = call.get();
            try {
                return future.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
                String code = statusCode(failure);
                if (!TRANSIENT_CODES.contains(code)) {
                    throw new IOException("Firestore " + what + " failed (" + code + ")", failure);
                }
            } catch (TimeoutException e) {
                future.cancel(true);
                failure = e;
            }
            if (attempt > options.maxRetries()) {
                throw new IOException(
                        "Firestore " + what + " failed after " + attempt + " attempts", failure);
            }
            LOG.warn(
                    "Firestore {} failed (attempt {}), retrying in {} ms: {}",
                    what,
                    attempt,
                    backoffMs,
                    failure.toString());
            Thread.sleep(backoffMs);
            backoffMs = Math.min(Math.max(1, backoffMs * 2), options.maxBackoff().toMillis());
        }
    }

    /**
     * The stored event time in epoch millis; null when the document has none (written by something
     * other than this sink), in which case the pending document wins.
     */
    static Long storedEventTime(DocumentSnapshot snapshot) {
        Object value = snapshot.get(FieldPath.of(FirestoreSink.EVENT_TIME_FIELD));
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value instanceof Timestamp) {
            Timestamp ts = (Timestamp) value;
            return ts.getSeconds() * 1000L + ts.getNanos() / 1_000_000;
        }
        return null;
    }

    /** The gRPC status code name of a failure, from whichever layer of the client reported it. */
    static String statusCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FirestoreException && ((FirestoreException) t).getStatus() != null) {
                return ((FirestoreException) t).getStatus().getCode().name();
            }
            if (t instanceof ApiException) {
                return ((ApiException) t).getStatusCode().getCode().name();
            }
            if (t instanceof StatusRuntimeException) {
                return ((StatusRuntimeException) t).getStatus().getCode().name();
            }
        }
        return "UNKNOWN";
    }

    /**
     * Flushes what is still queued (bounded by the request timeout) and releases the BulkWriter.
     */
    @Override
    public void close() {
        try {
            bulkWriter.flush().get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
