package com.athena.common.bigquery;

import com.athena.common.connectors.RetryPolicy;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;

import java.time.Duration;
import java.util.Objects;

/**
 * A Flink sink that streams rows into BigQuery with {@code tabledata.insertAll} through the
 * official client, at least once, with insert ids that let BigQuery drop replayed rows.
 *
 * <p>The writer buffers rows per table and sends a table's rows when {@link
 * Builder#maxBatchRows(int) maxBatchRows} are buffered and on every {@code flush}, which Flink
 * calls before each checkpoint barrier and at the end of input: a checkpoint completes only after
 * its rows were accepted, so a restart replays at most the rows after the last checkpoint, with the
 * same insert ids. BigQuery's de-duplication of insert ids is best effort (about a minute);
 * checkpointing must be on for an unbounded stream, or rows wait until {@code maxBatchRows}.
 *
 * <p>Rows BigQuery rejects for a transient reason, and requests that fail with a retryable error,
 * are retried with exponential backoff up to {@link Builder#maxAttempts(int) maxAttempts}; a
 * permanent rejection or exhausted retries throw, so that Flink's restart strategy replays from the
 * last checkpoint.
 *
 * <p>Google's Storage Write API connector ({@code flink-1.17-connector-bigquery}) is not used: its
 * write client cannot be pointed at a local endpoint, so it could not be tested here.
 *
 * @param <T> the element type
 */
public final class BigQuerySink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** BigQuery's recommended maximum number of rows per insertAll request. */
    public static final int DEFAULT_MAX_BATCH_ROWS = 500;

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** The rows BigQuery accepted. */
    public static final String ROWS_INSERTED_METRIC = "bigqueryRowsInserted";

    /** The insertAll requests that were sent again after a failure. */
    public static final String INSERT_RETRIES_METRIC = "bigqueryInsertRetries";

    private final BigQueryEndpoint endpoint;
    private final BigQueryRowMapper<T> mapper;
    private final int maxBatchRows;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private BigQuerySink(Builder<T> b) {
        this.endpoint = b.endpoint;
        this.mapper = b.mapper;
        this.maxBatchRows = b.maxBatchRows;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    /** A builder for a sink that writes into {@code endpoint}'s dataset. */
    public static <T> Builder<T> builder(BigQueryEndpoint endpoint, BigQueryRowMapper<T> mapper) {
        return new Builder<>(endpoint, mapper);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return newWriter(context.metricGroup());
    }

    /** Flink 1.20 still declares this one abstract; it is only called by older runtimes. */
    @Override
    @Deprecated
    public SinkWriter<T> createWriter(InitContext context) {
        return newWriter(context.metricGroup());
    }

    private SinkWriter<T> newWriter(MetricGroup metrics) {
        return new BigQuerySinkWriter<>(
                endpoint.open(),
                endpoint,
                mapper,
                maxBatchRows,
                new RetryPolicy(maxAttempts, initialBackoff, maxBackoff),
                metrics);
    }

    public BigQueryEndpoint endpoint() {
        return endpoint;
    }

    public int maxBatchRows() {
        return maxBatchRows;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Builds a {@link BigQuerySink}. */
    public static final class Builder<T> {
        private final BigQueryEndpoint endpoint;
        private final BigQueryRowMapper<T> mapper;
        private int maxBatchRows = DEFAULT_MAX_BATCH_ROWS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder(BigQueryEndpoint endpoint, BigQueryRowMapper<T> mapper) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.mapper = Objects.requireNonNull(mapper, "mapper");
        }

        /** Rows per table buffered before a request is sent; at most 50,000 (BigQuery's limit). */
        public Builder<T> maxBatchRows(int rows) {
            if (rows < 1 || rows > 50_000) {
                throw new IllegalArgumentException("maxBatchRows must be in [1, 50000]");
            }
            this.maxBatchRows = rows;
            return this;
        }

        /** Attempts per batch, the first included, before the writer fails. */
        public Builder<T> maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The delay before the first retry; it doubles per retry up to {@code maxBackoff}. */
        public Builder<T> backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 0 <= initial <= max backoff");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public BigQuerySink<T> build() {
            return new BigQuerySink<>(this);
        }
    }
}
