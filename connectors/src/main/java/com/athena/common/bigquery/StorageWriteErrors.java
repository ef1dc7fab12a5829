package com.athena.common.bigquery;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import io.grpc.Status;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the Storage Write API's errors mean to the sink, as Google documents them: transient
 * statuses are retried with backoff, {@code ALREADY_EXISTS} on an offset means the rows are there,
 * and everything else (schema and row errors, {@code INVALID_ARGUMENT}, {@code OUT_OF_RANGE},
 * {@code NOT_FOUND}, {@code PERMISSION_DENIED}, a finalized stream) fails.
 */
final class StorageWriteErrors {

    /** Statuses worth repeating the same request for. */
    static final Set<Status.Code> RETRYABLE =
            Set.of(
                    Status.Code.UNAVAILABLE,
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.Code.RESOURCE_EXHAUSTED,
                    Status.Code.ABORTED,
                    Status.Code.INTERNAL,
                    Status.Code.CANCELLED);

    enum Kind {
        /** The offset was written before: the rows are in the stream. */
        ALREADY_EXISTS,
        RETRYABLE,
        PERMANENT
    }

    private StorageWriteErrors() {}

    static Kind classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Exceptions.OffsetAlreadyExists) {
                return Kind.ALREADY_EXISTS;
            }
            if (c instanceof Exceptions.AppendSerializationError
                    || c instanceof IllegalArgumentException
                    || c instanceof Exceptions.OffsetOutOfRange
                    || c instanceof Exceptions.StreamFinalizedException
                    || c instanceof Exceptions.SchemaMismatchedException
                    || c instanceof Exceptions.StreamNotFound) {
                return Kind.PERMANENT;
            }
            if (c instanceof Exceptions.StreamWriterClosedException) {
                // The writer's connection was closed under it (a previous transient error).
                return Kind.RETRYABLE;
            }
        }
        Status.Code code = code(t);
        if (code == Status.Code.ALREADY_EXISTS) {
            return Kind.ALREADY_EXISTS;
        }
        return RETRYABLE.contains(code) ? Kind.RETRYABLE : Kind.PERMANENT;
    }

    /** The gRPC status code of a failure, UNKNOWN if none is found. */
    static Status.Code code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException) {
                Object code = ((ApiException) c).getStatusCode().getCode();
                if (code instanceof com.google.api.gax.rpc.StatusCode.Code) {
                    return Status.Code.valueOf(
                            ((com.google.api.gax.rpc.StatusCode.Code) code).name());
                }
            }
            Status s = Status.fromThrowable(c);
            if (s.getCode() != Status.Code.UNKNOWN) {
                return s.getCode();
            }
        }
        return Status.Code.UNKNOWN;
    }

    /** The row errors a failure carries (row index to message), empty if none. */
    static Map<Integer, String> rowErrors(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Exceptions.AppendSerializationError) {
                return new TreeMap<>(
                        ((Exceptions.AppendSerializationError) c).getRowIndexToErrorMessage());
            }
        }
        return Map.of();
    }
}
