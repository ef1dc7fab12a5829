package com.athena.common.firestore;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.firestore.FirestoreException;
import io.grpc.StatusRuntimeException;

import java.util.Set;

/** What a failure of the Firestore client means for the sink: transient, a conflict, or fatal. */
final class FirestoreErrors {
    /** Worth another attempt after a backoff. */
    static final Set<String> TRANSIENT_CODES =
            Set.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED", "INTERNAL");

    /** A precondition that no longer held: the document changed between our read and our write. */
    static final Set<String> CONFLICT_CODES =
            Set.of("FAILED_PRECONDITION", "ALREADY_EXISTS", "NOT_FOUND");

    /** The document itself is refused (too large, a field Firestore cannot hold): never retried. */
    static final Set<String> CONTENT_CODES = Set.of("INVALID_ARGUMENT");

    private FirestoreErrors() {}

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
}
