package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.ActivityType;
import com.athena.common.activity.AgentContext;
import com.athena.common.activity.AgentContextParser;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MarketCondition;
import com.athena.common.activity.MarketConditionParser;
import com.athena.common.activity.MemoryRecord;
import com.athena.common.bigquery.BigQueryDdl;
import com.athena.common.market.MarketConditions;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.jobs.market.MarketKafkaSinks;
import com.athena.jobs.treasury.TreasuryKafkaSinks;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import com.google.cloud.Timestamp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity job's rows and documents (columns of the seed's tables, values), its POJOs (no
 * Kryo), the memory recall counts and the bounded recent decisions.
 */
class ActivityMappersTest {
    private static final long T = Instant.parse("2026-03-01T10:30:00Z").toEpochMilli();

    static ActivityEvent decision(String id, long t) {
        ActivityEvent e = new ActivityEvent();
        e.eventId = id;
        e.decisionId = "dec-" + id;
        e.type = ActivityType.DECISION.label();
        e.agentId = "athena-1";
        e.timestamp = t;
        e.decisionType = "trade";
        e.decision = "reduce_exposure";
        e.confidence = 0.4;
        e.memoryContext = new String[] {"m1", "m2"};
        e.costsJson = "[{\"type\":\"llm\",\"amount\":0.02}]";
        e.decisionCost = 0.02;
        e.outcome = "success";
        return e;
    }

    static EnrichedDecision enriched(String id, long t) {
        AgentContext c = new AgentContext();
        c.agentId = "athena-1";
        c.timestamp = t - 1000;
        c.transitionId = "t";
        c.emotionalState = "desperate";
        c.survivalModeActive = true;
        c.daysUntilBankruptcy = 3.5;
        return EnrichedDecision.of(
                decision(id, t), "BTC", c, new MarketCondition("BTC", t - 5, "downward", "high"));
    }

    static ActivityEvent formation(String memoryId, long t) {
        ActivityEvent f = new ActivityEvent();
        f.eventId = "f-" + memoryId;
        f.type = ActivityType.MEMORY_FORMATION.label();
        f.agentId = "athena-1";
        f.timestamp = t;
        f.memoryId = memoryId;
        f.category = "survival_critical";
        f.importance = 0.9;
        f.formationCost = 0.005;
        f.metadataJson = "{\"k\":1}";
        return f;
    }

    static ActivityEvent recall(String memoryId, long t) {
        ActivityEvent r = new ActivityEvent();
        r.eventId = "r-" + memoryId + t;
        r.type = ActivityType.MEMORY_RECALL.label();
        r.agentId = "athena-1";
        r.timestamp = t;
        r.memoryId = memoryId;
        return r;
    }

    /** The columns as setup creates them (BigQueryDdl reads ARRAY columns too). */
    static List<String> columns(String file) throws Exception {
        Path path = Paths.get("..", "sql", "bigquery", file);
        return BigQueryDdl.parse(Files.readString(path)).columns().stream()
                .map(f -> f.getName())
                .toList();
    }

