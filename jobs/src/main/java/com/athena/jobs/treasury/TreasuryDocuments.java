package com.athena.jobs.treasury;

import com.athena.common.firestore.FirestoreDocumentMapper;
import com.athena.common.firestore.FirestoreIds;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.EmotionalState;
import com.athena.common.treasury.TransitionEvent;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;

import com.google.cloud.Timestamp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The treasury's Firestore documents (seed 001 collection names): the live treasury of each agent,
 * its daily cost aggregations, and a system-log entry per transition. Unknown numbers are null.
 */
public final class TreasuryDocuments {
    public static final String TREASURY = "agent_data_treasury";
    public static final String COSTS = "agent_data_costs";
    public static final String SYSTEM_LOGS = "agent_data_system_logs";

    private TreasuryDocuments() {}

    /**
     * {@code agent_data_treasury/{agent_id}}: seed 002's {@code agent_data/treasury} fields ({@code
     * agent_id, timestamp, balance_usd, daily_burn_rate, days_until_bankruptcy, emotional_state,
     * confidence_level, risk_tolerance, survival_mode_active, last_updated}) plus {@code
     * daily_cost_usd, cost_saving_mode_active, market_crash_override, snapshot_type, trigger} and
     * the sink's {@code event_time}.
     */
    public static final class Treasury implements FirestoreDocumentMapper<TreasurySnapshot> {
        private static final long serialVersionUID = 1L;

        @Override
        public String collection(TreasurySnapshot s) {
            return TREASURY;
        }

        @Override
        public String documentId(TreasurySnapshot s) {
            return FirestoreIds.sanitize(s.agentId);
        }

        @Override
        public long eventTime(TreasurySnapshot s) {
            return s.timestamp;
        }

        @Override
        public Map<String, Object> fields(TreasurySnapshot s) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("agent_id", s.agentId);
            f.put("timestamp", timestamp(s.timestamp));
            f.put("balance_usd", number(s.balanceUsd));
            f.put("daily_burn_rate", number(s.dailyBurnRate));
            f.put("days_until_bankruptcy", number(s.daysUntilBankruptcy));
            f.put("emotional_state", s.emotionalState);
            f.put("confidence_level", s.confidenceLevel);
            f.put("risk_tolerance", s.riskTolerance);
            f.put("survival_mode_active", s.survivalModeActive);
            f.put("daily_cost_usd", s.dailyCostUsd);
            f.put("cost_saving_mode_active", s.costSavingModeActive);
            f.put("market_crash_override", s.marketCrashOverride);
            f.put("snapshot_type", s.snapshotType);
            f.put("trigger", s.trigger);
            return f;
        }
    }

    /**
     * {@code agent_data_costs/{agent_id}_{yyyy-mm-dd}}: {@code agent_id, date, timestamp,
     * total_cost, cost_count, llm_cost, api_cost, other_cost, max_daily_cost_usd,
     * cost_saving_mode_activated, closed}.
     */
    public static final class Costs implements FirestoreDocumentMapper<DailyCost> {
        private static final long serialVersionUID = 1L;

        @Override
        public String collection(DailyCost d) {
            return COSTS;
        }

        @Override
        public String documentId(DailyCost d) {
            return FirestoreIds.sanitize(d.documentId());
        }

        @Override
        public long eventTime(DailyCost d) {
            return d.timestamp;
        }

        @Override
        public Map<String, Object> fields(DailyCost d) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("agent_id", d.agentId);
            f.put("date", d.day);
            f.put("timestamp", timestamp(d.timestamp));
            f.put("total_cost", d.totalCost);
            f.put("cost_count", d.costCount);
            f.put("llm_cost", d.llmCost);
            f.put("api_cost", d.apiCost);
            f.put("other_cost", d.otherCost);
            f.put("max_daily_cost_usd", d.maxDailyCostUsd);
            f.put("cost_saving_mode_activated", d.costSavingModeActivated);
            f.put("closed", d.closed);
            return f;
        }
    }

    /**
     * {@code agent_data_system_logs/{transition_id}}: {@code log_id, component ("treasury"), level
     * ("warning" when entering desperate, survival or cost-saving mode, else "info"), message,
     * agent_id, timestamp, transition_type, event, from, to, reason, trigger, balance_usd,
     * days_until_bankruptcy, daily_burn_rate, daily_cost_usd, emotional_state,
     * survival_mode_active}.
     */
    public static final class SystemLogs implements FirestoreDocumentMapper<TreasuryTransition> {
        private static final long serialVersionUID = 1L;

        @Override
        public String collection(TreasuryTransition t) {
            return SYSTEM_LOGS;
        }

        @Override
        public String documentId(TreasuryTransition t) {
            return FirestoreIds.sanitize(t.transitionId);
        }

        @Override
        public long eventTime(TreasuryTransition t) {
            return t.timestamp;
        }

        @Override
        public Map<String, Object> fields(TreasuryTransition t) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("log_id", t.transitionId);
            f.put("component", "treasury");
            f.put("level", level(t));
            f.put("message", t.agentId + " " + t.transitionType + " " + t.from + " -> " + t.to);
            f.put("agent_id", t.agentId);
            f.put("timestamp", timestamp(t.timestamp));
            f.put("transition_type", t.transitionType);
            f.put("event", t.event);
            f.put("from", t.from);
            f.put("to", t.to);
            f.put("reason", t.reason);
            f.put("trigger", t.trigger);
            f.put("balance_usd", number(t.balanceUsd));
            f.put("days_until_bankruptcy", number(t.daysUntilBankruptcy));
            f.put("daily_burn_rate", number(t.dailyBurnRate));
            f.put("daily_cost_usd", number(t.dailyCostUsd));
            f.put("emotional_state", t.emotionalState);
            f.put("survival_mode_active", t.survivalModeActive);
            return f;
        }

        static String level(TreasuryTransition t) {
            TransitionEvent event = TransitionEvent.fromLabel(t.event);
            boolean alarming =
                    EmotionalState.DESPERATE.label().equals(t.to)
                            || (event != null && event.activates());
            return alarming ? "warning" : "info";
        }
    }

    static Timestamp timestamp(long millis) {
        return Timestamp.ofTimeMicroseconds(millis * 1000L);
    }

    /** Firestore stores NaN, but null is what readers of an unknown value expect. */
    static Double number(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
