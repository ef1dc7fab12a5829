package com.athena.common.bigquery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test mapper of sequence numbers to {@code cost_tracking} rows ({@code event_id} {@code e<n>}),
 * with the same value forms as the jobs' mappers ({@link BigQueryValues}).
 */
final class CostRowMapper implements BigQueryRowMapper<Long> {
    private static final long serialVersionUID = 1L;

    static final String TABLE = "cost_tracking";

    @Override
    public String table(Long n) {
        return TABLE;
    }

    @Override
    public String insertId(Long n) {
        return TABLE + ":e" + n;
    }

    @Override
    public Map<String, Object> row(Long n) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("timestamp", BigQueryValues.timestamp(1_705_312_800_000L + n));
        row.put("agent_id", "agent-" + (n % 3));
        row.put("event_id", "e" + n);
        row.put("cost_type", "llm");
        row.put("operation", n % 2 == 0 ? "chat" : null);
        row.put("amount", 0.25 * n);
        row.put("model", null);
        row.put("input_tokens", BigQueryValues.int64(n));
        row.put("output_tokens", null);
        row.put("daily_total", BigQueryValues.float64(Double.NaN));
        row.put("details", BigQueryValues.json(Map.of("day", "2024-01-15")));
        return row;
    }
}
