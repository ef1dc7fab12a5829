package com.athena.common.connectors;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaSinksDeadLetterJsonTest {

    private static final long RECEIVED = Instant.parse("2024-01-15T10:30:00Z").toEpochMilli();

    private static String json(DeadLetter d) {
        return new String(KafkaSinks.deadLetterJson(d), StandardCharsets.UTF_8);
    }

    @Test
    void writesTheFiveFieldsInOrder() {
        DeadLetter d =
                new DeadLetter(
                        "kafka:market.trades",
                        "market.trades/0@42",
                        RECEIVED,
                        "missing price",
                        "{}");
        assertThat(json(d))
                .isEqualTo(
                        "{\"source\":\"kafka:market.trades\",\"origin\":\"market.trades/0@42\","
                                + "\"received_at\":\"2024-01-15T10:30:00Z\","
                                + "\"reason\":\"missing price\",\"payload\":\"{}\"}");
    }

    @Test
    void receivedAtKeepsMilliseconds() throws Exception {
        DeadLetter d = new DeadLetter("s", "o", RECEIVED + 123, "r", "p");
        JsonNode node = JsonFields.MAPPER.readTree(KafkaSinks.deadLetterJson(d));
        assertThat(node.get("received_at").asText()).isEqualTo("2024-01-15T10:30:00.123Z");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersAndKeepsUnicode() throws Exception {
        String payload = "{\"symbol\": \"BTC\\USD\"}\nline2\t\u0000\u0001 é € 😀";
        String reason = "symbol has \"quotes\"";
        DeadLetter d = new DeadLetter("s", "o", RECEIVED, reason, payload);
        String text = json(d);

        assertThat(text)
                .contains(
                        "\"payload\":\"{\\\"symbol\\\": \\\"BTC\\\\USD\\\"}\\nline2\\t\\u0000\\u0001 é € 😀\"")
                .contains("\"reason\":\"symbol has \\\"quotes\\\"\"")
                .doesNotContain("\n");
        // And it reads back to exactly what went in.
        JsonNode node = JsonFields.MAPPER.readTree(KafkaSinks.deadLetterJson(d));
        assertThat(node.get("payload").asText()).isEqualTo(payload);
        assertThat(node.get("reason").asText()).isEqualTo(reason);
    }

    @Test
    void nullPayloadIsJsonNull() throws Exception {
        DeadLetter d = new DeadLetter("s", "o", RECEIVED, "empty payload", null);
        JsonNode node = JsonFields.MAPPER.readTree(KafkaSinks.deadLetterJson(d));
        assertThat(node.get("payload").isNull()).isTrue();
        assertThat(node.size()).isEqualTo(5);
    }
}
