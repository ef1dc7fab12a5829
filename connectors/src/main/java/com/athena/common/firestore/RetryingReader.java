package com.athena.common.firestore;

import com.athena.common.connectors.RetryPolicy;

import com.google.api.core.ApiFuture;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads documents for {@link EventTimeGuardedWriter}, each request bounded by the request timeout
 * and retried on transient errors and timeouts under the sink's {@link RetryPolicy}.
 */
record RetryingReader(Firestore firestore, RetryPolicy retry, long timeoutMs) {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingReader.class);

    /** The stored documents by path; a missing document has a snapshot that does not exist. */
    Map<String, DocumentSnapshot> read(Collection<DocumentReference> refs)
            throws IOException, InterruptedException {
        DocumentReference[] array = refs.toArray(new DocumentReference[0]);
        List<DocumentSnapshot> snapshots =
                withRetries(
                        "read of " + array.length + " document(s)", () -> firestore.getAll(array));
        Map<String, DocumentSnapshot> byPath = new HashMap<>();
        for (DocumentSnapshot snapshot : snapshots) {
            byPath.put(snapshot.getReference().getPath(), snapshot);
        }
        return byPath;
    }

    private <R> R withRetries(String what, Supplier<ApiFuture<R>> call)
            throws IOException, InterruptedException {
        return retry.call(
                attempt -> {
                    ApiFuture<R> future = call.get();
                    try {
                        return future.get(timeoutMs, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        String code = FirestoreErrors.statusCode(e.getCause());
                        if (!FirestoreErrors.TRANSIENT_CODES.contains(code)) {
                            throw new IOException(
                                    "Firestore " + what + " failed (" + code + ")", e.getCause());
                        }
                        throw new TransientFailure(e.getCause());
                    } catch (TimeoutException e) {
                        future.cancel(true);
                        throw new TransientFailure(e);
                    }
                },
                e -> e instanceof TransientFailure,
                (attempt, delayMillis, failure) ->
                        LOG.warn(
                                "Firestore {} failed (attempt {}), retrying in {} ms: {}",
                                what,
                                attempt,
                                delayMillis,
                                failure.getCause().toString()),
                (attempts, failure) ->
                        new IOException(
                                "Firestore " + what + " failed after " + attempts + " attempts",
                                failure.getCause()));
    }

    /** A transient error or a timeout, carried as the cause: worth another attempt. */
    private static final class TransientFailure extends IOException {
        private static final long serialVersionUID = 1L;

        TransientFailure(Throwable cause) {
            super(cause);
        }
    }
}
