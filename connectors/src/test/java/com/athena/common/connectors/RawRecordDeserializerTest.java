package com.athena.common.connectors;

import org.apache.flink.api.common.functions.util.ListCollector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RawRecordDeserializerTest {

    private static final long APPEND_TIME = 1_705_314_600_123L;

    private static List<RawRecord> deserialize(
            String topic, int partition, long offset, byte[] value) {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>(
                        topic,
                        partition,
                        offset,
                        APPEND_TIME,
                        TimestampType.LOG_APPEND_TIME,
                        3,
                        value == null ? -1 : value.length,
                        "key".getBytes(StandardCharsets.UTF_8),
                        value,
                        new RecordHeaders(),
                        Optional.empty());
        List<RawRecord> out = new ArrayList<>();
        new RawRecordDeserializer().deserialize(record, new ListCollector<>(out));
        return out;
    }

    @Test
    void decodesTheValueAsUtf8WithOriginAndRecordTimestamp() {
        String payload = "{\"symbol\":\"BTC/USD\",\"note\":\"€\"}";
        assertThat(deserialize("market.trades", 3, 42L, payload.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new RawRecord(payload, "market.trades/3@42", APPEND_TIME));
    }

    @Test
    void tombstoneBecomesTheEmptyPayload() {
        assertThat(deserialize("market.trades", 0, 7L, null))
                .containsExactly(new RawRecord("", "market.trades/0@7", APPEND_TIME));
    }

    @Test
    void invalidUtf8IsReplacedNotThrown() {
        byte[] broken = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        assertThat(deserialize("t", 1, Long.MAX_VALUE, broken))
                .containsExactly(new RawRecord("{\uFFFD(}", "t/1@" + Long.MAX_VALUE, APPEND_TIME));
    }

    @Test
    void producesRawRecords() {
        assertThat(new RawRecordDeserializer().getProducedType().getTypeClass())
                .isEqualTo(RawRecord.class);
    }
}
