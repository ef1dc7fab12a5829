package com.athena.jobs.treasury;

import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The treasury's Kafka JSON and JDBC bindings, without services. */
class TreasurySinksTest {
    private static final long T = Instant.parse("2024-01-17T10:00:00Z").toEpochMilli();

    @Test
    void transitionJsonCarriesEveryFieldAndNullForUnknown() throws Exception {
        TreasuryTransition t = new TreasuryTransition();
        t.transitionId = "a_20240117T100000.000Z_8_emotional_state";
        t.agentId = "a";
        t.timestamp = T;
        t.transitionType = "emotional_state";
        t.event = "emotional_state_changed";
        t.from = null;
        t.to = "cautious";
        t.reason = "first evaluation: runway 8.57 days";
        t.trigger = "balance:b";
        t.balanceUsd = 30;
        t.daysUntilBankruptcy = Double.NaN;
        t.dailyBurnRate = 3.5;
        t.emotionalState = "cautious";
        JsonNode json =
                new ObjectMapper()
                        .readTree(
                                new String(
                                        TreasuryKafkaSinks.transitionJson(t),
                                        StandardCharsets.UTF_8));
        assertThat(json.get("transition_id").asText()).isEqualTo(t.transitionId);
        assertThat(json.get("timestamp").asText()).isEqualTo("2024-01-17T10:00:00Z");
        assertThat(json.get("event_time").asLong()).isEqualTo(T);
        assertThat(json.get("from").isNull()).isTrue();
        assertThat(json.get("to").asText()).isEqualTo("cautious");
        assertThat(json.get("balance_usd").asDouble()).isEqualTo(30.0);
        assertThat(json.get("days_until_bankruptcy").isNull()).isTrue();
        assertThat(json.get("survival_mode_active").asBoolean()).isFalse();
    }

    /** A PreparedStatement that records what is bound, by parameter index. */
    static PreparedStatement recording(Map<Integer, Object> bound) {
        return (PreparedStatement)
                Proxy.newProxyInstance(
                        TreasurySinksTest.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("set") && args.length >= 2) {
                                bound.put(
                                        (Integer) args[0],
                                        method.getName().equals("setNull") ? null : args[1]);
                            }
                            return null;
                        });
    }

    @Test
    void snapshotsBindUnknownNumbersAsNull() throws Exception {
        TreasurySnapshot s = new TreasurySnapshot();
        s.agentId = "a";
        s.timestamp = T;
        s.snapshotType = TreasurySnapshot.DAY_CLOSE;
        s.day = "2024-01-17";
        s.balanceUsd = 19.55;
        s.dailyCostUsd = 3.1;
        s.emotionalState = "desperate";
        s.transitions = new String[] {"x:a->b", "y:c->d"};
        Map<Integer, Object> bound = new TreeMap<>();
        TreasuryJdbcSinks.bindSnapshot(recording(bound), s);
        assertThat(bound).hasSize(17);
        assertThat(bound.get(2)).isEqualTo(new Timestamp(T));
        assertThat(bound.get(4)).hasToString("2024-01-17");
        assertThat(bound.get(5)).isEqualTo(19.55);
        assertThat(bound.get(7)).isNull();
        assertThat(bound.get(8)).isNull();
        assertThat(bound.get(16)).isEqualTo("x:a->b,y:c->d");
    }

    @Test
    void metricLabelsAreTheJsonJacksonWrites() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (String text :
                List.of(
                        "cost:e-1",
                        "quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007",
                        "emoji \uD83D\uDE80 accents \u00e9\u00fc \u202E control \u001f del \u007f",
                        "")) {
            TreasurySnapshot s = new TreasurySnapshot();
            s.emotionalState = "desperate";
            s.snapshotType = TreasurySnapshot.EVENT;
            s.trigger = text;
            ObjectNode tree = mapper.createObjectNode();
            tree.put("emotional_state", s.emotionalState)
                    .put("snapshot_type", s.snapshotType)
                    .put("trigger", s.trigger);
            assertThat(AgentMetric.labels(s)).isEqualTo(tree.toString());
            assertThat(mapper.readTree(AgentMetric.labels(s)).get("trigger").asText())
                    .isEqualTo(text);
        }
        TreasurySnapshot none = new TreasurySnapshot();
        assertThat(AgentMetric.labels(none))
                .isEqualTo("{\"emotional_state\":null,\"snapshot_type\":null,\"trigger\":null}");
    }

    @Test
    void metricsAndCostsBind() throws Exception {
        TreasurySnapshot s = new TreasurySnapshot();
        s.agentId = "a";
        s.timestamp = T;
        s.snapshotType = TreasurySnapshot.EVENT;
        s.day = "2024-01-17";
        s.balanceUsd = 10;
        s.dailyBurnRate = Double.NaN;
        s.emotionalState = "cautious";
        s.trigger = "cost:e";
        List<AgentMetric> metrics = AgentMetric.of(s);
        assertThat(metrics)
                .extracting(m -> m.metricName)
                .containsExactly(
                        "balance_usd",
                        "daily_cost_usd",
                        "emotional_state",
                        "survival_mode_active",
                        "cost_saving_mode_active");
        assertThat(metrics.get(2).value).isEqualTo(1.0);
        Map<Integer, Object> bound = new TreeMap<>();
        TreasuryJdbcSinks.bindMetric(recording(bound), metrics.get(0));
        assertThat(bound.get(2)).isEqualTo("balance_usd");
        assertThat(bound.get(4)).isEqualTo(10.0);
        assertThat(new ObjectMapper().readTree((String) bound.get(5)).get("trigger").asText())
                .isEqualTo("cost:e");

        CostRecord c = new CostRecord();
        c.agentId = "a";
        c.eventId = "e";
        c.timestamp = T;
        c.costType = "api_cost";
        c.amount = 0.0001;
        bound.clear();
        TreasuryJdbcSinks.bindCost(recording(bound), c);
        assertThat(bound).hasSize(11);
        assertThat(bound.get(7)).isNull();
        assertThat(bound.get(10)).isNull();
        assertThat(bound.get(11)).isEqualTo(false);
    }
}
