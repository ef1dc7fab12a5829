package com.athena.common.bigquery;

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
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private final Backoff backoff;
    private final Counter rowsInserted;
    private final Counter insertRetries;

    /** Insertion order keeps requests reproducible from the input order. */
    private final Map<String, List<RowToInsert>> buffers = new LinkedHashMap<>();

    BigQuerySinkWriter(
            BigQuery bigquery,
            BigQueryEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            int maxBatchRows,
            Backoff backoff,
            MetricGroup metrics) {
        this.bigquery = bigquery;
        this.endpoint = endpoint;
        this.mapper = mapper;
        this.maxBatchRows = maxBatchRows;
        this.backoff = backoff;
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
        List<RowToInsert> pending = new ArrayList<>(buffer);
        buffer.clear();
        for (int attempt = 1; ; attempt++) {
            String failure;
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
                failure =
                        failed.size()
                                + " of "
                                + pending.size()
                                + " rows rejected, first: "
                                + firstError(response);
                pending = failed;
            } catch (BigQueryException e) {
                if (!isRetryable(e)) {
                    throw new IOException(
                            "insertAll into " + table + " failed permanently: " + e.getMessage(),
                            e);
                }
                failure = "request failed (HTTP " + e.getCode() + "): " + e.getMessage();
            }
            if (attempt >= backoff.maxAttempts) {
                throw new IOException(
                        "insertAll into "
                                + table
                                + " still failing after "
                                + attempt
                                + " attempts: "
                                + failure);
            }
            long delay = backoff.delayMillis(attempt);
            LOG.warn(
                    "insertAll into {} attempt {}/{}: {}; retrying {} rows in {} ms",
                    table,
                    attempt,
                    backoff.maxAttempts,
                    failure,
                    pending.size(),
                    delay);
            insertRetries.inc();
            Thread.sleep(delay);
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
}
