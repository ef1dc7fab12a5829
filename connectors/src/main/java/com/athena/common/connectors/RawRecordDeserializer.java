package com.athena.common.connectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Hands every Kafka record on as a {@link RawRecord}, never throwing: a tombstone becomes the empty
 * payload, which the parser then dead-letters, so no record can fail the source.
 */
public class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        byte[] value = record.value();
        out.collect(
                new RawRecord(
                        value == null ? "" : new String(value, StandardCharsets.UTF_8),
                        record.topic() + "/" + record.partition() + "@" + record.offset(),
                        record.timestamp()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
