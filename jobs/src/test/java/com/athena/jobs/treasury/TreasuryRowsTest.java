package com.athena.jobs.treasury;

import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.jobs.sql.BigQueryDdlTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The treasury's BigQuery rows: the tables' columns, the values, the insert ids. */
class TreasuryRowsTest {
    private static final long T = Instant.parse("2024-01-17T23:59:59.999Z").toEpochMilli();

    static TreasurySnapshot dayClose() {
        TreasurySnapshot s = new TreasurySnapshot();
        s.agentId = "athena_agent_001";
        s.timestamp = T;
        s.snapshotType = TreasurySnapshot.DAY_CLOSE;
        s.day = "2024-01-17";
        s.balanceUsd = 19.55;
        s.dailyCostUsd = 3.10;
        s.dailyCostCount = 2;
        s.dailyBurnRate = 3.4833333333333334;
        s.daysUntilBankruptcy = Double.NaN;
        s.emotionalState = "desperate";
        s.confidenceLevel = 0.5;
        s.riskTolerance = 0.1;
        s.survivalModeActive = true;
        s.trigger = "day_close:2024-01-17";
        s.transitions = new String[] {"cost_saving_mode:true->false"};
        s.sequence = 9;
        return s;
    }

    @Test
    void rowsHaveExactlyTheColumnsOfTheirTables() throws Exception {
        assertThat(BigQueryDdlTest.columns("treasury_snapshots.sql"))
                .containsExactlyElementsOf(TreasuryRows.SNAPSHOT_COLUMNS);
        assertThat(BigQueryDdlTest.columns("cost_tracking.sql"))
                .containsExactlyElementsOf(TreasuryRows.COST_COLUMNS);
        assertThat(new TreasuryRows.Snapshots().row(dayClose()).keySet())
                .containsExactlyElementsOf(TreasuryRows.SNAPSHOT_COLUMNS);
        assertThat(new TreasuryRows.Costs().row(cost()).keySet())
                .containsExactlyElementsOf(TreasuryRows.COST_COLUMNS);
    }

    @Test
    void tablesArePartitionedByDayAndClustered() throws Exception {
        String snapshots =
                Files.readString(
                        Paths.get("..", "sql", "bigquery", "treasury_snapshots.sql"),
                        StandardCharsets.UTF_8);
        assertThat(snapshots)
                .contains("PARTITION BY DATE(timestamp)")
                .contains("CLUSTER BY emotional_state;");
        String costs =
                Files.readString(
                        Paths.get("..", "sql", "bigquery", "cost_tracking.sql"),
                        StandardCharsets.UTF_8);
        assertThat(costs)
                .contains("PARTITION BY DATE(timestamp)")
                .contains("CLUSTER BY cost_type, agent_id;");
    }

    @Test
    void snapshotRow() throws Exception {
        TreasuryRows.Snapshots mapper = new TreasuryRows.Snapshots();
        Map<String, Object> row = mapper.row(dayClose());
        assertThat(mapper.table(dayClose())).isEqualTo("treasury_snapshots");
        assertThat(mapper.insertId(dayClose()))
                .isEqualTo("treasury_snapshots:athena_agent_001:day_close:" + T + ":9");
        assertThat(row)
                .containsEntry("timestamp", "2024-01-17T23:59:59.999000Z")
                .containsEntry("agent_id", "athena_agent_001")
                .containsEntry("balance_usd", 19.55)
                .containsEntry("daily_burn_rate", 3.4833333333333334)
                .containsEntry("days_until_bankruptcy", null)
                .containsEntry("emotional_state", "desperate")
                .containsEntry("confidence_level", 0.5)
                .containsEntry("risk_tolerance", 0.1)
                .containsEntry("survival_mode_active", true);
        JsonNode events = new ObjectMapper().readTree((String) row.get("significant_events"));
        assertThat(events.get("snapshot_type").asText()).isEqualTo("day_close");
        assertThat(events.get("daily_costs").asDouble()).isEqualTo(3.10);
        assertThat(events.get("cost_count").asLong()).isEqualTo(2);
        assertThat(events.get("transitions").get(0).asText())
                .isEqualTo("cost_saving_mode:true->false");
    }

    static CostRecord cost() {
        CostRecord c = new CostRecord();
        c.agentId = "athena_agent_001";
        c.eventId = "evt-1";
        c.timestamp = Instant.parse("2024-01-15T10:35:00Z").toEpochMilli();
        c.day = "2024-01-15";
        c.costType = "llm_cost";
        c.operation = "llm_call";
        c.model = "gpt";
        c.inputTokens = 1500L;
        c.outputTokens = 200L;
        c.amount = 0.0075;
        c.dailyTotal = 1.25;
        return c;
    }

    @Test
    void costRow() throws Exception {
        TreasuryRows.Costs mapper = new TreasuryRows.Costs();
        assertThat(mapper.insertId(cost())).isEqualTo("cost_tracking:athena_agent_001:evt-1");
        Map<String, Object> row = mapper.row(cost());
        assertThat(row)
                .containsEntry("timestamp", "2024-01-15T10:35:00.000000Z")
                .containsEntry("event_id", "evt-1")
                .containsEntry("cost_type", "llm_cost")
                .containsEntry("operation", "llm_call")
                .containsEntry("amount", 0.0075)
                .containsEntry("model", "gpt")
                .containsEntry("input_tokens", 1500L)
                .containsEntry("output_tokens", 200L)
                .containsEntry("daily_total", 1.25);
        assertThat(new ObjectMapper().readTree((String) row.get("details")).get("late").asBoolean())
                .isFalse();
    }

    @Test
    void longInsertIdsAreHashedDeterministically() {
        CostRecord c = cost();
        c.eventId = "e".repeat(200);
        String id = new TreasuryRows.Costs().insertId(c);
        assertThat(id).hasSizeLessThanOrEqualTo(128).startsWith("uuid:");
        assertThat(new TreasuryRows.Costs().insertId(c)).isEqualTo(id);
    }
}
