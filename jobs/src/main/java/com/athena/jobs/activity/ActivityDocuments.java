package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.firestore.FirestoreDocumentMapper;
import com.athena.common.firestore.FirestoreIds;

import com.google.cloud.Timestamp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The activity job's Firestore documents (seed 000's collection names): each agent's recent
 * decisions and each protocol's latest yield.
 */
public final class ActivityDocuments {
    public static final String DECISIONS = "agent_data_decisions";
    public static final String PROTOCOLS = "agent_data_protocols";

    private ActivityDocuments() {}

    /**
     * {@code agent_data_decisions/{agent_id}}: {@code agent_id, timestamp} (newest decision) and
     * {@code decisions}, newest first, each {@code decision_id, timestamp, decision_type, decision,
     * reasoning, confidence, emotional_state, survival_mode_active, days_until_bankruptcy,
     * market_condition, market_trend, market_volatility, memory_context, decision_cost,
     * expected_outcome, outcome}.
     */
    public static final class Decisions implements FirestoreDocumentMapper<RecentDecisions> {
        private static final long serialVersionUID = 1L;

        @Override
        public String collection(RecentDecisions r) {
            return DECISIONS;
        }

        @Override
        public String documentId(RecentDecisions r) {
            return FirestoreIds.sanitize(r.agentId);
        }

        @Override
        public long eventTime(RecentDecisions r) {
            return r.timestamp;
        }

        @Override
        public Map<String, Object> fields(RecentDecisions r) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("agent_id", r.agentId);
            f.put("timestamp", timestamp(r.timestamp));
            List<Map<String, Object>> decisions = new ArrayList<>();
            for (EnrichedDecision d : r.decisions) {
                decisions.add(decision(d));
            }
            f.put("decisions", decisions);
            return f;
        }

        static Map<String, Object> decision(EnrichedDecision d) {
            ActivityEvent e = d.decision;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("decision_id", e.decisionId);
            f.put("timestamp", timestamp(e.timestamp));
            f.put("decision_type", e.decisionType);
            f.put("decision", e.decision);
            f.put("reasoning", e.reasoning);
            f.put("confidence", e.confidence);
            f.put("emotional_state", d.emotionalState);
            f.put("survival_mode_active", d.survivalModeActive);
            f.put("days_until_bankruptcy", d.daysUntilBankruptcy);
            f.put("market_condition", d.marketCondition);
            f.put("market_trend", d.marketTrend);
            f.put("market_volatility", d.marketVolatility);
            f.put(
                    "memory_context",
                    e.memoryContext == null ? List.of() : Arrays.asList(e.memoryContext));
            f.put("decision_cost", e.decisionCost);
            f.put("expected_outcome", e.expectedOutcome);
            f.put("outcome", e.outcome);
            return f;
        }
    }

    /**
     * {@code agent_data_protocols/{protocol}}: the latest yield observation (event time) of the
     * protocol: {@code protocol, chain, pool, apy, tvl_usd, observed_by, timestamp}.
     */
    public static final class Protocols implements FirestoreDocumentMapper<ActivityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public String collection(ActivityEvent e) {
            return PROTOCOLS;
        }

        @Override
        public String documentId(ActivityEvent e) {
            return FirestoreIds.sanitize(e.protocol);
        }

        @Override
        public long eventTime(ActivityEvent e) {
            return e.timestamp;
        }

        @Override
        public Map<String, Object> fields(ActivityEvent e) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("protocol", e.protocol);
            f.put("chain", e.chain);
            f.put("pool", e.pool);
            f.put("apy", e.apy);
            f.put("tvl_usd", e.tvlUsd);
            f.put("observed_by", e.agentId);
            f.put("timestamp", timestamp(e.timestamp));
            return f;
        }
    }

    static Timestamp timestamp(long millis) {
        return Timestamp.ofTimeMicroseconds(millis * 1000L);
    }
}
