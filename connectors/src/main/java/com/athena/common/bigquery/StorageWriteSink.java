package com.athena.common.bigquery;

import com.athena.common.config.ServiceEnvironment;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
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
 * {@code ABORTED}, {@code INTERNAL}) are retried at the same offset with exponential backoff up to
 * {@link Builder#maxAttempts(int) maxAttempts}; {@code ALREADY_EXISTS} on that offset means the
 * earlier attempt was written. Schema and row errors and other statuses fail the writer at once.
 *
 * <p>The same {@link BigQueryRowMapper}s serve this sink and the {@code insertAll} {@link
 * BigQuerySink}; the insert id is not used here (offsets and commits make it unnecessary).
 *
 * @param <T> the element type
 */
public final class StorageWriteSink<T>
        implements Sink<T>, SupportsCommitter<StorageWriteCommittable> {
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

    private final StorageWriteEndpoint endpoint;
    private final BigQueryRowMapper<T> mapper;
    private final int maxBatchRows;
    private final Backoff backoff;
    private final Duration clientRetryDuration;

    private StorageWriteSink(Builder<T> b) {
        this.endpoint = b.endpoint;
        this.mapper = b.mapper;
        this.maxBatchRows = b.maxBatchRows;
        this.backoff = new Backoff(b.maxAttempts, b.initialBackoff, b.maxBackoff);
        this.clientRetryDuration = b.clientRetryDuration;
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
                backoff,
                clientRetryDuration,
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
                backoff,
                clientRetryDuration,
                context.metricGroup());
    }

    @Override
    public Committer<StorageWriteCommittable> createCommitter(CommitterInitContext context)
            throws IOException {
        return new StorageWriteCommitter(endpoint, backoff);
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

    Backoff backoff() {
        return backoff;
    }

    Duration clientRetryDuration() {
        return clientRetryDuration;
    }

    /** Exponential backoff: {@code initial × 2^(attempt-1)}, capped. */
    static final class Backoff implements Serializable {
        private static final long serialVersionUID = 1L;

        final int maxAttempts;
        private final long initialMillis;
        private final long maxMillis;

        Backoff(int maxAttempts, Duration initial, Duration max) {
            this.maxAttempts = maxAttempts;
            this.initialMillis = initial.toMillis();
            this.maxMillis = max.toMillis();
        }

        long delayMillis(int attempt) {
            int doublings = Math.min(attempt - 1, 30);
            return Math.min(maxMillis, initialMillis << doublings);
        }
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

        public StorageWriteSink<T> build() {
            return new StorageWriteSink<>(this);
        }
    }
}
