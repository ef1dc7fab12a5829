package com.athena.jobs.treasury;

import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;

import com.google.cloud.Timestamp;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The treasury's Firestore documents: collections, ids and fields. */
class TreasuryDocumentsTest {
    private static final long T = Instant.parse("2024-01-15T10:30:00Z").toEpochMilli();

    @Test
    void treasuryDocumentHasTheSeedFields() {
        TreasurySnapshot s = new TreasurySnapshot();
        s.agentId = "athena_agent_001";
        s.timestamp = T;
        s.snapshotType = TreasurySnapshot.EVENT;
        s.day = "2024-01-15";
        s.balanceUsd = 85.50;
        s.dailyBurnRate = 3.25;
        s.daysUntilBankruptcy = 26.3;
        s.emotionalState = "cautious";
        s.confidenceLevel = 0.65;
        s.riskTolerance = 0.4;
        s.dailyCostUsd = 1.5;
        s.trigger = "cost:e1";
        TreasuryDocuments.Treasury mapper = new TreasuryDocuments.Treasury();
        assertThat(mapper.collection(s)).isEqualTo("agent_data_treasury");
        assertThat(mapper.documentId(s)).isEqualTo("athena_agent_001");
        assertThat(mapper.eventTime(s)).isEqualTo(T);
        Map<String, Object> f = mapper.fields(s);
        // Seed 002's agent_data/treasury document, without last_updated (the sink adds it).
        assertThat(f)
                .containsEntry("agent_id", "athena_agent_001")
                .containsEntry("timestamp", Timestamp.ofTimeMicroseconds(T * 1000))
                .containsEntry("balance_usd", 85.50)
                .containsEntry("daily_burn_rate", 3.25)
                .containsEntry("days_until_bankruptcy", 26.3)
                .containsEntry("emotional_state", "cautious")
                .containsEntry("confidence_level", 0.65)
                .containsEntry("risk_tolerance", 0.4)
                .containsEntry("survival_mode_active", false)
                .containsEntry("daily_cost_usd", 1.5)
                .containsEntry("cost_saving_mode_active", false)
                .containsEntry("market_crash_override", false);
        s.daysUntilBankruptcy = Double.NaN;
        assertThat(mapper.fields(s)).containsEntry("days_until_bankruptcy", null);
    }

    @Test
    void dailyCostDocumentIsPerAgentAndDay() {
        DailyCost d = new DailyCost();
        d.agentId = "athena_agent_001";
        d.day = "2024-01-15";
        d.timestamp = T;
        d.totalCost = 5.5;
        d.costCount = 3;
        d.llmCost = 5.0;
        d.apiCost = 0.5;
        d.maxDailyCostUsd = 5.0;
        d.costSavingModeActivated = true;
        TreasuryDocuments.Costs mapper = new TreasuryDocuments.Costs();
        assertThat(mapper.collection(d)).isEqualTo("agent_data_costs");
        assertThat(mapper.documentId(d)).isEqualTo("athena_agent_001_2024-01-15");
        assertThat(mapper.fields(d))
                .containsEntry("date", "2024-01-15")
                .containsEntry("total_cost", 5.5)
                .containsEntry("cost_count", 3L)
                .containsEntry("llm_cost", 5.0)
                .containsEntry("api_cost", 0.5)
                .containsEntry("other_cost", 0.0)
                .containsEntry("cost_saving_mode_activated", true)
                .containsEntry("closed", false);
    }

    @Test
    void transitionsBecomeSystemLogEntries() {
        TreasuryTransition t = new TreasuryTransition();
        t.transitionId = "athena_agent_001_20240115T103000.000Z_5_survival_mode";
        t.agentId = "athena_agent_001";
        t.timestamp = T;
        t.transitionType = TreasuryTransition.SURVIVAL_MODE;
        t.event = "survival_mode_activated";
        t.from = "false";
        t.to = "true";
        t.reason = "runway 5.48 days, below 6 days";
        t.trigger = "cost:e1";
        t.balanceUsd = 20.15;
        t.daysUntilBankruptcy = 5.48;
        t.emotionalState = "desperate";
        t.survivalModeActive = true;
        TreasuryDocuments.SystemLogs mapper = new TreasuryDocuments.SystemLogs();
        assertThat(mapper.collection(t)).isEqualTo("agent_data_system_logs");
        assertThat(mapper.documentId(t)).isEqualTo(t.transitionId);
        assertThat(mapper.fields(t))
                .containsEntry("level", "warning")
                .containsEntry("component", "treasury")
                .containsEntry("event", "survival_mode_activated")
                .containsEntry("from", "false")
                .containsEntry("to", "true")
                .containsEntry("reason", "runway 5.48 days, below 6 days")
                .containsEntry("balance_usd", 20.15)
                .containsEntry("daily_burn_rate", null);
        t.event = "survival_mode_deactivated";
        t.to = "false";
        assertThat(TreasuryDocuments.SystemLogs.level(t)).isEqualTo("info");
    }
}
