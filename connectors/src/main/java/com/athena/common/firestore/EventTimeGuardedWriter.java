package com.athena.common.firestore;

import com.athena.common.connectors.RetryPolicy;

import com.google.api.core.ApiFuture;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.BulkWriter;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes documents to Firestore unless the stored copy carries a newer event time, with
 * preconditions so that a concurrent writer cannot be overwritten between the read and the write.
 *
 * <p>Per batch: one {@code getAll} reads the current documents ({@link RetryingReader}); a document
 * whose stored {@value FirestoreSink#EVENT_TIME_FIELD} is newer than the pending one is skipped
 * (equal: written, since a replay carries the same content). Through a {@link BulkWriter} ({@link
 * PreconditionedBulkWriter}), missing documents are created ({@code create} fails if someone
 * created it meanwhile) and existing ones replaced with {@link Precondition#updatedAt} of the read
 * (fails if someone changed it meanwhile). A document whose precondition failed is read again and
 * retried, up to {@link FirestoreSinkOptions#maxConflictRetries} rounds after the first.
 *
 * <p>A document Firestore refuses for its content (INVALID_ARGUMENT: too large, a bad field) is
 * reported in the {@link Result} with Firestore's reason, not thrown: it would be refused on every
 * retry and after every restart.
 *
 * <p>Transient errors (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL) are
 * retried under one {@link RetryPolicy} of {@link FirestoreSinkOptions#maxRetries} retries after
 * the first attempt: by the BulkWriter for writes, by the reader for reads. Anything else, or
 * exhausted retries, throws {@link IOException}, so that the sink fails and Flink's restart
 * strategy replays from the last checkpoint; nothing is dropped silently. The caller owns the
 * {@link Firestore} client; {@link #close} closes only the BulkWriter.
 */
public final class EventTimeGuardedWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventTimeGuardedWriter.class);

    /**
     * What one {@link #write} did. {@code refused}: documents Firestore refused for their content
     * (INVALID_ARGUMENT), each with Firestore's reason; another attempt would fail the same way.
     */
    public record Result(
            List<PendingDocument> written,
            List<PendingDocument> staleSkipped,
            int conflicts,
            Map<PendingDocument, String> refused) {}

    private final Firestore firestore;
    private final FirestoreSinkOptions options;
    private final RetryPolicy conflictRounds;
    private final RetryingReader reader;
    private final PreconditionedBulkWriter writes;

    public EventTimeGuardedWriter(Firestore firestore, FirestoreSinkOptions options) {
        this.firestore = Objects.requireNonNull(firestore, "firestore");
        this.options = Objects.requireNonNull(options, "options");
        RetryPolicy transientRetries =
                RetryPolicy.ofRetries(
                        options.maxRetries(), options.initialBackoff(), options.maxBackoff());
        // A conflict is re-read at once: the other writer has finished, nothing to wait for.
        this.conflictRounds =
                RetryPolicy.ofRetries(options.maxConflictRetries(), Duration.ZERO, Duration.ZERO);
        long timeoutMs = options.requestTimeout().toMillis();
        this.reader = new RetryingReader(firestore, transientRetries, timeoutMs);
        this.writes = new PreconditionedBulkWriter(firestore, transientRetries, timeoutMs);
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
        Map<PendingDocument, String> refused = new LinkedHashMap<>();
        int conflicts = 0;
        int batch = options.maxBatchSize();
        for (int from = 0; from < documents.size(); from += batch) {
            List<PendingDocument> chunk =
                    documents.subList(from, Math.min(documents.size(), from + batch));
            conflicts += writeChunk(chunk, written, stale, refused);
        }
        return new Result(written, stale, conflicts, refused);
    }

    /** Writes one batch in rounds: each round retries the documents whose precondition failed. */
    private int writeChunk(
            List<PendingDocument> chunk,
            List<PendingDocument> written,
            List<PendingDocument> stale,
            Map<PendingDocument, String> refused)
            throws IOException, InterruptedException {
        int[] conflicts = {0};
        AtomicReference<List<PendingDocument>> remaining = new AtomicReference<>(chunk);
        conflictRounds.call(
                round -> {
                    List<PendingDocument> retry =
                            writeRound(remaining.get(), written, stale, refused);
                    conflicts[0] += retry.size();
                    remaining.set(retry);
                    if (!retry.isEmpty()) {
                        throw new Conflicts();
                    }
                    return null;
                },
                e -> e instanceof Conflicts,
                (round, delayMillis, failure) -> {},
                (rounds, failure) ->
                        new IOException(
                                "Gave up on "
                                        + remaining.get().size()
                                        + " Firestore document(s) changed concurrently in each of "
                                        + rounds
                                        + " rounds, e.g. "
                                        + remaining.get().get(0).path()));
        return conflicts[0];
    }

    /**
     * Reads the documents, skips the stale ones, writes the others; returns those whose
     * precondition failed (changed since the read), to be read and written again.
     */
    private List<PendingDocument> writeRound(
            List<PendingDocument> remaining,
            List<PendingDocument> written,
            List<PendingDocument> stale,
            Map<PendingDocument, String> refused)
            throws IOException, InterruptedException {
        Map<String, DocumentReference> refs = new LinkedHashMap<>();
        for (PendingDocument doc : remaining) {
            refs.put(doc.path(), firestore.collection(doc.collection()).document(doc.documentId()));
        }
        Map<String, DocumentSnapshot> stored = reader.read(refs.values());

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
                futures.add(writes.update(ref, doc, snapshot));
            } else {
                futures.add(writes.create(ref, doc));
            }
            attempted.add(doc);
        }
        if (attempted.isEmpty()) {
            return List.of();
        }
        writes.flush(attempted.size());

        List<PendingDocument> retry = new ArrayList<>();
        for (int i = 0; i < attempted.size(); i++) {
            PendingDocument doc = attempted.get(i);
            try {
                futures.get(i).get();
                written.add(doc);
            } catch (ExecutionException e) {
                String code = FirestoreErrors.statusCode(e.getCause());
                if (FirestoreErrors.CONTENT_CODES.contains(code)) {
                    // Refused for what it holds: every retry and every restart would be refused.
                    refused.put(doc, code + ": " + e.getCause().getMessage());
                    continue;
                }
                if (!FirestoreErrors.CONFLICT_CODES.contains(code)) {
                    throw new IOException(
                            "Writing Firestore document " + doc.path() + " failed (" + code + ")",
                            e.getCause());
                }
                LOG.debug("{} changed since it was read ({}); reading it again", doc.path(), code);
                retry.add(doc);
            }
        }
        return retry;
    }

    /** Some documents changed between our read and our write: another round is due. */
    private static final class Conflicts extends IOException {
        private static final long serialVersionUID = 1L;
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

    /**
     * Flushes what is still queued (bounded by the request timeout) and releases the BulkWriter.
     */
    @Override
    public void close() {
        writes.close();
    }
}
