package com.athena.common.flink;

import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One sink that writes every element to several at-least-once sinks, through their writers.
 *
 * <p>Why: a sink's own topology (the Storage Write sink's rejected rows, in its pre-commit
 * topology) may attach only one nested sink; Flink 1.20's sink translator fails with a {@code
 * ConcurrentModificationException} when that topology holds two. The inner sinks must be
 * at-least-once: on every flush their writers are flushed and, for committing writers, {@code
 * prepareCommit} must return nothing to commit (Kafka's and JDBC's at-least-once writers); anything
 * to commit fails, as it would be lost. Their writer state, if any, is not kept.
 */
public final class FanOutSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final List<Sink<T>> sinks;

    public FanOutSink(List<Sink<T>> sinks) {
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no sinks");
        }
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        List<SinkWriter<T>> writers = new ArrayList<>();
        for (Sink<T> sink : sinks) {
            writers.add(sink.createWriter(context));
        }
        return new Writer<>(writers);
    }

    /** Flink 1.20 still declares this one abstract; it is only called by older runtimes. */
    @Override
    @Deprecated
    public SinkWriter<T> createWriter(InitContext context) {
        throw new UnsupportedOperationException("FanOutSink needs a WriterInitContext");
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final List<SinkWriter<T>> writers;

        Writer(List<SinkWriter<T>> writers) {
            this.writers = writers;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            for (SinkWriter<T> w : writers) {
                w.write(element, context);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            for (SinkWriter<T> w : writers) {
                w.flush(endOfInput);
                if (w instanceof CommittingSinkWriter) {
                    Collection<?> pending = ((CommittingSinkWriter<T, ?>) w).prepareCommit();
                    if (!pending.isEmpty()) {
                        throw new IOException(
                                "FanOutSink takes at-least-once sinks only; "
                                        + w.getClass().getName()
                                        + " has something to commit");
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            Exception first = null;
            for (SinkWriter<T> w : writers) {
                try {
                    w.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
