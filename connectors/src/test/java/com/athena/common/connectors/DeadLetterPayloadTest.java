package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DeadLetter} bounds the payload every dead-letter sink receives. */
class DeadLetterPayloadTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "65535, 65535", "65536, 65536", "65537, 65536", "1000000, 65536"})
    void payloadIsCutToMaxPayloadChars(int length, int expectedLength) {
        StringBuilder payload = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            payload.append((char) ('a' + i % 26));
        }
        DeadLetter d = new DeadLetter("kafka:t", "t/0@1", 5L, "why", payload.toString());
        assertThat(DeadLetter.MAX_PAYLOAD_CHARS).isEqualTo(65536);
        assertThat(d.payload).hasSize(expectedLength);
        assertThat(payload.toString()).startsWith(d.payload);
        assertThat(d.source).isEqualTo("kafka:t");
        assertThat(d.origin).isEqualTo("t/0@1");
        assertThat(d.receivedAt).isEqualTo(5L);
        assertThat(d.reason).isEqualTo("why");
    }

    @Test
    void nullPayloadStaysNull() {
        assertThat(new DeadLetter("s", "o", 1L, "empty payload", null).payload).isNull();
    }
}
