package com.athena.common.bigquery;

import com.athena.common.connectors.RetryPolicy;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllRequest.RowToInsert;
import com.google.cloud.bigquery.InsertAllResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The writer of {@link BigQuerySink}: buffers rows per table and sends them with {@code
 * tabledata.insertAll}, retrying what failed transiently.
 */
final class BigQuerySinkWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(BigQuerySinkWriter.class);

    /**
     * Row error reasons that no retry can fix. Anything else ({@code stopped}: the row was fine but
     * another row of the request failed; {@code backendError}, {@code internalError}, {@code
     * rateLimitExceeded}, {@code timeout}...) is retried.
     */
    static final Set<String> PERMANENT_ROW_REASONS =
            Set.of(
                    "invalid",
                    "notFound",
                    "accessDenied",
                    "billingNotEnabled",
                    "blocked",
                    "notImplemented",
                    "responseTooLarge");

    /** HTTP statuses of a whole request worth repeating: timeouts, throttling, server errors. */
    private static final Set<Integer> RETRYABLE_HTTP = Set.of(408, 429, 500, 502, 503, 504);

    private final BigQuery bigquery;
    private final BigQueryEndpoint endpoint;
    private final BigQueryRowMapper<T> mapper;
    private final int maxBatchRows;
    private final RetryPolicy retry;
    private final Counter rowsInserted;
    private final Counter insertRetries;

    /** Insertion order keeps requests reproducible from the input order. */
    private final Map<String, List<RowToInsert>> buffers = new LinkedHashMap<>();

    BigQuerySinkWriter(
            BigQuery bigquery,
            BigQueryEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            int maxBatchRows,
            RetryPolicy retry,
            MetricGroup metrics) {
        this.bigquery = bigquery;
        this.endpoint = endpoint;
        this.mapper = mapper;
        this.maxBatchRows = maxBatchRows;
        this.retry = retry;
        this.rowsInserted = metrics.counter(BigQuerySink.ROWS_INSERTED_METRIC);
        this.insertRetries = metrics.counter(BigQuerySink.INSERT_RETRIES_METRIC);
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        // Mapped at once: with object reuse the element may change after this call.
        String table = mapper.table(element);
        RowToInsert row = RowToInsert.of(mapper.insertId(element), mapper.row(element));
        List<RowToInsert> buffer = buffers.computeIfAbsent(table, t -> new ArrayList<>());
        buffer.add(row);
        if (buffer.size() >= maxBatchRows) {
            send(table, buffer);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        for (Map.Entry<String, List<RowToInsert>> e : buffers.entrySet()) {
            if (!e.getValue().isEmpty()) {
                send(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public void close() {
        // The client holds no connection to release; unsent rows are replayed from the last
        // checkpoint after a failure, and a clean end of input has flushed them.
        buffers.clear();
    }

    /** Sends the buffered rows of a table until all are accepted, then clears the buffer. */
    private void send(String table, List<RowToInsert> buffer)
            throws IOException, InterruptedException {
        // Each attempt sends what is still pending: a partial failure retries only the rows that
        // were not inserted.
        AtomicReference<List<RowToInsert>> remaining =
                new AtomicReference<>(new ArrayList<>(buffer));
        buffer.clear();
        retry.call(
                attempt -> {
                    insert(table, remaining);
                    return null;
                },
                e -> e instanceof RetryableFailure,
                (attempt, delayMillis, failure) -> {
                    LOG.warn(
                            "insertAll into {} attempt {}/{}: {}; retrying {} rows in {} ms",
                            table,
                            attempt,
                            retry.maxAttempts(),
                            failure.getMessage(),
                            remaining.get().size(),
                            delayMillis);
                    insertRetries.inc();
                },
                (attempts, failure) ->
                        new IOException(
                                "insertAll into "
                                        + table
                                        + " still failing after "
                                        + attempts
                                        + " attempts: "
                                        + failure.getMessage()));
    }

    /**
     * One {@code insertAll} of the {@code remaining} rows; leaves there the rows to send again and
     * throws {@link RetryableFailure} if there are any.
     */
    private void insert(String table, AtomicReference<List<RowToInsert>> remaining)
            throws IOException {
        List<RowToInsert> pending = remaining.get();
        try {
            InsertAllResponse response =
                    bigquery.insertAll(
                            InsertAllRequest.newBuilder(endpoint.table(table))
                                    .setRows(pending)
                                    .build());
            List<RowToInsert> failed = failedRows(table, pending, response);
            rowsInserted.inc(pending.size() - failed.size());
            if (failed.isEmpty()) {
                return;
            }
            remaining.set(failed);
            throw new RetryableFailure(
                    failed.size()
                            + " of "
                            + pending.size()
                            + " rows rejected, first: "
                            + firstError(response));
        } catch (BigQueryException e) {
            if (!isRetryable(e)) {
                throw new IOException(
                        "insertAll into " + table + " failed permanently: " + e.getMessage(), e);
            }
            throw new RetryableFailure(
                    "request failed (HTTP " + e.getCode() + "): " + e.getMessage());
        }
    }

    /** A failure worth another attempt: a transient HTTP error or rows rejected transiently. */
    private static final class RetryableFailure extends IOException {
        private static final long serialVersionUID = 1L;

        RetryableFailure(String message) {
            super(message);
        }
    }

    /**
     * The rows BigQuery did not insert; throws if any was rejected for a reason no retry fixes (the
     * job must stop rather than drop data).
     */
    private static List<RowToInsert> failedRows(
            String table, List<RowToInsert> sent, InsertAllResponse response) throws IOException {
        if (!response.hasErrors()) {
            return List.of();
        }
        List<RowToInsert> failed = new ArrayList<>();
        for (Map.Entry<Long, List<BigQueryError>> e : response.getInsertErrors().entrySet()) {
            RowToInsert row = sent.get(Math.toIntExact(e.getKey()));
            for (BigQueryError error : e.getValue()) {
                if (PERMANENT_ROW_REASONS.contains(error.getReason())) {
                    throw new IOException(
                            "BigQuery rejected row "
                                    + row.getId()
                                    + " of "
                                    + table
                                    + ": "
                                    + error.getReason()
                                    + " "
                                    + error.getMessage()
                                    + (error.getLocation() == null
                                            ? ""
                                            : " at " + error.getLocation()));
                }
            }
            failed.add(row);
        }
        return failed;
    }

    private static String firstError(InsertAllResponse response) {
        return response.getInsertErrors().values().stream()
                .flatMap(List::stream)
                .findFirst()
                .map(e -> e.getReason() + " " + e.getMessage())
                .orElse("?");
    }

    static boolean isRetryable(BigQueryException e) {
        // Code 0: no HTTP response at all (connection refused or reset, read timeout). The cause
        // of an HTTP error is an IOException too, so the code decides, not the cause.
        return e.isRetryable() || RETRYABLE_HTTP.contains(e.getCode()) || e.getCode() == 0;
    }
}