    @Test
    void theUpstreamJobsKafkaRecordsReadBackAsContextsAndConditions() throws Exception {
        TreasuryTransition t = new TreasuryTransition();
        t.transitionId = "a_1_2_emotional_state";
        t.agentId = "athena-1";
        t.timestamp = T;
        t.transitionType = TreasuryTransition.EMOTIONAL_STATE;
        t.event = "emotional_state_changed";
        t.from = "stable";
        t.to = "desperate";
        t.daysUntilBankruptcy = 4.25;
        t.emotionalState = "desperate";
        t.survivalModeActive = true;
        AgentContext context =
                new AgentContextParser(0)
                        .parse(
                                new String(
                                        TreasuryKafkaSinks.transitionJson(t),
                                        java.nio.charset.StandardCharsets.UTF_8),
                                T);
        assertThat(context.transitionId).isEqualTo("a_1_2_emotional_state");
        assertThat(context.agentId).isEqualTo("athena-1");
        assertThat(context.timestamp).isEqualTo(T);
        assertThat(context.emotionalState).isEqualTo("desperate");
        assertThat(context.survivalModeActive).isTrue();
        assertThat(context.daysUntilBankruptcy).isEqualTo(4.25);
        t.daysUntilBankruptcy = Double.NaN; // unknown runway: null, not a number
        assertThat(
                        new AgentContextParser(0)
                                .parse(
                                        new String(
                                                TreasuryKafkaSinks.transitionJson(t),
                                                java.nio.charset.StandardCharsets.UTF_8),
                                        T)
                                .daysUntilBankruptcy)
                .isNull();

        MarketConditions c = new MarketConditions();
        c.symbol = "BTC";
        c.timestamp = T;
        c.timeframe = "5m";
        c.trendDirection = "downward";
        c.volatilityLevel = "high";
        MarketCondition condition =
                new MarketConditionParser(0)
                        .parse(
                                new String(
                                        MarketKafkaSinks.conditionJson(c),
                                        java.nio.charset.StandardCharsets.UTF_8),
                                T);
        assertThat(condition).isEqualTo(new MarketCondition("BTC", T, "downward", "high"));
        c.trendDirection = null; // not yet known
        c.volatilityLevel = null;
        assertThat(
                        new MarketConditionParser(0)
                                .parse(
                                        new String(
                                                MarketKafkaSinks.conditionJson(c),
                                                java.nio.charset.StandardCharsets.UTF_8),
                                        T))
                .isEqualTo(new MarketCondition("BTC", T, null, null));
    }

    @Test
    void rowsHaveExactlyTheColumnsOfTheirTables() throws Exception {
        assertThat(columns("agent_decisions.sql"))
                .containsExactlyElementsOf(ActivityRows.DECISION_COLUMNS);
        assertThat(columns("memory_formations.sql"))
                .containsExactlyElementsOf(ActivityRows.MEMORY_COLUMNS);
        assertThat(columns("performance_metrics.sql"))
                .containsExactlyElementsOf(ActivityRows.METRIC_COLUMNS);
        MemoryRecord m = new MemoryRecord();
        m.form(formation("m1", T));
        ActivityEvent metric = new ActivityEvent();
        metric.eventId = "x";
        metric.agentId = "a";
        metric.metricName = "llm_latency_ms";
        metric.metricValue = 12.0;
        assertThat(new ActivityRows.Decisions().row(enriched("e", T)).keySet())
                .containsExactlyElementsOf(ActivityRows.DECISION_COLUMNS);
        assertThat(new ActivityRows.Memories().row(m).keySet())
                .containsExactlyElementsOf(ActivityRows.MEMORY_COLUMNS);
        assertThat(new ActivityRows.Metrics().row(metric).keySet())
                .containsExactlyElementsOf(ActivityRows.METRIC_COLUMNS);
    }

    @Test
    void aDecisionRowCarriesItsEnrichment() {
        Map<String, Object> row = new ActivityRows.Decisions().row(enriched("e", T));
        assertThat(row.get("decision_id")).isEqualTo("dec-e");
        assertThat(row.get("timestamp")).isEqualTo("2026-03-01T10:30:00.000000Z");
        assertThat(row.get("emotional_state")).isEqualTo("desperate");
        assertThat(row.get("market_condition")).isEqualTo("high_volatility");
        assertThat(row.get("memory_context")).isEqualTo(List.of("m1", "m2"));
        assertThat(row.get("costs_incurred")).isEqualTo("[{\"type\":\"llm\",\"amount\":0.02}]");
        assertThat(row.get("decision_cost")).isEqualTo(0.02);
        assertThat(row.get("outcome")).isEqualTo("success");
        assertThat(new ActivityRows.Decisions().insertId(enriched("e", T)))
                .isEqualTo("agent_decisions:athena-1:e");
    }

