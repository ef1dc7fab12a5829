package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.bigquery.BigQueryRowMapper;
import com.athena.common.bigquery.BigQueryValues;
import com.athena.common.bigquery.StorageWriteSink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The activity job's BigQuery rows, with exactly the columns of {@code
 * sql/bigquery/agent_decisions.sql}, {@code memory_formations.sql} and {@code
 * performance_metrics.sql}.
 */
public final class ActivityRows {
    public static final String DECISIONS_TABLE = "agent_decisions";
    public static final String MEMORIES_TABLE = "memory_formations";
    public static final String METRICS_TABLE = "performance_metrics";

    public static final List<String> DECISION_COLUMNS =
            List.of(
                    "decision_id",
                    "timestamp",
                    "agent_id",
                    "decision_type",
                    "decision",
                    "reasoning",
                    "confidence",
                    "emotional_state",
                    "market_condition",
                    "memory_context",
                    "costs_incurred",
                    "decision_cost",
                    "expected_outcome",
                    "outcome");

    public static final List<String> MEMORY_COLUMNS =
            List.of(
                    "memory_id",
                    "timestamp",
                    "category",
                    "importance",
                    "content",
                    "metadata",
                    "trigger_event",
                    "formation_cost",
                    "recall_count",
                    "last_recalled",
                    "agent_id");

    public static final List<String> METRIC_COLUMNS =
            List.of(
                    "timestamp",
                    "agent_id",
                    "metric_name",
                    "metric_value",
                    "metric_type",
                    "unit",
                    "labels");

    private ActivityRows() {}

    /** Ids of at most 128 characters (BigQuery's insert id limit); longer ones as a UUID. */
    static String bounded(String id) {
        return id.length() <= 128
                ? id
                : "uuid:" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    /** Enriched decisions into {@code agent_decisions}. */
    public static final class Decisions implements BigQueryRowMapper<EnrichedDecision> {
        private static final long serialVersionUID = 1L;

        @Override
        public String table(EnrichedDecision d) {
            return DECISIONS_TABLE;
        }

        @Override
        public String insertId(EnrichedDecision d) {
            return bounded(DECISIONS_TABLE + ':' + d.decision.agentId + ':' + d.decision.eventId);
        }

        @Override
        public Map<String, Object> row(EnrichedDecision d) {
            ActivityEvent e = d.decision;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("decision_id", e.decisionId);
            row.put("timestamp", BigQueryValues.timestamp(e.timestamp));
            row.put("agent_id", e.agentId);
            row.put("decision_type", e.decisionType);
            row.put("decision", e.decision);
            row.put("reasoning", e.reasoning);
            row.put("confidence", BigQueryValues.float64(e.confidence));
            row.put("emotional_state", d.emotionalState);
            row.put("market_condition", d.marketCondition);
            row.put(
                    "memory_context",
                    e.memoryContext == null ? List.of() : Arrays.asList(e.memoryContext));
            row.put("costs_incurred", e.costsJson);
            row.put("decision_cost", BigQueryValues.float64(e.decisionCost));
            row.put("expected_outcome", e.expectedOutcome);
            row.put("outcome", e.outcome);
            return row;
        }
    }

    /**
     * Memories into {@code memory_formations}: the whole row at the formation and again at every
     * recall, written as upserts on {@code memory_id} (see {@link #sequenceNumber}).
     */
    public static final class Memories implements BigQueryRowMapper<MemoryRecord> {
        private static final long serialVersionUID = 1L;

        /**
         * The change's {@code _CHANGE_SEQUENCE_NUMBER}: the recall count, then the last recall's
         * event time. Each change a memory emits has one more recall than the one before (a
         * formation has the recalls counted so far), so a later change always has a higher number,
         * and a change replayed after a restore has the number it had, and is ignored by BigQuery
         * once a newer one is applied.
         */
        public static String sequenceNumber(MemoryRecord m) {
            return StorageWriteSink.sequenceNumber(
                    m.recallCount, m.lastRecalled == null ? 0L : m.lastRecalled);
        }

        @Override
        public String table(MemoryRecord m) {
            return MEMORIES_TABLE;
        }

        @Override
        public String insertId(MemoryRecord m) {
            return bounded(MEMORIES_TABLE + ':' + m.formation.agentId + ':' + m.memoryId);
        }

        @Override
        public Map<String, Object> row(MemoryRecord m) {
            ActivityEvent f = m.formation;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("memory_id", m.memoryId);
            row.put("timestamp", BigQueryValues.timestamp(f.timestamp));
            row.put("category", f.category);
            row.put("importance", BigQueryValues.float64(f.importance));
            row.put("content", f.content);
            row.put("metadata", f.metadataJson);
            row.put("trigger_event", f.triggerEvent);
            row.put("formation_cost", BigQueryValues.float64(f.formationCost));
            row.put("recall_count", m.recallCount);
            row.put(
                    "last_recalled",
                    m.lastRecalled == null ? null : BigQueryValues.timestamp(m.lastRecalled));
            row.put("agent_id", f.agentId);
            return row;
        }
    }

    /** Performance metric samples into {@code performance_metrics}. */
    public static final class Metrics implements BigQueryRowMapper<ActivityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public String table(ActivityEvent e) {
            return METRICS_TABLE;
        }

        @Override
        public String insertId(ActivityEvent e) {
            return bounded(METRICS_TABLE + ':' + e.agentId + ':' + e.eventId);
        }

        @Override
        public Map<String, Object> row(ActivityEvent e) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("timestamp", BigQueryValues.timestamp(e.timestamp));
            row.put("agent_id", e.agentId);
            row.put("metric_name", e.metricName);
            row.put("metric_value", e.metricValue);
            row.put("metric_type", e.metricType);
            row.put("unit", e.unit);
            row.put("labels", e.labelsJson);
            return row;
        }
    }
}
