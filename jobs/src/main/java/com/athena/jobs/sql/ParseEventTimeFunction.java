package com.athena.jobs.sql;

import com.athena.common.json.InvalidRecordException;
import com.athena.common.json.JsonFields;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code PARSE_EVENT_TIME(ts)}: an event time as the jobs read it (epoch millis or ISO-8601 UTC,
 * within [2009-01-01, now + 1 day]), or NULL.
 *
 * <p>Flink's JSON format reads {@code ts} of the trades as a STRING whether it was sent as a number
 * or as text; this function then applies the market job's own rules ({@link JsonFields#timestamp}),
 * so SQL and the job accept the same times. The future bound (the job's {@code
 * market.event.max-future} default) keeps a bogus far-future trade from pushing the watermark ahead
 * and making every later trade late; it depends on the wall clock, hence not deterministic.
 */
public class ParseEventTimeFunction extends ScalarFunction {

    static final long MAX_FUTURE_MILLIS = Duration.ofDays(1).toMillis();

    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String ts) {
        if (ts == null) {
            return null;
        }
        String text = ts.trim();
        JsonNode node;
        if (!text.isEmpty() && text.length() <= 19 && text.chars().allMatch(Character::isDigit)) {
            node = JsonNodeFactory.instance.numberNode(Long.parseLong(text));
        } else {
            node = JsonNodeFactory.instance.textNode(text);
        }
        try {
            return Instant.ofEpochMilli(
                    JsonFields.timestamp(
                            JsonNodeFactory.instance.objectNode().set("ts", node),
                            "ts",
                            System.currentTimeMillis(),
                            MAX_FUTURE_MILLIS));
        } catch (InvalidRecordException | NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }
}
