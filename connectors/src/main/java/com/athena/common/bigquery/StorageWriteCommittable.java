package com.athena.common.bigquery;

import com.athena.common.deadletter.DeadLetter;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a writer hands to the committer for one table at a checkpoint: the finalized PENDING write
 * stream waiting for the checkpoint to complete (its name and the rows it holds), and the rows
 * BigQuery rejected for their content since the previous checkpoint, as dead letters. Committing it
 * makes exactly the stream's rows visible, once; the dead letters go to the dead-letter sinks on
 * their way to the committer (the sink's pre-commit topology).
 *
 * <p>A table whose rows were all rejected has no stream: only dead letters.
 */
public final class StorageWriteCommittable {
    private final String tablePath;
    private final String streamName;
    private final long rowCount;
    private final List<DeadLetter> rejected;

    public StorageWriteCommittable(String tablePath, String streamName, long rowCount) {
        this(tablePath, streamName, rowCount, List.of());
    }

    /**
     * @param streamName null when every row of the table was rejected (nothing to commit)
     * @param rejected the rows rejected for their content, as dead letters
     */
    public StorageWriteCommittable(
            String tablePath, String streamName, long rowCount, List<DeadLetter> rejected) {
        this.tablePath = Objects.requireNonNull(tablePath, "tablePath");
        this.streamName = streamName;
        this.rowCount = rowCount;
        this.rejected = List.copyOf(rejected);
        if (streamName == null && rejected.isEmpty()) {
            throw new IllegalArgumentException("A committable needs a stream or rejected rows");
        }
    }

    /** {@code projects/p/datasets/d/tables/t}. */
    public String tablePath() {
        return tablePath;
    }

    /** The finalized stream to commit; empty when every row was rejected. */
    public Optional<String> stream() {
        return Optional.ofNullable(streamName);
    }

    /** The stream's name, or null (see {@link #stream()}). */
    public String streamName() {
        return streamName;
    }

    public long rowCount() {
        return rowCount;
    }

    /** The rows BigQuery rejected for their content, with its reason. */
    public List<DeadLetter> rejected() {
        return rejected;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StorageWriteCommittable)) {
            return false;
        }
        StorageWriteCommittable c = (StorageWriteCommittable) o;
        return tablePath.equals(c.tablePath)
                && Objects.equals(streamName, c.streamName)
                && rowCount == c.rowCount
                && rejected.equals(c.rejected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tablePath, streamName, rowCount, rejected);
    }

    @Override
    public String toString() {
        return (streamName == null ? tablePath + " (no stream)" : streamName)
                + " ("
                + rowCount
                + " rows"
                + (rejected.isEmpty() ? "" : ", " + rejected.size() + " rejected")
                + ")";
    }

    /**
     * Version 2: table path (UTF), stream name (boolean present, UTF), row count (long), rejected
     * rows (int count, then per row: source, origin, received at, reason, payload; strings as
     * length-prefixed UTF-8, since a payload may exceed {@code writeUTF}'s 64 KB). Reads version 1
     * (table path, stream name, row count).
     */
    public static final class Serializer
            implements SimpleVersionedSerializer<StorageWriteCommittable> {
        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(StorageWriteCommittable c) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeUTF(c.tablePath);
            out.writeBoolean(c.streamName != null);
            if (c.streamName != null) {
                out.writeUTF(c.streamName);
            }
            out.writeLong(c.rowCount);
            out.writeInt(c.rejected.size());
            for (DeadLetter d : c.rejected) {
                writeString(out, d.source);
                writeString(out, d.origin);
                out.writeLong(d.receivedAt);
                writeString(out, d.reason);
                writeString(out, d.payload);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public StorageWriteCommittable deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            if (version == 1) {
                return new StorageWriteCommittable(in.readUTF(), in.readUTF(), in.readLong());
            }
            if (version != 2) {
                throw new IOException("Unknown StorageWriteCommittable version " + version);
            }
            String table = in.readUTF();
            String stream = in.readBoolean() ? in.readUTF() : null;
            long rows = in.readLong();
            int count = in.readInt();
            List<DeadLetter> rejected = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String source = readString(in);
                String origin = readString(in);
                long receivedAt = in.readLong();
                rejected.add(
                        new DeadLetter(source, origin, receivedAt, readString(in), readString(in)));
            }
            return new StorageWriteCommittable(table, stream, rows, rejected);
        }

        private static void writeString(DataOutputSerializer out, String s) throws IOException {
            if (s == null) {
                out.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(DataInputDeserializer in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
