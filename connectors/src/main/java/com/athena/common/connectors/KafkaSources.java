package com.athena.common.connectors;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources of raw records; offsets are kept in Flink's checkpoints. */
public final class KafkaSources {
    private KafkaSources() {}

    /**
     * A source that starts from the group's committed offsets (or the earliest), and either runs
     * forever or stops at the offsets it finds at start. Its partitions report whether they are
     * caught up, for the quiet-market watermark advance ({@link CatchUpKafkaSource}).
     */
    public static CatchUpKafkaSource<RawRecord> raw(
            KafkaEndpoint endpoint, String topic, String groupId, boolean bounded) {
        KafkaSourceBuilder<RawRecord> builder =
                KafkaSource.<RawRecord>builder()
                        .setBootstrapServers(endpoint.bootstrapServers())
                        .setProperties(endpoint.properties())
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return CatchUpKafkaSource.of(
                builder, new RawRecordDeserializer(), endpoint.clientProperties());
    }
}
