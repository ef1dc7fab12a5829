package com.athena.common.flink;

import org.apache.flink.api.connector.sink2.Sink;

import java.util.Objects;

/**
 * A sink with its stable uid (also its name) and, where the target needs it, its own parallelism: a
 * job writes one stream to several such sinks, and the wiring decides which.
 *
 * @param parallelism 0 for the job's parallelism
 */
public record NamedSink<T>(String uid, Sink<T> sink, int parallelism) {
    public NamedSink {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(sink, "sink");
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must not be negative");
        }
    }

    /** A sink at the job's parallelism. */
    public static <T> NamedSink<T> of(String uid, Sink<T> sink) {
        return new NamedSink<>(uid, sink, 0);
    }
}
