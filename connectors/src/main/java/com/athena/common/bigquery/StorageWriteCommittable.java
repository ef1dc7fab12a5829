package com.athena.common.bigquery;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.Objects;

/**
 * A finalized PENDING write stream waiting for its checkpoint to complete: its table, its name and
 * the rows it holds. Committing it makes exactly those rows visible, once.
 */
public final class StorageWriteCommittable {
    private final String tablePath;
    private final String streamName;
    private final long rowCount;

    public StorageWriteCommittable(String tablePath, String streamName, long rowCount) {
        this.tablePath = Objects.requireNonNull(tablePath, "tablePath");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.rowCount = rowCount;
    }

    /** {@code projects/p/datasets/d/tables/t}. */
    public String tablePath() {
        return tablePath;
    }

    public String streamName() {
        return streamName;
    }

    public long rowCount() {
        return rowCount;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StorageWriteCommittable)) {
            return false;
        }
        StorageWriteCommittable c = (StorageWriteCommittable) o;
        return tablePath.equals(c.tablePath)
                && streamName.equals(c.streamName)
                && rowCount == c.rowCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tablePath, streamName, rowCount);
    }

    @Override
    public String toString() {
        return streamName + " (" + rowCount + " rows)";
    }

    /** Version 1: table path, stream name (UTF), row count (long). */
    public static final class Serializer
            implements SimpleVersionedSerializer<StorageWriteCommittable> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(StorageWriteCommittable c) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeUTF(c.tablePath);
            out.writeUTF(c.streamName);
            out.writeLong(c.rowCount);
            return out.getCopyOfBuffer();
        }

        @Override
        public StorageWriteCommittable deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("Unknown StorageWriteCommittable version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            return new StorageWriteCommittable(in.readUTF(), in.readUTF(), in.readLong());
        }
    }
}
