package com.athena.common.bigquery;

import com.athena.common.connectors.RetryPolicy;
import com.athena.common.deadletter.DeadLetter;

import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BQTableSchemaToProtoDescriptor;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.CreateWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.FinalizeWriteStreamResponse;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.JsonToProtoMessage;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.cloud.bigquery.storage.v1.ProtoSchemaConverter;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.StreamWriter;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.cloud.bigquery.storage.v1.WriteStreamView;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import org.json.JSONArray;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The writer of {@link StorageWriteSink}: appends each table's rows to a PENDING stream of its own
 * at explicit offsets, and at every checkpoint finalizes the streams and hands them to the
 * committer; in upsert mode it appends UPSERT rows to the table's default stream and has every row
 * applied before each checkpoint barrier passes.
 */
final class StorageWriteSinkWriter<T> implements CommittingSinkWriter<T, StorageWriteCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(StorageWriteSinkWriter.class);

    private final StorageWriteEndpoint endpoint;
    private final BigQueryRowMapper<T> mapper;
    private final int maxBatchRows;
    private final RetryPolicy retry;
    private final Duration clientRetryDuration;

    /** Null: a row rejected for its content fails the writer. */
    private final String deadLetterSource;

    /** Null: PENDING streams, two-phase commit; else UPSERT rows to the default stream (CDC). */
    private final StorageWriteSink.ChangeSequence<T> upsert;

    private final BigQueryWriteClient client;
    private final Counter rowsAppended;
    private final Counter bytesAppended;
    private final Counter appendRetries;
    private final Counter rowsRejected;
    private final Counter sendErrors;

    /** Closes the stream writers of finalized streams off the task thread. */
    private final ExecutorService closer =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "bigquery-stream-writer-closer");
                        t.setDaemon(true);
                        return t;
                    });

    /** By table name; insertion order keeps requests reproducible from the input order. */
    private final Map<String, TableStream> tables = new LinkedHashMap<>();

    /** A writer of PENDING streams (exactly once through the committer). */
    StorageWriteSinkWriter(
            StorageWriteEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            int maxBatchRows,
            RetryPolicy retry,
            Duration clientRetryDuration,
            String deadLetterSource,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this(
                endpoint,
                mapper,
                maxBatchRows,
                retry,
                clientRetryDuration,
                deadLetterSource,
                null,
                metrics);
    }

    /** With {@code upsert}: CDC upserts to the default stream; null: PENDING streams. */
    StorageWriteSinkWriter(
            StorageWriteEndpoint endpoint,
            BigQueryRowMapper<T> mapper,
            int maxBatchRows,
            RetryPolicy retry,
            Duration clientRetryDuration,
            String deadLetterSource,
            StorageWriteSink.ChangeSequence<T> upsert,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.endpoint = endpoint;
        this.mapper = mapper;
        this.maxBatchRows = maxBatchRows;
        this.retry = retry;
        this.clientRetryDuration = clientRetryDuration;
        this.deadLetterSource = deadLetterSource;
        this.upsert = upsert;
        this.client = endpoint.openClient();
        this.rowsAppended = metrics.counter(StorageWriteSink.ROWS_APPENDED_METRIC);
        this.bytesAppended = metrics.counter(StorageWriteSink.BYTES_APPENDED_METRIC);
        this.appendRetries = metrics.counter(StorageWriteSink.APPEND_RETRIES_METRIC);
        this.rowsRejected = metrics.counter(StorageWriteSink.ROWS_REJECTED_METRIC);
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
    }

    /** One table's current stream and the rows not yet appended to it. */
    private static final class TableStream {
        final String table;
        final String tablePath;
        final List<PendingRow> buffer = new ArrayList<>();

        /** Rows rejected for their content since the last checkpoint. */
        final List<DeadLetter> rejected = new ArrayList<>();

        /** Null until the first append after a checkpoint. */
        String streamName;

        TableSchema schema;
        Descriptor descriptor;
        ProtoSchema protoSchema;
        StreamWriter writer;

        /** Rows the stream holds: the offset of the next append. */
        long offset;

        TableStream(String table, String tablePath) {
            this.table = table;
            this.tablePath = tablePath;
        }
    }

    /** A row not yet appended, with what its dead letter would need. */
    private static final class PendingRow {
        final JSONObject row;
        final String origin;
        final long receivedAt;

        PendingRow(JSONObject row, String origin, long receivedAt) {
            this.row = row;
            this.origin = origin;
            this.receivedAt = receivedAt;
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        // Mapped at once: with object reuse the element may change after this call.
        String table = mapper.table(element);
        JSONObject row = new JSONObject();
        for (Map.Entry<String, Object> e : mapper.row(element).entrySet()) {
            // An absent column is NULL; org.json would refuse a Java null.
            if (e.getValue() instanceof Collection<?> values) {
                // A REPEATED column: org.json keeps a List stored as an Object as it is, and the
                // proto conversion accepts only a JSONArray there.
                row.put(e.getKey(), new JSONArray(values));
            } else if (e.getValue() != null) {
                row.put(e.getKey(), e.getValue());
            }
        }
        if (upsert != null) {
            row.put(StorageWriteSink.CHANGE_TYPE, StorageWriteSink.UPSERT);
            row.put(StorageWriteSink.CHANGE_SEQUENCE_NUMBER, upsert.sequenceNumber(element));
        }
        TableStream ts =
                tables.computeIfAbsent(table, t -> new TableStream(t, endpoint.tablePath(t)));
        // The dead letter's identity is deterministic, so a replay upserts the same one.
        Long timestamp = context.timestamp();
        ts.buffer.add(
                new PendingRow(row, mapper.insertId(element), timestamp == null ? 0L : timestamp));
        if (ts.buffer.size() >= maxBatchRows) {
            append(ts);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        for (TableStream ts : tables.values()) {
            append(ts);
        }
    }

    /**
     * Phase one of the checkpoint: every stream written since the last one is finalized and becomes
     * a committable; the next rows go to new streams.
     */
    @Override
    public Collection<StorageWriteCommittable> prepareCommit()
            throws IOException, InterruptedException {
        List<StorageWriteCommittable> committables = new ArrayList<>();
        for (TableStream ts : tables.values()) {
            append(ts);
            List<DeadLetter> rejected = List.copyOf(ts.rejected);
            ts.rejected.clear();
            if (upsert != null) {
                // The default stream has nothing to finalize or commit: every row was applied
                // when its append was answered, before this barrier passes. A replay after a
                // restore sends the same upserts again, which change nothing.
                if (!rejected.isEmpty()) {
                    committables.add(new StorageWriteCommittable(ts.tablePath, null, 0, rejected));
                }
                continue;
            }
            if (ts.streamName == null) {
                if (!rejected.isEmpty()) {
                    committables.add(new StorageWriteCommittable(ts.tablePath, null, 0, rejected));
                }
                continue;
            }
            // Every append was answered: the connection is idle. Its close waits for the client's
            // append thread (about 200 ms), so it runs beside the checkpoint, not in it.
            StreamWriter idle = ts.writer;
            ts.writer = null;
            if (idle != null) {
                closer.execute(() -> closeQuietly(idle, ts.streamName));
            }
            long rows = finalizeStream(ts);
            if (rows != ts.offset) {
                throw new IOException(
                        "Stream "
                                + ts.streamName
                                + " was finalized with "
                                + rows
                                + " rows, but this writer appended "
                                + ts.offset);
            }
            committables.add(
                    new StorageWriteCommittable(ts.tablePath, ts.streamName, rows, rejected));
            ts.streamName = null;
            ts.schema = null;
            ts.descriptor = null;
            ts.protoSchema = null;
            ts.offset = 0;
        }
        return committables;
    }

    @Override
    public void close() throws Exception {
        // Streams not finalized are abandoned: never committed, their rows never visible. The
        // rows are replayed from the last checkpoint into new streams.
        for (TableStream ts : tables.values()) {
            closeWriter(ts);
        }
        tables.clear();
        closer.shutdown();
        closer.awaitTermination(10, TimeUnit.SECONDS);
        client.close();
        client.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Appends the buffered rows of a table at the stream's offset until they are written. */
    private void append(TableStream ts) throws IOException, InterruptedException {
        if (ts.buffer.isEmpty()) {
            return;
        }
        if (ts.streamName == null) {
            createStream(ts);
        }
        ProtoRows rows = toProto(ts);
        if (ts.buffer.isEmpty()) {
            return; // every row was rejected
        }
        int count = rows.getSerializedRowsCount();
        long offset = ts.offset;
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            try {
                if (ts.writer == null) {
                    ts.writer =
                            StreamWriter.newBuilder(ts.streamName, client)
                                    .setWriterSchema(ts.protoSchema)
                                    .setMaxRetryDuration(clientRetryDuration)
                                    .build();
                }
                // The default stream takes no offsets: a resend may apply an upsert twice, and
                // the second application changes nothing.
                AppendRowsResponse response =
                        (upsert != null ? ts.writer.append(rows) : ts.writer.append(rows, offset))
                                .get();
                if (response.hasError()
                        && response.getRowErrorsCount() > 0
                        && deadLetterSource != null) {
                    // A request with a bad row writes none of its rows: send the others again.
                    Map<Integer, String> errors = new TreeMap<>();
                    for (RowError e : response.getRowErrorsList()) {
                        errors.put((int) e.getIndex(), e.getCode() + ": " + e.getMessage());
                    }
                    reject(ts, errors);
                    closeWriter(ts);
                    append(ts);
                    return;
                }
                if (response.hasError()) {
                    throw new IOException(
                            "Append to "
                                    + ts.streamName
                                    + " at offset "
                                    + offset
                                    + " failed: "
                                    + response.getError());
                }
                written(ts, rows);
                return;
            } catch (ExecutionException e) {
                failure = e.getCause() == null ? e : e.getCause();
            } catch (IOException e) {
                throw e;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failure = e;
            }
            StorageWriteErrors.Kind kind = StorageWriteErrors.classify(failure);
            if (kind == StorageWriteErrors.Kind.ALREADY_EXISTS) {
                // Only this writer appends to its own stream, and only these rows at this
                // offset: an earlier attempt (or the client's resend) was written but its answer
                // lost. Finalize checks the count.
                LOG.info(
                        "Append to {} at offset {}: already written (attempt {}), counted once",
                        ts.streamName,
                        offset,
                        attempt);
                written(ts, rows);
                return;
            }
            closeWriter(ts);
            Map<Integer, String> rowErrors = StorageWriteErrors.rowErrors(failure);
            if (kind == StorageWriteErrors.Kind.PERMANENT
                    && !rowErrors.isEmpty()
                    && deadLetterSource != null) {
                // Rejected for their content, and none of the request was written: the other
                // rows go again at the same offset (a new request: new row indexes).
                reject(ts, rowErrors);
                append(ts);
                return;
            }
            if (kind == StorageWriteErrors.Kind.PERMANENT) {
                throw new IOException(
                        "Append of "
                                + count
                                + " rows to "
                                + ts.table
                                + " ("
                                + ts.streamName
                                + ", offset "
                                + offset
                                + ") failed permanently: "
                                + StorageWriteErrors.code(failure)
                                + " "
                                + failure.getMessage()
                                + rowErrors(failure),
                        failure);
            }
            if (!retry.allowsAnotherAttempt(attempt)) {
                throw new IOException(
                        "Append to "
                                + ts.streamName
                                + " still failing after "
                                + attempt
                                + " attempts: "
                                + failure.getMessage(),
                        failure);
            }
            long delay = retry.delayMillis(attempt);
            LOG.warn(
                    "Append to {} at offset {} attempt {}/{} failed ({}); retrying in {} ms",
                    ts.streamName,
                    offset,
                    attempt,
                    retry.maxAttempts(),
                    failure.toString(),
                    delay);
            appendRetries.inc();
            Thread.sleep(delay);
        }
    }

    /**
     * Moves the buffered rows at the given indexes to the table's dead letters, with BigQuery's
     * reason.
     */
    private void reject(TableStream ts, Map<Integer, String> errors) throws IOException {
        List<PendingRow> kept = new ArrayList<>(ts.buffer.size());
        for (int i = 0; i < ts.buffer.size(); i++) {
            PendingRow r = ts.buffer.get(i);
            String reason = errors.get(i);
            if (reason == null) {
                kept.add(r);
                continue;
            }
            LOG.warn(
                    "Row {} rejected by BigQuery for {} ({}): to dead letters",
                    r.origin,
                    ts.table,
                    reason);
            ts.rejected.add(
                    new DeadLetter(
                            deadLetterSource,
                            r.origin,
                            r.receivedAt,
                            "BigQuery rejected the row for " + ts.table + ": " + reason,
                            r.row.toString()));
            rowsRejected.inc();
            sendErrors.inc();
        }
        if (kept.size() == ts.buffer.size()) {
            throw new IOException(
                    "Row errors for " + ts.table + " name no row of the request: " + errors);
        }
        ts.buffer.clear();
        ts.buffer.addAll(kept);
    }

    private void written(TableStream ts, ProtoRows rows) {
        ts.offset += rows.getSerializedRowsCount();
        ts.buffer.clear();
        rowsAppended.inc(rows.getSerializedRowsCount());
        bytesAppended.inc(rows.getSerializedSize());
    }

    /**
     * The buffered rows as protos of the stream's table schema; a row that does not fit (a missing
     * NOT NULL column, an unknown column, a value of the wrong type) fails the writer with its
     * index and the converter's message.
     */
    private ProtoRows toProto(TableStream ts) throws IOException {
        ProtoRows.Builder rows = ProtoRows.newBuilder();
        Map<Integer, String> errors = new TreeMap<>();
        for (int i = 0; i < ts.buffer.size(); i++) {
            try {
                rows.addSerializedRows(
                        JsonToProtoMessage.INSTANCE
                                .convertToProtoMessage(
                                        ts.descriptor, ts.schema, ts.buffer.get(i).row, false)
                                .toByteString());
            } catch (RuntimeException e) {
                errors.put(i, e.getMessage());
            }
        }
        if (!errors.isEmpty() && deadLetterSource != null) {
            reject(ts, errors);
            return ts.buffer.isEmpty() ? ProtoRows.getDefaultInstance() : toProto(ts);
        }
        if (!errors.isEmpty()) {
            StringBuilder sb =
                    new StringBuilder("Rows for ")
                            .append(ts.table)
                            .append(" do not fit its schema (")
                            .append(errors.size())
                            .append(" of ")
                            .append(ts.buffer.size())
                            .append("), failed permanently; row errors (index in batch: message):");
            errors.entrySet().stream()
                    .limit(5)
                    .forEach(
                            e ->
                                    sb.append(' ')
                                            .append(e.getKey())
                                            .append(": ")
                                            .append(e.getValue()));
            throw new IOException(sb.toString());
        }
        return rows.build();
    }

    private static String rowErrors(Throwable failure) {
        Map<Integer, String> errors = StorageWriteErrors.rowErrors(failure);
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; row errors (index in batch: message):");
        errors.entrySet().stream()
                .limit(5)
                .forEach(e -> sb.append(' ').append(e.getKey()).append(": ").append(e.getValue()));
        if (errors.size() > 5) {
            sb.append(" ... (").append(errors.size()).append(" in all)");
        }
        return sb.toString();
    }

    private void createStream(TableStream ts) throws IOException, InterruptedException {
        if (upsert != null) {
            openDefaultStream(ts);
            return;
        }
        CreateWriteStreamRequest request =
                CreateWriteStreamRequest.newBuilder()
                        .setParent(ts.tablePath)
                        .setWriteStream(WriteStream.newBuilder().setType(WriteStream.Type.PENDING))
                        .build();
        WriteStream stream =
                withRetries(
                        "CreateWriteStream on " + ts.tablePath,
                        () -> client.createWriteStream(request));
        ts.streamName = stream.getName();
        ts.schema = stream.getTableSchema();
        try {
            ts.descriptor =
                    BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(ts.schema);
        } catch (DescriptorValidationException e) {
            throw new IOException("The schema of " + ts.tablePath + " has no proto form", e);
        }
        ts.protoSchema = ProtoSchemaConverter.convert(ts.descriptor);
        ts.offset = 0;
        LOG.debug("Created PENDING stream {}", ts.streamName);
    }

    /**
     * CDC writes to the table's default stream (BigQuery takes {@code _CHANGE_TYPE} nowhere else);
     * the writer schema is the table's plus the two pseudo-columns, as Google's CDC sample builds
     * it.
     */
    private void openDefaultStream(TableStream ts) throws IOException, InterruptedException {
        String name = ts.tablePath + "/streams/_default";
        GetWriteStreamRequest request =
                GetWriteStreamRequest.newBuilder()
                        .setName(name)
                        .setView(WriteStreamView.FULL)
                        .build();
        WriteStream stream =
                withRetries("GetWriteStream " + name, () -> client.getWriteStream(request));
        ts.streamName = stream.getName().isEmpty() ? name : stream.getName();
        ts.schema =
                stream.getTableSchema().toBuilder()
                        .addFields(pseudoColumn(StorageWriteSink.CHANGE_TYPE))
                        .addFields(pseudoColumn(StorageWriteSink.CHANGE_SEQUENCE_NUMBER))
                        .build();
        try {
            ts.descriptor =
                    BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(ts.schema);
        } catch (DescriptorValidationException e) {
            throw new IOException("The schema of " + ts.tablePath + " has no proto form", e);
        }
        ts.protoSchema = ProtoSchemaConverter.convert(ts.descriptor);
        ts.offset = 0;
        LOG.debug("Upserting through the default stream {}", ts.streamName);
    }

    private static TableFieldSchema pseudoColumn(String name) {
        return TableFieldSchema.newBuilder()
                .setName(name)
                .setType(TableFieldSchema.Type.STRING)
                .setMode(TableFieldSchema.Mode.NULLABLE)
                .build();
    }

    private long finalizeStream(TableStream ts) throws IOException, InterruptedException {
        String name = ts.streamName;
        FinalizeWriteStreamResponse response =
                withRetries("FinalizeWriteStream " + name, () -> client.finalizeWriteStream(name));
        return response.getRowCount();
    }

    private void closeWriter(TableStream ts) {
        if (ts.writer != null) {
            closeQuietly(ts.writer, ts.streamName);
            ts.writer = null;
        }
    }

    private static void closeQuietly(StreamWriter writer, String stream) {
        try {
            writer.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the writer of {} failed", stream, e);
        }
    }

    interface Call<R> {
        R call();
    }

    private <R> R withRetries(String what, Call<R> call) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                if (StorageWriteErrors.classify(e) != StorageWriteErrors.Kind.RETRYABLE) {
                    throw new IOException(what + " failed permanently: " + e.getMessage(), e);
                }
                if (!retry.allowsAnotherAttempt(attempt)) {
                    throw new IOException(
                            what + " still failing after " + attempt + " attempts", e);
                }
                long delay = retry.delayMillis(attempt);
                LOG.warn("{} attempt {} failed ({}); retrying in {} ms", what, attempt, e, delay);
                Thread.sleep(delay);
            }
        }
    }
}
