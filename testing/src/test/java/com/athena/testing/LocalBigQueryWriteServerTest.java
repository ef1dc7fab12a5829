package com.athena.testing;

import com.google.api.core.ApiFuture;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsRequest;
import com.google.cloud.bigquery.storage.v1.BatchCommitWriteStreamsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.CreateWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.JsonStreamWriter;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.cloud.bigquery.storage.v1.ProtoSchemaConverter;
import com.google.cloud.bigquery.storage.v1.StorageError.StorageErrorCode;
import com.google.cloud.bigquery.storage.v1.StreamWriter;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.cloud.bigquery.storage.v1.TableSchema;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.cloud.bigquery.storage.v1.WriteStreamView;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.Status;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Google's Storage Write client ({@link BigQueryWriteClient}, {@link JsonStreamWriter}, {@link
 * StreamWriter}) talks to {@link LocalBigQueryWriteServer} over a plaintext gRPC channel without
 * credentials, and sees the semantics the API documents.
 */
class LocalBigQueryWriteServerTest {
    private static final String PROJECT = "athena-local";
    private static final String DATASET = "athena_agent";
    private static final String TABLE = "cost_tracking";
    private static final String TABLE_PATH =
            "projects/" + PROJECT + "/datasets/" + DATASET + "/tables/" + TABLE;

    private LocalBigQueryWriteServer server;
    private BigQueryWriteClient client;

    @BeforeEach
    void start() throws Exception {
        server = LocalBigQueryWriteServer.start();
        server.defineTablesFromDdl(PROJECT, DATASET, Path.of("../sql/bigquery"), TABLE);
        client = server.endpoint(PROJECT, DATASET).openClient();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private WriteStream create(WriteStream.Type type) {
        return client.createWriteStream(
                CreateWriteStreamRequest.newBuilder()
                        .setParent(TABLE_PATH)
                        .setWriteStream(WriteStream.newBuilder().setType(type))
                        .build());
    }

    private static JSONObject cost(String eventId, double amount) {
        JSONObject row = new JSONObject();
        row.put("timestamp", "2024-01-15T10:00:00.000000Z");
        row.put("agent_id", "agent-1");
        row.put("event_id", eventId);
        row.put("cost_type", "llm");
        row.put("amount", amount);
        row.put("details", "{\"day\":\"2024-01-15\"}");
        return row;
    }

    private static JSONArray rows(JSONObject... rows) {
        return new JSONArray(List.of(rows));
    }

    private BatchCommitWriteStreamsResponse commit(String... streams) {
        return client.batchCommitWriteStreams(
                BatchCommitWriteStreamsRequest.newBuilder()
                        .setParent(TABLE_PATH)
                        .addAllWriteStreams(List.of(streams))
                        .build());
    }

    private static Throwable failure(ApiFuture<AppendRowsResponse> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("append succeeded");
    }

    @Test
    void ddlBecomesTheSchemaOfCreatedStreams() {
        WriteStream stream = create(WriteStream.Type.PENDING);
        assertThat(stream.getName()).startsWith(TABLE_PATH + "/streams/");
        TableSchema schema = stream.getTableSchema();
        assertThat(schema.getFieldsList()).hasSize(11);
        TableFieldSchema first = schema.getFields(0);
        assertThat(first.getName()).isEqualTo("timestamp");
        assertThat(first.getType()).isEqualTo(TableFieldSchema.Type.TIMESTAMP);
        assertThat(first.getMode()).isEqualTo(TableFieldSchema.Mode.REQUIRED);
        assertThat(schema.getFields(5).getType()).isEqualTo(TableFieldSchema.Type.DOUBLE);
        assertThat(schema.getFields(10).getType()).isEqualTo(TableFieldSchema.Type.JSON);
        assertThat(schema.getFields(10).getMode()).isEqualTo(TableFieldSchema.Mode.NULLABLE);
    }

    @Test
    void pendingRowsAreVisibleOnlyOnceFinalizedAndCommitted() throws Exception {
        WriteStream stream = create(WriteStream.Type.PENDING);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            AppendRowsResponse first = writer.append(rows(cost("e1", 1.5), cost("e2", 2)), 0).get();
            assertThat(first.getAppendResult().getOffset().getValue()).isZero();
            assertThat(
                            writer.append(rows(cost("e3", 3)), 2)
                                    .get()
                                    .getAppendResult()
                                    .getOffset()
                                    .getValue())
                    .isEqualTo(2);
        }
        assertThat(server.committedRows(TABLE)).isEmpty();

        // Not finalized: refused, and nothing committed.
        BatchCommitWriteStreamsResponse early = commit(stream.getName());
        assertThat(early.hasCommitTime()).isFalse();
        assertThat(early.getStreamErrors(0).getCode())
                .isEqualTo(StorageErrorCode.INVALID_STREAM_STATE);
        assertThat(server.committedRows(TABLE)).isEmpty();

        assertThat(client.finalizeWriteStream(stream.getName()).getRowCount()).isEqualTo(3);
        BatchCommitWriteStreamsResponse committed = commit(stream.getName());
        assertThat(committed.hasCommitTime()).isTrue();
        List<Map<String, Object>> visible = server.committedRows(TABLE);
        assertThat(visible).extracting(r -> r.get("event_id")).containsExactly("e1", "e2", "e3");
        assertThat(visible.get(0).get("amount")).isEqualTo(1.5);
        // TIMESTAMP travels as epoch microseconds.
        assertThat(visible.get(0).get("timestamp")).isEqualTo(1_705_312_800_000_000L);
        assertThat(visible.get(0).get("details")).isEqualTo("{\"day\":\"2024-01-15\"}");
        assertThat(visible.get(0)).doesNotContainKey("model");

        // A second commit is refused as already committed, and nothing doubles.
        BatchCommitWriteStreamsResponse again = commit(stream.getName());
        assertThat(again.hasCommitTime()).isFalse();
        assertThat(again.getStreamErrors(0).getCode())
                .isEqualTo(StorageErrorCode.STREAM_ALREADY_COMMITTED);
        assertThat(server.committedRows(TABLE)).hasSize(3);

        WriteStream got =
                client.getWriteStream(
                        GetWriteStreamRequest.newBuilder()
                                .setName(stream.getName())
                                .setView(WriteStreamView.FULL)
                                .build());
        assertThat(got.hasCommitTime()).isTrue();
        assertThat(got.getTableSchema()).isEqualTo(stream.getTableSchema());
    }

