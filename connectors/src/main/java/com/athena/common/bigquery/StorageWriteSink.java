package com.athena.common.bigquery;

import com.athena.common.config.ServiceEnvironment;
import com.athena.common.connectors.RetryPolicy;
import com.athena.common.deadletter.DeadLetter;
import com.athena.common.flink.FanOutSink;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A Flink sink that writes rows into BigQuery exactly once through the Storage Write API, with
 * Google's official client ({@code google-cloud-bigquerystorage}).
 *
 * <p>Two-phase commit over PENDING write streams: each writer subtask appends a table's rows to a
 * PENDING stream of its own at explicit offsets (the client's {@code StreamWriter}; rows converted
 * by its {@code JsonToProtoMessage} against the table schema that {@code CreateWriteStream}
 * returns); before each checkpoint barrier it finalizes its streams and emits them as committables;
 * when the checkpoint completes the committer commits them with {@code BatchCommitWriteStreams},
 * and only then are the rows visible. After a failure the committables of the restored checkpoint
 * are committed again (a stream already committed counts as done) and the streams written after it
 * are abandoned, never committed; the replayed rows go to new streams. So a row is neither lost nor
 * doubled. Checkpointing must be on for an unbounded stream: nothing is visible before a checkpoint
 * completes.
 *
 * <p>Retryable errors ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED},
 * {@code ABORTED}, {@code INTERNAL}) are retried at the same offset under the project's {@link
 * RetryPolicy} up to {@link Builder#maxAttempts(int) maxAttempts}, then the writer fails and the
 * job restores from its last checkpoint; {@code ALREADY_EXISTS} on that offset means the earlier
 * attempt was written. Schema errors and other statuses fail the writer at once.
 *
 * <p>Rows rejected for their content (row errors in an {@code AppendRows} response, or a row the
 * client cannot convert to the table's schema: a NOT NULL column without a value, a value out of
 * range) go to dead letters when {@link Builder#deadLetters} names where: the writer drops them
 * from the request, sends the rest again at the same offset (a request with a bad row writes none
 * of its rows) and carries them, with BigQuery's reason, in its committables; the sink's pre-commit
 * topology hands them to the dead-letter sinks as the writer emits its committables, before the
 * checkpoint barrier. Not after the commit: Flink 1.20 commits the final checkpoint of a bounded or
 * drained job after end of input has reached the operators downstream, and what the committer emits
 * then fails or is lost (FLINK-38614). Without dead-letter sinks rejected rows fail the writer.
 *
 * <p>Upsert mode ({@link Builder#upsert}), for a table with {@code PRIMARY KEY (...) NOT ENFORCED}:
 * BigQuery's change data capture. Each row goes to the table's default stream with the
 * pseudo-columns {@code _CHANGE_TYPE = 'UPSERT'} and {@code _CHANGE_SEQUENCE_NUMBER} (from the
 * element: {@link ChangeSequence}); BigQuery keeps, per key, the row of the highest sequence number
 * and ignores an upsert whose number is not higher than the one it holds. Every row is applied
 * before the checkpoint barrier passes the writer, so a row is never lost; a restore replays the
 * rows since the checkpoint and may send an upsert again, which changes nothing (same sequence
 * number) and cannot undo a newer change (lower number). At least once, idempotent: the table ends
 * as if each change had been applied once. Nothing is committed: the rows are visible once
 * appended.
 *
 * <p>The same {@link BigQueryRowMapper}s serve this sink and the {@code insertAll} {@link
 * BigQuerySink}; the insert id is not used here (offsets and commits make it unnecessary).
 *
 * @param <T> the element type
 */
public final class StorageWriteSink<T>
        implements Sink<T>,
                SupportsCommitter<StorageWriteCommittable>,
                SupportsPreCommitTopology<StorageWriteCommittable, StorageWriteCommittable> {
    private static final long serialVersionUID = 1L;

    /** Rows per append request; BigQuery's limit is 10 MB per request. */
    public static final int DEFAULT_MAX_BATCH_ROWS = 500;

    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /**
     * How long the client's {@code StreamWriter} reconnects and resends by itself after a
     * connection error before the append fails to the writer (the client's default is 5 minutes).
     */
    public static final Duration DEFAULT_CLIENT_RETRY_DURATION = Duration.ofSeconds(30);

    /** Rows appended to pending streams (visible once their checkpoint completes). */
    public static final String ROWS_APPENDED_METRIC = "bigqueryRowsAppended";

    /** Bytes of the rows appended, as protos (the wire size of the rows, without framing). */
    public static final String BYTES_APPENDED_METRIC = "bigqueryBytesAppended";

    /** Append requests sent again after a retryable failure. */
    public static final String APPEND_RETRIES_METRIC = "bigqueryAppendRetries";

    /** Rows rejected for their content and turned into dead letters. */
    public static final String ROWS_REJECTED_METRIC = "bigqueryRowsRejected";

    /** CDC's pseudo-column of the change's kind. */
    public static final String CHANGE_TYPE = "_CHANGE_TYPE";

    /** CDC's pseudo-column that orders the changes of one key. */
    public static final String CHANGE_SEQUENCE_NUMBER = "_CHANGE_SEQUENCE_NUMBER";

    /** The {@link #CHANGE_TYPE} of a row that inserts or replaces the row of its key. */
    public static final String UPSERT = "UPSERT";

    /**
     * The {@code _CHANGE_SEQUENCE_NUMBER} of an element: a pure function of the change it carries,
     * growing with each later change of the same key, so that a replayed change gets the number it
     * had. See {@link #sequenceNumber(long...)} for the format.
     *
     * @param <T> the element type
     */
    @FunctionalInterface
    public interface ChangeSequence<T> extends java.io.Serializable {
        String sequenceNumber(T element);
    }

    /**
     * BigQuery's form of a change sequence number: up to four sections of up to 16 hexadecimal
     * digits, separated by {@code /}, compared section by section. Each part is written with 16
     * digits so that numeric and text order agree.
     *
     * @param parts the sections, most significant first, each at least 0
     */
    public static String sequenceNumber(long... parts) {
        if (parts.length < 1 || parts.length > 4) {
            throw new IllegalArgumentException("A sequence number has 1 to 4 sections");
        }
        StringBuilder sb = new StringBuilder();
        for (long part : parts) {
            if (part < 0) {
                throw new IllegalArgumentException("A sequence number section is at least 0");
            }
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(String.format(java.util.Locale.ROOT, "%016X", part));
        }
        return sb.toString();
    }

    private final StorageWriteEndpoint endpoint;
    private final BigQueryRowMapper<T> mapper;
    private final int maxBatchRows;
    private final RetryPolicy retry;
    private final Duration clientRetryDuration;

    /** The {@code source} of the dead letters of rejected rows; null: rejected rows fail. */
    private final String deadLetterSource;

    /** Null: exactly once through PENDING streams; else CDC upserts (at least once, idempotent). */
    private final ChangeSequence<T> upsert;

    /** Builds the pre-commit topology on the client only; never shipped to the cluster. */
    private final transient DeadLetterRoute deadLetterRoute;

    private StorageWriteSink(Builder<T> b) {
        this.endpoint = b.endpoint;
        this.mapper = b.mapper;
        this.maxBatchRows = b.maxBatchRows;
        this.retry = new RetryPolicy(b.maxAttempts, b.initialBackoff, b.maxBackoff);
        this.clientRetryDuration = b.clientRetryDuration;
        this.upsert = b.upsert;
        this.deadLetterRoute = b.deadLetterRoute;
        this.deadLetterSource = b.deadLetterRoute == null ? null : b.deadLetterRoute.source;
    }

    /** Where rejected rows go: the dead letters' source, the uid of the step, the sinks. */
    private static final class DeadLetterRoute {
        final String source;
        final String uid;
        final List<Sink<DeadLetter>> sinks;

        DeadLetterRoute(String source, String uid, List<Sink<DeadLetter>> sinks) {
            this.source = Objects.requireNonNull(source, "source");
            this.uid = Objects.requireNonNull(uid, "uid");
            this.sinks = List.copyOf(sinks);
        }
    }

    /**
     * The sink of one mapper (its table or tables) into the dataset the services env names: the one
     * call a job's main makes per table.
     */
    public static <T> StorageWriteSink<T> of(
            ServiceEnvironment services, BigQueryRowMapper<T> mapper) {
        return builder(StorageWriteEndpoint.from(services), mapper).build();
    }

    public static <T> Builder<T> builder(
            StorageWriteEndpoint endpoint, BigQueryRowMapper<T> mapper) {
        return new Builder<>(endpoint, mapper);
    }

    @Override
    public CommittingSinkWriter<T, StorageWriteCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return new StorageWriteSinkWriter<>(
                endpoint,
                mapper,
                maxBatchRows,
                retry,
                clientRetryDuration,
                deadLetterSource,
                upsert,
                context.metricGroup());
    }

    /** Flink 1.20 still declares this one abstract; it is only called by older runtimes. */
    @Override
    @Deprecated
    public CommittingSinkWriter<T, StorageWriteCommittable> createWriter(InitContext context)
            throws IOException {
        return new StorageWriteSinkWriter<>(
                endpoint,
                mapper,
                maxBatchRows,
                retry,
                clientRetryDuration,
                deadLetterSource,
                upsert,
                context.metricGroup());
    }

    @Override
    public Committer<StorageWriteCommittable> createCommitter(CommitterInitContext context)
            throws IOException {
        return new StorageWriteCommitter(endpoint, retry);
    }

    /**
     * Before the commit: the dead letters the committables carry go to the dead-letter sinks (when
     * {@link Builder#deadLetters} named them) as the writer emits the committables, so they are
     * written with the same checkpoint; the committables go on to the committer unchanged.
     */
    @Override
    public DataStream<CommittableMessage<StorageWriteCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<StorageWriteCommittable>> committables) {
        DeadLetterRoute route = deadLetterRoute;
        if (route == null || route.sinks.isEmpty()) {
            return committables;
        }
        DataStream<DeadLetter> rejected =
                committables
                        .<DeadLetter>flatMap(
                                (message, out) -> {
                                    if (message instanceof CommittableWithLineage) {
                                        ((CommittableWithLineage<StorageWriteCommittable>) message)
                                                .getCommittable()
                                                .rejected()
                                                .forEach(out::collect);
                                    }
                                })
                        .returns(TypeInformation.of(DeadLetter.class))
                        .uid(route.uid)
                        .name(route.uid);
        // The dead-letter sinks' writers as a plain operator, not a nested sinkTo: Flink 1.20's
        // translator fails (ConcurrentModificationException) expanding a sink inside a pre-commit
        // topology. FanOutSink keeps them one operator; it is at-least-once and keeps no state.
        rejected.transform(
                        route.uid + "-sink",
                        CommittableMessageTypeInfo.noOutput(),
                        new SinkWriterOperatorFactory<DeadLetter, Void>(
                                new FanOutSink<>(route.sinks)))
                .uid(route.uid + "-sink")
                .name(route.uid + "-sink");
        return committables;
    }

    @Override
    public SimpleVersionedSerializer<StorageWriteCommittable> getWriteResultSerializer() {
        return new StorageWriteCommittable.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<StorageWriteCommittable> getCommittableSerializer() {
        return new StorageWriteCommittable.Serializer();
    }

    public StorageWriteEndpoint endpoint() {
        return endpoint;
    }

    public int maxBatchRows() {
        return maxBatchRows;
    }

    /** Whether rows are CDC upserts to the default stream ({@link Builder#upsert}). */
    public boolean isUpsert() {
        return upsert != null;
    }

    RetryPolicy retry() {
        return retry;
    }

    Duration clientRetryDuration() {
        return clientRetryDuration;
    }

    /** Builds a {@link StorageWriteSink}. */
    public static final class Builder<T> {
        private final StorageWriteEndpoint endpoint;
        private final BigQueryRowMapper<T> mapper;
        private int maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration clientRetryDuration = DEFAULT_CLIENT_RETRY_DURATION;
        private DeadLetterRoute deadLetterRoute;
        private ChangeSequence<T> upsert;

        private Builder(StorageWriteEndpoint endpoint, BigQueryRowMapper<T> mapper) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.mapper = Objects.requireNonNull(mapper, "mapper");
        }

        /** Rows per table buffered before an append is sent (and on every checkpoint). */
        public Builder<T> maxBatchRows(int rows) {
            if (rows < 1 || rows > 50_000) {
                throw new IllegalArgumentException("maxBatchRows must be in [1, 50000]");
            }
            this.maxBatchRows = rows;
            return this;
        }

        /** Attempts per request, the first included, before the writer fails. */
        public Builder<T> maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The delay before the first retry; it doubles per retry up to {@code max}. */
        public Builder<T> backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 0 <= initial <= max backoff");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** See {@link #DEFAULT_CLIENT_RETRY_DURATION}. */
        public Builder<T> clientRetryDuration(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("clientRetryDuration must not be negative");
            }
            this.clientRetryDuration = duration;
            return this;
        }

        /**
         * Rows rejected for their content become dead letters of {@code source} (their origin: the
         * row's insert id; their reason: BigQuery's) and go, with their checkpoint (before its
         * commit), through a step of uid {@code uid} to {@code sinks}, the job's (at-least-once)
         * dead-letter sinks, written through one {@link FanOutSink} of uid {@code uid + "-sink"}.
         */
        public Builder<T> deadLetters(String source, String uid, List<Sink<DeadLetter>> sinks) {
            this.deadLetterRoute = new DeadLetterRoute(source, uid, sinks);
            return this;
        }

        /**
         * Upsert mode for a table with a primary key (change data capture): every row is an UPSERT
         * on the table's key through the default stream, ordered per key by {@code sequence}. The
         * rows of the mapper must carry every column of the row each time, since an upsert replaces
         * the whole row.
         */
        public Builder<T> upsert(ChangeSequence<T> sequence) {
            this.upsert = Objects.requireNonNull(sequence, "sequence");
            return this;
        }

        public StorageWriteSink<T> build() {
            return new StorageWriteSink<>(this);
        }
    }
}
