package com.athena.common.firestore;

import com.athena.common.connectors.FirestoreEndpoint;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.Objects;

/**
 * A Flink sink (Sink V2) that keeps one Firestore document per key up to date with the newest
 * element by event time; there is no official Flink connector for Firestore.
 *
 * <p>Semantics:
 *
 * <ul>
 *   <li><b>Coalescing and rate limit.</b> Per document only the newest pending element (by event
 *       time; ties: the later arrival) is kept, and a document is written at most about once per
 *       {@link FirestoreSinkOptions#minInterval()} of processing time, except at checkpoints and
 *       end of input, when everything pending is written.
 *   <li><b>At-least-once.</b> Pending documents are written before each checkpoint completes, so a
 *       restart replays at most what the last checkpoint did not cover. Replays are harmless: ids
 *       are deterministic and the event-time guard keeps the newest state.
 *   <li><b>A stale event never overwrites newer state.</b> Every document carries {@value
 *       #EVENT_TIME_FIELD} (epoch millis, a Firestore integer) and {@value #LAST_UPDATED_FIELD}
 *       (the commit time, a server timestamp). A pending document whose event time is older than
 *       the stored one is skipped; equal event times overwrite. See {@link EventTimeGuardedWriter}
 *       for the read-check-write with preconditions.
 *   <li><b>Failures.</b> Transient errors are retried with bounded backoff; a persistent one fails
 *       the task so that Flink's restart strategy takes over.
 * </ul>
 *
 * <p>By default the sink keys its input by document path ({@link
 * FirestoreSinkOptions#keyByDocument()}), so each document has exactly one writer subtask.
 *
 * <p>Writer metrics: counters {@value #METRIC_WRITES}, {@value #METRIC_STALE_SKIPPED}, {@value
 * #METRIC_COALESCED} (inputs superseded in the buffer and never written), {@value
 * #METRIC_CONFLICTS} (precondition failures retried) and the gauge {@value #METRIC_PENDING}. Every
 * input ends up counted once in exactly one of writes, stale-skipped or coalesced.
 *
 * @param <T> the element type
 */
public final class FirestoreSink<T> implements Sink<T>, SupportsPreWriteTopology<T> {
    private static final long serialVersionUID = 1L;

    /** The element's event time, epoch millis (a Firestore integer). */
    public static final String EVENT_TIME_FIELD = "event_time";

    /** When the document was last written: the server's commit time (a Firestore timestamp). */
    public static final String LAST_UPDATED_FIELD = "last_updated";

    public static final String METRIC_WRITES = "firestoreWrites";
    public static final String METRIC_STALE_SKIPPED = "firestoreStaleSkipped";
    public static final String METRIC_COALESCED = "firestoreCoalesced";
    public static final String METRIC_CONFLICTS = "firestoreConflictRetries";
    public static final String METRIC_PENDING = "firestorePendingDocuments";

    /** Documents Firestore refused for their content, kept in {@link #DEAD_LETTERS_COLLECTION}. */
    public static final String METRIC_REFUSED = "firestoreRefusedDocuments";

    /**
     * Where a document Firestore refuses for its content goes, with Firestore's reason: one
     * document per refused document and event time ({@code <collection>:<id>:<event time>}), so a
     * replay writes it once.
     */
    public static final String DEAD_LETTERS_COLLECTION = "dead_letters";

    private final FirestoreEndpoint endpoint;
    private final FirestoreDocumentMapper<T> mapper;
    private final FirestoreSinkOptions options;

    /** A sink with the {@link FirestoreSinkOptions#defaults() default options}. */
    public FirestoreSink(FirestoreEndpoint endpoint, FirestoreDocumentMapper<T> mapper) {
        this(endpoint, mapper, FirestoreSinkOptions.defaults());
    }

    public FirestoreSink(
            FirestoreEndpoint endpoint,
            FirestoreDocumentMapper<T> mapper,
            FirestoreSinkOptions options) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return createWriter(context.metricGroup());
    }

    /** Flink 1.20 still declares this one abstract; it is not called when the above exists. */
    @Override
    @Deprecated
    public SinkWriter<T> createWriter(InitContext context) {
        return createWriter(context.metricGroup());
    }

    private SinkWriter<T> createWriter(SinkWriterMetricGroup metrics) {
        return new FirestoreSinkWriter<>(
                mapper, options, endpoint.open(), metrics, FirestoreSink::monotonicMillis);
    }

    @Override
    public DataStream<T> addPreWriteTopology(DataStream<T> input) {
        if (!options.keyByDocument()) {
            return input;
        }
        return input.keyBy(new DocumentPathSelector<>(mapper), Types.STRING);
    }

    public FirestoreSinkOptions options() {
        return options;
    }

    /** Processing time for the rate limit: monotonic, unlike the wall clock. */
    private static long monotonicMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    /** Keys an element by the path of its document. */
    private static final class DocumentPathSelector<T> implements KeySelector<T, String> {
        private static final long serialVersionUID = 1L;
        private final FirestoreDocumentMapper<T> mapper;

        DocumentPathSelector(FirestoreDocumentMapper<T> mapper) {
            this.mapper = mapper;
        }

        @Override
        public String getKey(T element) {
            return mapper.collection(element) + "/" + mapper.documentId(element);
        }
    }
}