    @Test
    void offsetsAreCheckedAndNeverDeduplicatedSilently() throws Exception {
        WriteStream stream = create(WriteStream.Type.PENDING);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            writer.append(rows(cost("e1", 1), cost("e2", 2)), 0).get();
            Throwable exists = failure(writer.append(rows(cost("e2", 2)), 1));
            assertThat(exists).isInstanceOf(Exceptions.OffsetAlreadyExists.class);
        }
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            Throwable past = failure(writer.append(rows(cost("e9", 9)), 5));
            assertThat(past).isInstanceOf(Exceptions.OffsetOutOfRange.class);
            // The same row again without an offset is appended again: nothing de-duplicates.
            writer.append(rows(cost("e2", 2))).get();
        }
        assertThat(client.finalizeWriteStream(stream.getName()).getRowCount()).isEqualTo(3);
        assertThat(commit(stream.getName()).hasCommitTime()).isTrue();
        assertThat(server.committedRows(TABLE))
                .extracting(r -> r.get("event_id"))
                .containsExactly("e1", "e2", "e2");
    }

    @Test
    void aFinalizedStreamTakesNoMoreRows() throws Exception {
        WriteStream stream = create(WriteStream.Type.PENDING);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            writer.append(rows(cost("e1", 1)), 0).get();
            client.finalizeWriteStream(stream.getName());
            Throwable finalized = failure(writer.append(rows(cost("e2", 2)), 1));
            assertThat(finalized).isInstanceOf(Exceptions.StreamFinalizedException.class);
        }
    }

    @Test
    void committedAndDefaultStreamsAreVisibleAtOnce() throws Exception {
        WriteStream stream = create(WriteStream.Type.COMMITTED);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            writer.append(rows(cost("c1", 1)), 0).get();
        }
        assertThat(server.committedRows(TABLE)).hasSize(1);
        // A COMMITTED stream is not for BatchCommitWriteStreams.
        assertThat(commit(stream.getName()).getStreamErrors(0).getCode())
                .isEqualTo(StorageErrorCode.INVALID_STREAM_TYPE);

        String defaultStream = TABLE_PATH + "/streams/_default";
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(defaultStream, stream.getTableSchema(), client)
                        .build()) {
            AppendRowsResponse r = writer.append(rows(cost("d1", 1), cost("d1", 1))).get();
            assertThat(r.hasError()).isFalse();
        }
        assertThat(server.committedRows(TABLE))
                .extracting(r -> r.get("event_id"))
                .containsExactly("c1", "d1", "d1");
    }

    @Test
    void aBatchCommitIsAtomic() throws Exception {
        WriteStream done = create(WriteStream.Type.PENDING);
        WriteStream open = create(WriteStream.Type.PENDING);
        for (WriteStream s : List.of(done, open)) {
            try (JsonStreamWriter writer =
                    JsonStreamWriter.newBuilder(s.getName(), s.getTableSchema(), client).build()) {
                writer.append(rows(cost(s.getName(), 1)), 0).get();
            }
        }
        client.finalizeWriteStream(done.getName());
        BatchCommitWriteStreamsResponse r = commit(done.getName(), open.getName());
        assertThat(r.hasCommitTime()).isFalse();
        assertThat(r.getStreamErrorsList()).hasSize(1);
        assertThat(r.getStreamErrors(0).getEntity()).isEqualTo(open.getName());
        assertThat(server.committedRows(TABLE)).isEmpty();
        assertThat(commit(done.getName()).hasCommitTime()).isTrue();
        assertThat(server.committedRows(TABLE)).hasSize(1);
    }

    @Test
    void extraFieldsAndMissingRequiredFieldsAreRefused() throws Exception {
        WriteStream stream = create(WriteStream.Type.PENDING);
        // A proto writer with a field the table lacks.
        Descriptor extra =
                descriptor(
                        DescriptorProto.newBuilder()
                                .setName("Row")
                                .addField(
                                        field("agent_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                                .addField(field("colour", 2, FieldDescriptorProto.Type.TYPE_STRING))
                                .build());
        try (StreamWriter writer =
                StreamWriter.newBuilder(stream.getName(), client)
                        .setWriterSchema(ProtoSchemaConverter.convert(extra))
                        .build()) {
            DynamicMessage row =
                    DynamicMessage.newBuilder(extra)
                            .setField(extra.findFieldByName("agent_id"), "a")
                            .build();
            Throwable e =
                    failure(
                            writer.append(
                                    ProtoRows.newBuilder()
                                            .addSerializedRows(row.toByteString())
                                            .build(),
                                    0));
            assertThat(e).isInstanceOf(Exceptions.SchemaMismatchedException.class);
        }
        // A row without the required columns: a row error, and nothing of the request written.
        Descriptor partial =
                descriptor(
                        DescriptorProto.newBuilder()
                                .setName("Row")
                                .addField(
                                        field("agent_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                                .build());
        ProtoSchema schema = ProtoSchemaConverter.convert(partial);
        try (StreamWriter writer =
                StreamWriter.newBuilder(stream.getName(), client).setWriterSchema(schema).build()) {
            DynamicMessage row =
                    DynamicMessage.newBuilder(partial)
                            .setField(partial.findFieldByName("agent_id"), "a")
                            .build();
            Throwable e =
                    failure(
                            writer.append(
                                    ProtoRows.newBuilder()
                                            .addSerializedRows(row.toByteString())
                                            .build(),
                                    0));
            assertThat(e).isInstanceOf(Exceptions.AppendSerializationError.class);
            assertThat(((Exceptions.AppendSerializationError) e).getRowIndexToErrorMessage())
                    .containsKey(0);
        }
        assertThat(client.finalizeWriteStream(stream.getName()).getRowCount()).isZero();
    }

    @Test
    void injectedFailuresEndTheConnectionBeforeOrAfterTheWrite() throws Exception {
        WriteStream stream = create(WriteStream.Type.PENDING);
        server.failNextAppends(1, Status.Code.PERMISSION_DENIED);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            Throwable e = failure(writer.append(rows(cost("e1", 1)), 0));
            assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        // A retryable failure before the write: the client reconnects and sends the request
        // again by itself, so the append succeeds on the second request.
        server.failNextAppends(1, Status.Code.UNAVAILABLE);
        int before = server.appendRequests();
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            writer.append(rows(cost("e1", 1)), 0).get();
        }
        assertThat(server.appendRequests() - before).isEqualTo(2);
        // After the write: the client's own resend finds the offset written.
        server.failNextAppendsAfterWrite(1, Status.Code.UNAVAILABLE);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(stream.getName(), stream.getTableSchema(), client)
                        .build()) {
            Throwable e = failure(writer.append(rows(cost("e2", 2)), 1));
            assertThat(e).isInstanceOf(Exceptions.OffsetAlreadyExists.class);
        }
        assertThat(client.finalizeWriteStream(stream.getName()).getRowCount()).isEqualTo(2);
    }

    private static final String MEMORIES = "memory_formations";
    private static final String MEMORIES_PATH =
            "projects/" + PROJECT + "/datasets/" + DATASET + "/tables/" + MEMORIES;

    /** The table's schema plus the CDC pseudo-columns, as Google's CDC sample writes it. */
    private static TableSchema withPseudoColumns(TableSchema table) {
        TableSchema.Builder b = table.toBuilder();
        for (String name : List.of("_CHANGE_TYPE", "_CHANGE_SEQUENCE_NUMBER")) {
            b.addFields(
                    TableFieldSchema.newBuilder()
                            .setName(name)
                            .setType(TableFieldSchema.Type.STRING)
                            .setMode(TableFieldSchema.Mode.NULLABLE));
        }
        return b.build();
    }

    private static JSONObject memory(String id, long recalls, String type, String sequence) {
        JSONObject row = new JSONObject();
        row.put("memory_id", id);
        row.put("timestamp", "2024-01-15T10:00:00.000000Z");
        row.put("category", "market_patterns");
        row.put("recall_count", recalls);
        row.put("_CHANGE_TYPE", type);
        if (sequence != null) {
            row.put("_CHANGE_SEQUENCE_NUMBER", sequence);
        }
        return row;
    }

    private TableSchema memorySchema() throws Exception {
        return withPseudoColumns(
                LocalBigQueryWriteServer.parseDdl(
                        java.nio.file.Files.readString(
                                Path.of("../sql/bigquery", MEMORIES + ".sql"))));
    }

    private Map<String, Long> recallsById() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Map<String, Object> r : server.committedRows(MEMORIES)) {
            assertThat(out.put((String) r.get("memory_id"), (Long) r.get("recall_count")))
                    .as("one row per key")
                    .isNull();
        }
        return out;
    }

    @Test
    void cdcUpsertsApplyByKeyAndTheHighestSequenceNumberWins() throws Exception {
        server.defineTablesFromDdl(PROJECT, DATASET, Path.of("../sql/bigquery"), MEMORIES);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(
                                MEMORIES_PATH + "/streams/_default", memorySchema(), client)
                        .build()) {
            assertThat(writer.append(rows(memory("m1", 2, "UPSERT", "2"))).get().hasError())
                    .isFalse();
            // Older, then equal: both ignored, as BigQuery documents.
            writer.append(rows(memory("m1", 1, "UPSERT", "1"))).get();
            writer.append(rows(memory("m1", 9, "UPSERT", "2"))).get();
            writer.append(rows(memory("m2", 0, "UPSERT", "0"))).get();
            assertThat(recallsById()).containsExactly(Map.entry("m1", 2L), Map.entry("m2", 0L));

            // Sections compare as hexadecimal numbers, not as text: 10 (16) is above F (15).
            writer.append(rows(memory("m1", 15, "UPSERT", "F"))).get();
            writer.append(rows(memory("m1", 16, "UPSERT", "10"))).get();
            writer.append(rows(memory("m1", 14, "UPSERT", "E"))).get();
            assertThat(recallsById()).containsEntry("m1", 16L);
            // Section by section: 11/0 is above 10/FFFF.
            writer.append(rows(memory("m2", 1, "UPSERT", "10/FFFF"))).get();
            writer.append(rows(memory("m2", 2, "UPSERT", "11/0"))).get();
            writer.append(rows(memory("m2", 3, "UPSERT", "10/FFFFF"))).get();
            assertThat(recallsById()).containsExactly(Map.entry("m1", 16L), Map.entry("m2", 2L));

            // A DELETE with a higher number removes the row; an older UPSERT cannot revive it.
            writer.append(rows(memory("m2", 0, "DELETE", "12"))).get();
            writer.append(rows(memory("m2", 4, "UPSERT", "11/1"))).get();
            assertThat(recallsById()).containsExactly(Map.entry("m1", 16L));
        }
        // The visible row carries the table's columns, not the pseudo-columns.
        assertThat(server.committedRows(MEMORIES).get(0))
                .containsKeys("memory_id", "timestamp", "category", "recall_count")
                .doesNotContainKeys("_change_type", "_change_sequence_number");
    }

    @Test
    void cdcWithoutSequenceNumbersAppliesInArrivalOrder() throws Exception {
        server.defineTablesFromDdl(PROJECT, DATASET, Path.of("../sql/bigquery"), MEMORIES);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(
                                MEMORIES_PATH + "/streams/_default", memorySchema(), client)
                        .build()) {
            writer.append(rows(memory("m1", 1, "UPSERT", null), memory("m1", 2, "UPSERT", null)))
                    .get();
        }
        assertThat(recallsById()).containsExactly(Map.entry("m1", 2L));
    }

    @Test
    void aBadChangeTypeOrSequenceNumberIsARowError() throws Exception {
        server.defineTablesFromDdl(PROJECT, DATASET, Path.of("../sql/bigquery"), MEMORIES);
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(
                                MEMORIES_PATH + "/streams/_default", memorySchema(), client)
                        .build()) {
            Throwable e =
                    failure(
                            writer.append(
                                    rows(
                                            memory("m1", 1, "UPSERT", "1"),
                                            memory("m2", 1, "INSERT", "1"),
                                            memory("m3", 1, "UPSERT", "xyz"))));
            assertThat(e).isInstanceOf(Exceptions.AppendSerializationError.class);
            assertThat(((Exceptions.AppendSerializationError) e).getRowIndexToErrorMessage())
                    .containsOnlyKeys(1, 2);
        }
        assertThat(server.committedRows(MEMORIES)).isEmpty();
    }

    @Test
    void changeTypeIsRefusedWithoutAPrimaryKeyOrOutsideTheDefaultStream() throws Exception {
        // cost_tracking has no primary key: BigQuery refuses the pseudo-column.
        TableSchema costs = withPseudoColumns(create(WriteStream.Type.PENDING).getTableSchema());
        JSONObject row = cost("e1", 1);
        row.put("_CHANGE_TYPE", "UPSERT");
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(TABLE_PATH + "/streams/_default", costs, client)
                        .build()) {
            Throwable e = failure(writer.append(rows(row)));
            assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(server.committedRows(TABLE)).isEmpty();

        // A table with a key, but a PENDING stream: CDC takes the default stream only.
        server.defineTablesFromDdl(PROJECT, DATASET, Path.of("../sql/bigquery"), MEMORIES);
        WriteStream pending =
                client.createWriteStream(
                        CreateWriteStreamRequest.newBuilder()
                                .setParent(MEMORIES_PATH)
                                .setWriteStream(
                                        WriteStream.newBuilder().setType(WriteStream.Type.PENDING))
                                .build());
        try (JsonStreamWriter writer =
                JsonStreamWriter.newBuilder(pending.getName(), memorySchema(), client).build()) {
            Throwable e = failure(writer.append(rows(memory("m1", 1, "UPSERT", "1")), 0));
            assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(client.finalizeWriteStream(pending.getName()).getRowCount()).isZero();
    }

    @Test
    void theFourTablesParse() throws Exception {
        Map<String, Integer> columns =
                Map.of(
                        "market_indicators", 23,
                        "market_data", 15,
                        "treasury_snapshots", 10,
                        "cost_tracking", 11);
        for (Map.Entry<String, Integer> e : columns.entrySet()) {
            String ddl =
                    java.nio.file.Files.readString(Path.of("../sql/bigquery", e.getKey() + ".sql"));
            assertThat(LocalBigQueryWriteServer.parseDdl(ddl).getFieldsCount())
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    private static FieldDescriptorProto field(
            String name, int number, FieldDescriptorProto.Type t) {
        return FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setType(t)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .build();
    }

    private static Descriptor descriptor(DescriptorProto proto) throws Exception {
        return FileDescriptor.buildFrom(
                        FileDescriptorProto.newBuilder()
                                .setName("test.proto")
                                .addMessageType(proto)
                                .build(),
                        new FileDescriptor[0])
                .findMessageTypeByName(proto.getName());
    }
}