    @Test
    void documentsHoldTheRecentDecisionsAndTheLatestYield() {
        RecentDecisions r = new RecentDecisions();
        r.agentId = "athena-1";
        r.timestamp = T;
        r.decisions = new EnrichedDecision[] {enriched("e", T)};
        ActivityDocuments.Decisions mapper = new ActivityDocuments.Decisions();
        assertThat(mapper.collection(r)).isEqualTo("agent_data_decisions");
        assertThat(mapper.documentId(r)).isEqualTo("athena-1");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> decisions =
                (List<Map<String, Object>>) mapper.fields(r).get("decisions");
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0))
                .containsEntry("decision_id", "dec-e")
                .containsEntry("emotional_state", "desperate")
                .containsEntry("survival_mode_active", true)
                .containsEntry("days_until_bankruptcy", 3.5)
                .containsEntry("market_trend", "downward")
                .containsEntry("market_volatility", "high")
                .containsEntry("timestamp", Timestamp.ofTimeMicroseconds(T * 1000));

        ActivityEvent y = new ActivityEvent();
        y.protocol = "aave-v3";
        y.apy = 4.2;
        y.agentId = "athena-1";
        y.timestamp = T;
        ActivityDocuments.Protocols protocols = new ActivityDocuments.Protocols();
        assertThat(protocols.collection(y)).isEqualTo("agent_data_protocols");
        assertThat(protocols.documentId(y)).isEqualTo("aave-v3");
        assertThat(protocols.eventTime(y)).isEqualTo(T);
        assertThat(protocols.fields(y))
                .containsEntry("apy", 4.2)
                .containsEntry("protocol", "aave-v3");
    }

    @Test
    void stateAndRecordTypesArePojos() {
        for (Class<?> type :
                List.of(
                        ActivityEvent.class,
                        AgentContext.class,
                        MarketCondition.class,
                        EnrichedDecision.class,
                        MemoryRecord.class,
                        AgentInput.class,
                        RecentDecisions.class)) {
            assertThat(TypeInformation.of(type))
                    .as(type.getSimpleName())
                    .isInstanceOf(PojoTypeInfo.class);
        }
    }

    @Test
    void recallsCountOnceFormedAndBeforeTheFormationToo() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ActivityEvent, MemoryRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new MemoryFunction()),
                        e -> e.memoryId,
                        org.apache.flink.api.common.typeinfo.Types.STRING)) {
            h.open();
            h.processElement(recall("m1", T + 10), T + 10); // before its formation: counted
            h.processElement(formation("m1", T), T);
            h.processElement(recall("m1", T + 30), T + 30);
            h.processElement(recall("m1", T + 20), T + 20); // older: last_recalled stays
            h.processElement(formation("m1", T + 40), T + 40); // a second formation: ignored
            List<MemoryRecord> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(m -> m.change)
                    .containsExactly("formation", "recall", "recall");
            assertThat(out).extracting(m -> m.recallCount).containsExactly(1L, 2L, 3L);
            assertThat(out).extracting(m -> m.lastRecalled).containsExactly(T + 10, T + 30, T + 30);
            assertThat(out.get(2).formation.timestamp).isEqualTo(T);
            assertThat(new ActivityRows.Memories().row(out.get(0)))
                    .containsEntry("recall_count", 1L)
                    .containsEntry("last_recalled", "2026-03-01T10:30:00.010000Z")
                    .containsEntry("agent_id", "athena-1");
        }
    }

    @Test
    void recentDecisionsAreBoundedAndNewestFirst() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, EnrichedDecision, RecentDecisions> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new RecentDecisionsFunction(3)),
                        d -> d.decision.agentId,
                        org.apache.flink.api.common.typeinfo.Types.STRING)) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement(enriched("e" + i, T + i), T + i);
            }
            h.processElement(enriched("e1", T + 1), T + 1); // older than the kept ones
            h.processElement(enriched("e4", T + 4), T + 4); // a repeat replaces, not adds
            List<RecentDecisions> out = h.extractOutputValues();
            RecentDecisions last = out.get(out.size() - 1);
            assertThat(last.decisions)
                    .extracting(d -> d.decision.eventId)
                    .containsExactly("e4", "e3", "e2");
            assertThat(last.timestamp).isEqualTo(T + 4);
        }
    }
}
