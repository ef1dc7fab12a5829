package com.athena.testing;

import com.athena.common.bigquery.BigQueryDdl;
import com.athena.common.bigquery.StorageWriteEndpoint;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsRequest;
import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.CreateWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.FinalizeWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.FinalizeWriteStreamResponse;
import com.google.cloud.bigquery.storage.v1.FlushRowsRequest;
import com.google.cloud.bigquery.storage.v1.FlushRowsResponse;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.StorageError;
import com.google.cloud.bigquery.storage.v1.StorageError.StorageErrorCode;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.cloud.bigquery.storage.v1.WriteStreamView;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local BigQuery Storage Write API: Google's generated {@code BigQueryWrite} gRPC service on a
 * plaintext loopback port, so that tests run the official client ({@code BigQueryWriteClient},
 * {@code JsonStreamWriter}) over the real wire protocol; not BigQuery itself.
 *
 * <p>What it does as the API documents: {@code CreateWriteStream} of {@code PENDING} and {@code
 * COMMITTED} streams (with the table's schema in the response) and the {@code _default} stream;
 * {@code AppendRows} with the writer's proto schema, rows checked against the table (extra fields:
 * {@code INVALID_ARGUMENT} / {@code SCHEMA_MISMATCH_EXTRA_FIELDS}; a missing required field or a
 * TIMESTAMP outside BigQuery's range: a row error, and none of the request's rows is written),
 * offsets ({@code ALREADY_EXISTS} / {@code OFFSET_ALREADY_EXISTS} for an offset already written,
 * {@code OUT_OF_RANGE} / {@code OFFSET_OUT_OF_RANGE} past the end, none allowed on the default
 * stream), appends to a finalized stream refused ({@code STREAM_FINALIZED}); {@code
 * FinalizeWriteStream} returning the row count; {@code BatchCommitWriteStreams}, atomic per table,
 * refusing streams that are not PENDING ({@code INVALID_STREAM_TYPE}), not finalized ({@code
 * INVALID_STREAM_STATE}), unknown ({@code STREAM_NOT_FOUND}) or already committed ({@code
 * STREAM_ALREADY_COMMITTED}), in which case nothing is committed and the response has no commit
 * time; {@code GetWriteStream}. Rows of a COMMITTED or default stream are visible once appended,
 * rows of a PENDING stream once committed. It de-duplicates nothing.
 *
 * <p>Change data capture as BigQuery documents it, on the default stream of a table declared with a
 * primary key: a writer schema with the pseudo-columns {@code _CHANGE_TYPE} and {@code
 * _CHANGE_SEQUENCE_NUMBER}; {@code UPSERT} replaces the row of its key (or adds it), {@code DELETE}
 * removes it; per key the change with the highest sequence number wins (sections of up to 16 hex
 * digits separated by {@code /}, compared section by section as numbers), and a change whose number
 * is equal to or lower than the one applied is ignored; without sequence numbers the later append
 * wins. {@code _CHANGE_TYPE} on a table without a primary key, or on a stream other than the
 * default one, is refused with {@code INVALID_ARGUMENT}; a bad change type or sequence number is a
 * row error. Not done: BUFFERED streams and {@code FlushRows}, quotas, types beyond the columns'
 * proto types, partitions, queries.
 *
 * <p>Failures can be injected for the next appends: an error that ends the connection before the
 * rows are written ({@link #failNextAppends}), or after they were written, as when the response is
 * lost ({@link #failNextAppendsAfterWrite}).
 */
public final class LocalBigQueryWriteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBigQueryWriteServer.class);

    private static final Pattern TABLE_PATH =
            Pattern.compile("^projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)$");
    private static final Pattern STREAM_PATH =
            Pattern.compile("^(projects/[^/]+/datasets/[^/]+/tables/[^/]+)/streams/([^/]+)$");

    /**
     * BigQuery's TIMESTAMP range, 0001-01-01 00:00:00 to 9999-12-31 23:59:59.999999 UTC, in epoch
     * microseconds: a value outside is a row error, as the service documents.
     */
    static final long MIN_TIMESTAMP_MICROS = -62_135_596_800_000_000L;

    static final long MAX_TIMESTAMP_MICROS = 253_402_300_799_999_999L;

    private final Server server;

    // Guarded by "this".
    private final Map<String, TableSchema> schemas = new HashMap<>();
    private final Map<String, List<String>> primaryKeys = new HashMap<>();

    /** Per CDC table, per key: the sequence number of the change applied (deletes included). */
    private final Map<String, Map<List<Object>, String>> sequences = new HashMap<>();

    private final Map<String, List<Map<String, Object>>> committed = new HashMap<>();
    private final Map<String, StreamState> streams = new LinkedHashMap<>();
    private final Deque<Status.Code> failBefore = new ArrayDeque<>();
    private final Deque<Status.Code> failAfter = new ArrayDeque<>();
    private int nextStreamId;
    private int appendRequests;
    private long appendRequestBytes;
    private long appendRowBytes;

    private LocalBigQueryWriteServer(int port) throws IOException {
        this.server =
                NettyServerBuilder.forAddress(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                        .addService(new Service())
                        .build()
                        .start();
    }

    /** Starts a server on 127.0.0.1 with an ephemeral port. */
    public static LocalBigQueryWriteServer start() throws IOException {
        LocalBigQueryWriteServer s = new LocalBigQueryWriteServer(0);
        LOG.info("Local BigQuery Storage Write API listening on {}", s.target());
        return s;
    }

    /** The gRPC target to give the client as its endpoint, e.g. {@code 127.0.0.1:40123}. */
    public String target() {
        return "127.0.0.1:" + server.getPort();
    }

    /** An endpoint for this server's {@code project.dataset}: plaintext, no credentials. */
    public StorageWriteEndpoint endpoint(String projectId, String datasetId) {
        return StorageWriteEndpoint.local(projectId, datasetId, target());
    }

    /** Declares a table. Streams can only be created on declared tables. */
    public synchronized void defineTable(
            String projectId, String datasetId, String table, TableSchema schema) {
        defineTable(projectId, datasetId, table, schema, List.of());
    }

    /**
     * Declares a table with a primary key ({@code PRIMARY KEY (...) NOT ENFORCED}): its default
     * stream takes CDC rows. An empty key declares a plain table.
     */
    public synchronized void defineTable(
            String projectId,
            String datasetId,
            String table,
            TableSchema schema,
            List<String> primaryKey) {
        String path = tablePath(projectId, datasetId, table);
        schemas.put(path, schema);
        primaryKeys.put(path, List.copyOf(primaryKey));
    }

    /**
     * Declares the tables of the {@code CREATE TABLE} files in {@code dir} (e.g. {@code
     * sql/bigquery}) whose names are given, with their columns' types and NOT NULL as REQUIRED.
     */
    public void defineTablesFromDdl(
            String projectId, String datasetId, Path dir, String... tables) {
        for (String table : tables) {
            try {
                String ddl = Files.readString(dir.resolve(table + ".sql"), StandardCharsets.UTF_8);
                defineTable(
                        projectId,
                        datasetId,
                        table,
                        parseDdl(ddl),
                        BigQueryDdl.parse(ddl).primaryKey());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The schema of a {@code CREATE TABLE} statement of {@code sql/bigquery} as {@link BigQueryDdl}
     * reads it (its primary key: {@link BigQueryDdl#primaryKey()}) (the same reading {@code setup}
     * sends to {@code tables.insert}): NOT NULL as REQUIRED, {@code ARRAY<T>} as REPEATED.
     */
    public static TableSchema parseDdl(String ddl) {
        BigQueryDdl table = BigQueryDdl.parse(ddl);
        if (table.isView()) {
            throw new IllegalArgumentException("A view, not a table: " + table.name());
        }
        TableSchema.Builder schema = TableSchema.newBuilder();
        for (Field column : table.columns()) {
            Field.Mode mode = column.getMode() == null ? Field.Mode.NULLABLE : column.getMode();
            schema.addFields(
                    TableFieldSchema.newBuilder()
                            .setName(column.getName())
                            .setType(fieldType(column.getType().getStandardType().name()))
                            .setMode(TableFieldSchema.Mode.valueOf(mode.name())));
        }
        return schema.build();
    }

    private static TableFieldSchema.Type fieldType(String type) {
        switch (type) {
            case "STRING":
                return TableFieldSchema.Type.STRING;
            case "TIMESTAMP":
                return TableFieldSchema.Type.TIMESTAMP;
            case "FLOAT64":
                return TableFieldSchema.Type.DOUBLE;
            case "INT64":
                return TableFieldSchema.Type.INT64;
            case "BOOL":
                return TableFieldSchema.Type.BOOL;
            case "JSON":
                return TableFieldSchema.Type.JSON;
            case "NUMERIC":
                return TableFieldSchema.Type.NUMERIC;
            case "DATE":
                return TableFieldSchema.Type.DATE;
            default:
                throw new IllegalArgumentException("Column type not supported here: " + type);
        }
    }

    /**
     * The next {@code count} append requests fail with {@code code}, ending their connection,
     * before any row is written.
     */
    public synchronized void failNextAppends(int count, Status.Code code) {
        for (int i = 0; i < count; i++) {
            failBefore.add(code);
        }
    }

    /**
     * The next {@code count} append requests that would succeed are written, and then fail with
     * {@code code} instead of their response, ending their connection: the client cannot know.
     */
    public synchronized void failNextAppendsAfterWrite(int count, Status.Code code) {
        for (int i = 0; i < count; i++) {
            failAfter.add(code);
        }
    }

    /**
     * The committed (visible) rows of a table in this server, in commit order: column to value, as
     * the proto carried it (TIMESTAMP as epoch microseconds, JSON as its text); NULL columns
     * absent.
     */
    public synchronized List<Map<String, Object>> committedRows(
            String projectId, String datasetId, String table) {
        return List.copyOf(
                committed.getOrDefault(tablePath(projectId, datasetId, table), List.of()));
    }

    /** The committed rows of the table named {@code table} in any dataset. */
    public synchronized List<Map<String, Object>> committedRows(String table) {
        List<Map<String, Object>> rows = new ArrayList<>();
        committed.forEach(
                (path, r) -> {
                    if (path.endsWith("/tables/" + table)) {
                        rows.addAll(r);
                    }
                });
        return rows;
    }

    /** Every stream created (not the default streams), in creation order. */
    public synchronized List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        for (StreamState s : streams.values()) {
            if (!s.isDefault) {
                out.add(
                        new StreamInfo(
                                s.name, s.type, s.rows.size(), s.finalized, s.commitTime != null));
            }
        }
        return out;
    }

    /** The append requests received, failed ones included. */
    public synchronized int appendRequests() {
        return appendRequests;
    }

    /** The bytes of every append request received (protobuf size, without gRPC framing). */
    public synchronized long appendRequestBytes() {
        return appendRequestBytes;
    }

    /** The bytes of the rows of every append request received (their {@code ProtoRows}). */
    public synchronized long appendRowBytes() {
        return appendRowBytes;
    }

    /** Forgets streams, rows and pending failures; keeps the tables. */
    public synchronized void reset() {
        committed.clear();
        sequences.clear();
        streams.clear();
        failBefore.clear();
        failAfter.clear();
        appendRequests = 0;
        appendRequestBytes = 0;
        appendRowBytes = 0;
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tablePath(String projectId, String datasetId, String table) {
        return "projects/" + projectId + "/datasets/" + datasetId + "/tables/" + table;
    }

    /** A stream as tests see it. */
    public static final class StreamInfo {
        public final String name;
        public final WriteStream.Type type;
        public final int rows;
        public final boolean finalized;
        public final boolean committed;

        StreamInfo(
                String name,
                WriteStream.Type type,
                int rows,
                boolean finalized,
                boolean committed) {
            this.name = name;
            this.type = type;
            this.rows = rows;
            this.finalized = finalized;
            this.committed = committed;
        }

        @Override
        public String toString() {
            return name
                    + " "
                    + type
                    + " rows="
                    + rows
                    + (finalized ? " finalized" : "")
                    + (committed ? " committed" : "");
        }
    }

    private static final class StreamState {
        final String name;
        final String table;
        final WriteStream.Type type;
        final boolean isDefault;
        final Timestamp createTime;
        final List<Map<String, Object>> rows = new ArrayList<>();
        boolean finalized;
        Timestamp commitTime;

        StreamState(String name, String table, WriteStream.Type type, boolean isDefault) {
            this.name = name;
            this.table = table;
            this.type = type;
            this.isDefault = isDefault;
            this.createTime = now();
        }
    }

    private static Timestamp now() {
        Instant t = Instant.now();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static com.google.rpc.Status rpcStatus(
            Status.Code code, StorageErrorCode storageCode, String entity, String message) {
        com.google.rpc.Status.Builder status =
                com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message);
        if (storageCode != null) {
            status.addDetails(
                    Any.pack(
                            StorageError.newBuilder()
                                    .setCode(storageCode)
                                    .setEntity(entity)
                                    .setErrorMessage(message)
                                    .build()));
        }
        return status.build();
    }

    private static StatusRuntimeException error(
            Status.Code code, StorageErrorCode storageCode, String entity, String message) {
        return StatusProto.toStatusRuntimeException(rpcStatus(code, storageCode, entity, message));
    }

    private WriteStream toProto(StreamState s, boolean withSchema) {
        WriteStream.Builder b =
                WriteStream.newBuilder()
                        .setName(s.name)
                        .setType(s.type)
                        .setCreateTime(s.createTime)
                        .setWriteMode(WriteStream.WriteMode.INSERT)
                        .setLocation("US");
        if (s.commitTime != null) {
            b.setCommitTime(s.commitTime);
        }
        if (withSchema) {
            b.setTableSchema(schemas.get(s.table));
        }
        return b.build();
    }

    /** The stream a name refers to; the default stream of a declared table is made on demand. */
    private StreamState stream(String name) {
        StreamState s = streams.get(name);
        if (s != null) {
            return s;
        }
        Matcher m = STREAM_PATH.matcher(name);
        if (m.matches() && m.group(2).equals("_default") && schemas.containsKey(m.group(1))) {
            s = new StreamState(name, m.group(1), WriteStream.Type.COMMITTED, true);
            streams.put(name, s);
            return s;
        }
        return null;
    }

    private final class Service extends BigQueryWriteGrpc.BigQueryWriteImplBase {

        @Override
        public void createWriteStream(
                CreateWriteStreamRequest request, StreamObserver<WriteStream> response) {
            WriteStream result;
            synchronized (LocalBigQueryWriteServer.this) {
                String table = request.getParent();
                if (!TABLE_PATH.matcher(table).matches() || !schemas.containsKey(table)) {
                    response.onError(
                            error(
                                    Status.Code.NOT_FOUND,
                                    StorageErrorCode.TABLE_NOT_FOUND,
                                    table,
                                    "Table not found: " + table));
                    return;
                }
                WriteStream.Type type = request.getWriteStream().getType();
                if (type != WriteStream.Type.PENDING && type != WriteStream.Type.COMMITTED) {
                    response.onError(
                            Status.INVALID_ARGUMENT
                                    .withDescription(
                                            "Stream type "
                                                    + type
                                                    + " is not supported by the local server")
                                    .asRuntimeException());
                    return;
                }
                String name =
                        table
                                + "/streams/local-"
                                + String.format(Locale.ROOT, "%06d", ++nextStreamId);
                StreamState s = new StreamState(name, table, type, false);
                streams.put(name, s);
                result = toProto(s, true);
            }
            response.onNext(result);
            response.onCompleted();
        }

        @Override
        public void getWriteStream(
                GetWriteStreamRequest request, StreamObserver<WriteStream> response) {
            WriteStream result;
            synchronized (LocalBigQueryWriteServer.this) {
                StreamState s = stream(request.getName());
                if (s == null) {
                    response.onError(
                            error(
                                    Status.Code.NOT_FOUND,
                                    StorageErrorCode.STREAM_NOT_FOUND,
                                    request.getName(),
                                    "Stream not found: " + request.getName()));
                    return;
                }
                result = toProto(s, request.getView() == WriteStreamView.FULL);
            }
            response.onNext(result);
            response.onCompleted();
        }

        @Override
        public void finalizeWriteStream(
                FinalizeWriteStreamRequest request,
                StreamObserver<FinalizeWriteStreamResponse> response) {
            FinalizeWriteStreamResponse result;
            synchronized (LocalBigQueryWriteServer.this) {
                StreamState s = stream(request.getName());
                if (s == null) {
                    response.onError(
                            error(
                                    Status.Code.NOT_FOUND,
                                    StorageErrorCode.STREAM_NOT_FOUND,
                                    request.getName(),
                                    "Stream not found: " + request.getName()));
                    return;
                }
                if (s.isDefault) {
                    response.onError(
                            error(
                                    Status.Code.INVALID_ARGUMENT,
                                    StorageErrorCode.INVALID_STREAM_TYPE,
                                    s.name,
                                    "The default stream cannot be finalized"));
                    return;
                }
                s.finalized = true;
                result =
                        FinalizeWriteStreamResponse.newBuilder().setRowCount(s.rows.size()).build();
            }
            response.onNext(result);
            response.onCompleted();
        }

        @Override
        public void batchCommitWriteStreams(
                BatchCommitWriteStreamsRequest request,
                StreamObserver<BatchCommitWriteStreamsResponse> response) {
            BatchCommitWriteStreamsResponse.Builder result =
                    BatchCommitWriteStreamsResponse.newBuilder();
            synchronized (LocalBigQueryWriteServer.this) {
                String table = request.getParent();
                if (!schemas.containsKey(table)) {
                    response.onError(
                            error(
                                    Status.Code.NOT_FOUND,
                                    StorageErrorCode.TABLE_NOT_FOUND,
                                    table,
                                    "Table not found: " + table));
                    return;
                }
                List<StreamState> toCommit = new ArrayList<>();
                for (String name : request.getWriteStreamsList()) {
                    StreamState s = streams.get(name);
                    StorageErrorCode code = null;
                    String message = null;
                    if (s == null || s.isDefault || !s.table.equals(table)) {
                        code = StorageErrorCode.STREAM_NOT_FOUND;
                        message = "Stream not found in " + table + ": " + name;
                    } else if (s.type != WriteStream.Type.PENDING) {
                        code = StorageErrorCode.INVALID_STREAM_TYPE;
                        message = "Stream is not PENDING: " + name;
                    } else if (s.commitTime != null) {
                        code = StorageErrorCode.STREAM_ALREADY_COMMITTED;
                        message = "Stream is already committed: " + name;
                    } else if (!s.finalized) {
                        code = StorageErrorCode.INVALID_STREAM_STATE;
                        message = "Stream is not finalized: " + name;
                    }
                    if (code != null) {
                        result.addStreamErrors(
                                StorageError.newBuilder()
                                        .setCode(code)
                                        .setEntity(name)
                                        .setErrorMessage(message));
                    } else {
                        toCommit.add(s);
                    }
                }
                // Atomic: one bad stream and nothing is committed, as BigQuery documents.
                if (result.getStreamErrorsCount() == 0) {
                    Timestamp time = now();
                    for (StreamState s : toCommit) {
                        s.commitTime = time;
                        committed.computeIfAbsent(table, t -> new ArrayList<>()).addAll(s.rows);
                    }
                    result.setCommitTime(time);
                }
            }
            response.onNext(result.build());
            response.onCompleted();
        }

        @Override
        public void flushRows(FlushRowsRequest request, StreamObserver<FlushRowsResponse> r) {
            r.onError(
                    Status.UNIMPLEMENTED
                            .withDescription("BUFFERED streams are not served locally")
                            .asRuntimeException());
        }

        @Override
        public StreamObserver<AppendRowsRequest> appendRows(
                StreamObserver<AppendRowsResponse> response) {
            return new Connection(response);
        }
    }

    /** One AppendRows connection: its stream and writer schema carry over between requests. */
    private final class Connection implements StreamObserver<AppendRowsRequest> {
        private final StreamObserver<AppendRowsResponse> response;
        private String streamName;
        private Descriptor descriptor;
        private boolean done;

        Connection(StreamObserver<AppendRowsResponse> response) {
            this.response = response;
        }

        @Override
        public void onNext(AppendRowsRequest request) {
            if (done) {
                return;
            }
            Status.Code failAfterWrite = null;
            AppendRowsResponse result;
            synchronized (LocalBigQueryWriteServer.this) {
                appendRequests++;
                appendRequestBytes += request.getSerializedSize();
                appendRowBytes += request.getProtoRows().getRows().getSerializedSize();
                Status.Code injected = failBefore.poll();
                if (injected != null) {
                    fail(
                            Status.fromCode(injected)
                                    .withDescription("Injected " + injected + " before write")
                                    .asRuntimeException());
                    return;
                }
                if (!request.getWriteStream().isEmpty()) {
                    streamName = request.getWriteStream();
                }
                if (request.getProtoRows().hasWriterSchema()) {
                    try {
                        descriptor =
                                descriptor(
                                        request.getProtoRows()
                                                .getWriterSchema()
                                                .getProtoDescriptor());
                    } catch (DescriptorValidationException e) {
                        fail(
                                Status.INVALID_ARGUMENT
                                        .withDescription("Invalid proto schema: " + e.getMessage())
                                        .asRuntimeException());
                        return;
                    }
                }
                if (streamName == null || descriptor == null) {
                    fail(
                            Status.INVALID_ARGUMENT
                                    .withDescription(
                                            "The first request of a connection must name the"
                                                    + " stream and carry the writer schema")
                                    .asRuntimeException());
                    return;
                }
                result = append(request);
                if (!result.hasError()) {
                    failAfterWrite = failAfter.poll();
                }
            }
            if (failAfterWrite != null) {
                fail(
                        Status.fromCode(failAfterWrite)
                                .withDescription("Injected " + failAfterWrite + " after write")
                                .asRuntimeException());
                return;
            }
            response.onNext(result);
        }

        private AppendRowsResponse append(AppendRowsRequest request) {
            StreamState s = stream(streamName);
            if (s == null) {
                return errorResponse(
                        Status.Code.NOT_FOUND,
                        StorageErrorCode.STREAM_NOT_FOUND,
                        streamName,
                        "Stream not found: " + streamName);
            }
            if (s.finalized || s.commitTime != null) {
                return errorResponse(
                        Status.Code.INVALID_ARGUMENT,
                        StorageErrorCode.STREAM_FINALIZED,
                        s.name,
                        "Stream is finalized: " + s.name);
            }
            TableSchema schema = schemas.get(s.table);
            Map<String, TableFieldSchema> columns = new HashMap<>();
            for (TableFieldSchema f : schema.getFieldsList()) {
                columns.put(f.getName().toLowerCase(Locale.ROOT), f);
            }
            boolean cdc = false;
            for (FieldDescriptor f : descriptor.getFields()) {
                String field = f.getName().toUpperCase(Locale.ROOT);
                if (field.equals(CHANGE_TYPE) || field.equals(CHANGE_SEQUENCE_NUMBER)) {
                    if (primaryKeys.getOrDefault(s.table, List.of()).isEmpty()) {
                        return errorResponse(
                                Status.Code.INVALID_ARGUMENT,
                                null,
                                s.name,
                                "The pseudo-column "
                                        + f.getName()
                                        + " is only supported on tables with a primary key");
                    }
                    if (!s.isDefault) {
                        return errorResponse(
                                Status.Code.INVALID_ARGUMENT,
                                null,
                                s.name,
                                "The pseudo-column "
                                        + f.getName()
                                        + " is only supported on the default stream");
                    }
                    cdc |= field.equals(CHANGE_TYPE);
                    continue;
                }
                if (!columns.containsKey(f.getName().toLowerCase(Locale.ROOT))) {
                    return errorResponse(
                            Status.Code.INVALID_ARGUMENT,
                            StorageErrorCode.SCHEMA_MISMATCH_EXTRA_FIELDS,
                            s.name,
                            "Input schema has more fields than BigQuery schema, extra fields: '"
                                    + f.getName()
                                    + "'");
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            AppendRowsResponse.Builder rowErrors = AppendRowsResponse.newBuilder();
            List<ByteString> serialized = request.getProtoRows().getRows().getSerializedRowsList();
            for (int i = 0; i < serialized.size(); i++) {
                Optional<String> problem = Optional.empty();
                Map<String, Object> row = new LinkedHashMap<>();
                try {
                    DynamicMessage message =
                            DynamicMessage.parseFrom(descriptor, serialized.get(i));
                    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
                        Object value = e.getValue();
                        row.put(
                                e.getKey().getName(),
                                value instanceof ByteString
                                        ? ((ByteString) value).toStringUtf8()
                                        : value);
                    }
                    if (cdc) {
                        problem = cdcProblem(row);
                    }
                    for (TableFieldSchema column : schema.getFieldsList()) {
                        if (problem.isPresent()) {
                            break;
                        }
                        if (column.getMode() == TableFieldSchema.Mode.REQUIRED
                                && !row.containsKey(column.getName())) {
                            problem = Optional.of("Missing required field: " + column.getName());
                            break;
                        }
                        Object value = row.get(column.getName());
                        if (column.getType() == TableFieldSchema.Type.TIMESTAMP
                                && value instanceof Long
                                && ((Long) value < MIN_TIMESTAMP_MICROS
                                        || (Long) value > MAX_TIMESTAMP_MICROS)) {
                            problem =
                                    Optional.of(
                                            "Timestamp field value is out of range: "
                                                    + value
                                                    + " ("
                                                    + column.getName()
                                                    + ")");
                            break;
                        }
                    }
                } catch (InvalidProtocolBufferException e) {
                    problem = Optional.of("Cannot parse the row: " + e.getMessage());
                }
                if (problem.isPresent()) {
                    rowErrors.addRowErrors(
                            RowError.newBuilder()
                                    .setIndex(i)
                                    .setCode(RowError.RowErrorCode.FIELDS_ERROR)
                                    .setMessage(problem.get()));
                }
                rows.add(row);
            }
            if (rowErrors.getRowErrorsCount() > 0) {
                // A request with a bad row writes none of its rows.
                return rowErrors
                        .setError(
                                rpcStatus(
                                        Status.Code.INVALID_ARGUMENT,
                                        null,
                                        s.name,
                                        "Rows have errors; none of the request was written"))
                        .setWriteStream(s.name)
                        .build();
            }
            long start = s.rows.size();
            if (request.hasOffset()) {
                if (s.isDefault) {
                    return errorResponse(
                            Status.Code.INVALID_ARGUMENT,
                            null,
                            s.name,
                            "Offsets are not supported on the default stream");
                }
                long offset = request.getOffset().getValue();
                if (offset < start) {
                    return errorResponse(
                            Status.Code.ALREADY_EXISTS,
                            StorageErrorCode.OFFSET_ALREADY_EXISTS,
                            s.name,
                            "Offset " + offset + " already exists; the stream has " + start);
                }
                if (offset > start) {
                    return errorResponse(
                            Status.Code.OUT_OF_RANGE,
                            StorageErrorCode.OFFSET_OUT_OF_RANGE,
                            s.name,
                            "Offset " + offset + " is past the end of the stream (" + start + ")");
                }
            }
            s.rows.addAll(rows);
            if (cdc) {
                for (Map<String, Object> row : rows) {
                    applyChange(s.table, row);
                }
            } else if (s.type == WriteStream.Type.COMMITTED) {
                committed.computeIfAbsent(s.table, t -> new ArrayList<>()).addAll(rows);
            }
            AppendRowsResponse.AppendResult.Builder appended =
                    AppendRowsResponse.AppendResult.newBuilder();
            if (!s.isDefault) {
                appended.setOffset(Int64Value.of(start));
            }
            return AppendRowsResponse.newBuilder()
                    .setAppendResult(appended)
                    .setWriteStream(s.name)
                    .build();
        }

        private AppendRowsResponse errorResponse(
                Status.Code code, StorageErrorCode storageCode, String entity, String message) {
            return AppendRowsResponse.newBuilder()
                    .setError(rpcStatus(code, storageCode, entity, message))
                    .setWriteStream(streamName)
                    .build();
        }

        private void fail(StatusRuntimeException e) {
            done = true;
            response.onError(e);
        }

        @Override
        public void onError(Throwable t) {
            done = true;
        }

        @Override
        public void onCompleted() {
            if (!done) {
                done = true;
                response.onCompleted();
            }
        }
    }

    static final String CHANGE_TYPE = "_CHANGE_TYPE";
    static final String CHANGE_SEQUENCE_NUMBER = "_CHANGE_SEQUENCE_NUMBER";
    private static final Pattern SEQUENCE_NUMBER =
            Pattern.compile("^[0-9A-Fa-f]{1,16}(?:/[0-9A-Fa-f]{1,16}){0,3}$");

    /** The pseudo-column's value in a row, whatever the case of the writer's field name. */
    private static Object pseudo(Map<String, Object> row, String name) {
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Optional<String> cdcProblem(Map<String, Object> row) {
        Object type = pseudo(row, CHANGE_TYPE);
        if (!"UPSERT".equals(type) && !"DELETE".equals(type)) {
            return Optional.of("_CHANGE_TYPE must be UPSERT or DELETE, not " + type);
        }
        Object sequence = pseudo(row, CHANGE_SEQUENCE_NUMBER);
        if (sequence != null && !SEQUENCE_NUMBER.matcher(sequence.toString()).matches()) {
            return Optional.of("Invalid _CHANGE_SEQUENCE_NUMBER: " + sequence);
        }
        return Optional.empty();
    }

    /**
     * Compares two sequence numbers as BigQuery does: section by section, each a hexadecimal
     * number; with equal leading sections the one with more sections is higher.
     */
    static int compareSequenceNumbers(String a, String b) {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c =
                    Long.compareUnsigned(
                            Long.parseUnsignedLong(x[i], 16), Long.parseUnsignedLong(y[i], 16));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** Applies one CDC row to its table's visible rows by primary key. */
    private void applyChange(String table, Map<String, Object> change) {
        Map<String, Object> row = new LinkedHashMap<>(change);
        row.keySet()
                .removeIf(
                        k ->
                                k.equalsIgnoreCase(CHANGE_TYPE)
                                        || k.equalsIgnoreCase(CHANGE_SEQUENCE_NUMBER));
        List<Object> key = key(table, row);
        Map<List<Object>, String> applied = sequences.computeIfAbsent(table, t -> new HashMap<>());
        Object sequence = pseudo(change, CHANGE_SEQUENCE_NUMBER);
        if (sequence != null) {
            String previous = applied.get(key);
            if (previous != null && compareSequenceNumbers(sequence.toString(), previous) <= 0) {
                return; // an older or the same change: ignored, as BigQuery documents
            }
            applied.put(key, sequence.toString());
        }
        List<Map<String, Object>> rows = committed.computeIfAbsent(table, t -> new ArrayList<>());
        int index = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (key(table, rows.get(i)).equals(key)) {
                index = i;
                break;
            }
        }
        boolean delete = "DELETE".equals(pseudo(change, CHANGE_TYPE));
        if (delete && index >= 0) {
            rows.remove(index);
        } else if (!delete && index >= 0) {
            rows.set(index, row);
        } else if (!delete) {
            rows.add(row);
        }
    }

    private List<Object> key(String table, Map<String, Object> row) {
        List<Object> key = new ArrayList<>();
        for (String column : primaryKeys.get(table)) {
            Object value = null;
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (e.getKey().equalsIgnoreCase(column)) {
                    value = e.getValue();
                }
            }
            key.add(value);
        }
        return key;
    }

    private static Descriptor descriptor(DescriptorProto proto)
            throws DescriptorValidationException {
        FileDescriptor file =
                FileDescriptor.buildFrom(
                        FileDescriptorProto.newBuilder()
                                .setName("writer_schema.proto")
                                .addMessageType(proto)
                                .build(),
                        new FileDescriptor[0]);
        return file.findMessageTypeByName(proto.getName());
    }
}
