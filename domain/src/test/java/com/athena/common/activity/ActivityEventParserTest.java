package com.athena.common.activity;

import com.athena.common.json.InvalidRecordException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivityEventParserTest {
    private static final long NOW = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
    private static final long T = Instant.parse("2026-03-01T10:30:00Z").toEpochMilli();
    private final ActivityEventParser parser = new ActivityEventParser(120_000);

    private ActivityEvent parse(String json) throws InvalidRecordException {
        return parser.parse(json, NOW);
    }

    private static String event(String type, String fields) {
        return "{\"event_id\":\"e1\",\"type\":\""
                + type
                + "\",\"agent_id\":\"athena-1\",\"timestamp\":\"2026-03-01T10:30:00Z\""
                + (fields.isEmpty() ? "" : "," + fields)
                + "}";
    }

    @Test
    void aDecisionWithEveryField() throws Exception {
        ActivityEvent e =
                parse(
                        event(
                                "decision",
                                "\"decision_id\":\"dec-1\",\"decision_type\":\"trade\","
                                        + "\"decision\":\"reduce_exposure\",\"reasoning\":\"crash\","
                                        + "\"confidence\":0.4,\"memory_context\":[\"m1\",\"m2\"],"
                                        + "\"costs_incurred\":[{\"type\":\"llm\",\"amount\":0.02,"
                                        + "\"tokens\":1500},{\"type\":\"api\",\"amount\":0.01}],"
                                        + "\"expected_outcome\":\"lower risk\","
                                        + "\"outcome\":\"success\",\"symbol\":\"ETH\""));
        assertThat(e.type).isEqualTo("decision");
        assertThat(e.is(ActivityType.DECISION)).isTrue();
        assertThat(e.eventId).isEqualTo("e1");
        assertThat(e.agentId).isEqualTo("athena-1");
        assertThat(e.timestamp).isEqualTo(T);
        assertThat(e.decisionId).isEqualTo("dec-1");
        assertThat(e.decisionType).isEqualTo("trade");
        assertThat(e.decision).isEqualTo("reduce_exposure");
        assertThat(e.reasoning).isEqualTo("crash");
        assertThat(e.confidence).isEqualTo(0.4);
        assertThat(e.memoryContext).containsExactly("m1", "m2");
        assertThat(e.decisionCost).isEqualTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(e.costsJson)
                .isEqualTo(
                        "[{\"type\":\"llm\",\"amount\":0.02,\"tokens\":1500},"
                                + "{\"type\":\"api\",\"amount\":0.01}]");
        assertThat(e.expectedOutcome).isEqualTo("lower risk");
        assertThat(e.outcome).isEqualTo("success");
        assertThat(e.symbol).isEqualTo("ETH");
    }

    @Test
    void aMinimalDecisionTakesItsEventIdAsDecisionIdAndCostsNothing() throws Exception {
        ActivityEvent e = parse(event("decision", "\"decision_type\":\"observation\""));
        assertThat(e.decisionId).isEqualTo("e1");
        assertThat(e.decisionCost).isEqualTo(0.0);
        assertThat(e.costsJson).isEqualTo("[]");
        assertThat(e.memoryContext).isEmpty();
        assertThat(e.confidence).isNull();
        assertThat(e.outcome).isNull();
        assertThat(e.symbol).isNull();
    }

    @Test
    void aMemoryFormationAndARecall() throws Exception {
        ActivityEvent f =
                parse(
                        event(
                                "memory_formation",
                                "\"memory_id\":\"m1\",\"category\":\"survival_critical\","
                                        + "\"importance\":0.9,\"content\":\"BTC fell 15%\","
                                        + "\"metadata\":{\"source\":\"market\"},"
                                        + "\"trigger_event\":\"market_crash\","
                                        + "\"formation_cost\":0.005"));
        assertThat(f.memoryId).isEqualTo("m1");
        assertThat(f.category).isEqualTo("survival_critical");
        assertThat(f.importance).isEqualTo(0.9);
        assertThat(f.content).isEqualTo("BTC fell 15%");
        assertThat(f.metadataJson).isEqualTo("{\"source\":\"market\"}");
        assertThat(f.triggerEvent).isEqualTo("market_crash");
        assertThat(f.formationCost).isEqualTo(0.005);

        ActivityEvent r = parse(event("memory_recall", "\"memory_id\":\"m1\""));
        assertThat(r.is(ActivityType.MEMORY_RECALL)).isTrue();
        assertThat(r.memoryId).isEqualTo("m1");
    }

    @Test
    void aMetricAndAYield() throws Exception {
        ActivityEvent m =
                parse(
                        event(
                                "performance_metric",
                                "\"metric_name\":\"llm_latency_ms\",\"metric_value\":850.5,"
                                        + "\"metric_type\":\"timer\",\"unit\":\"ms\","
                                        + "\"labels\":{\"model\":\"gpt-4\"}"));
        assertThat(m.metricName).isEqualTo("llm_latency_ms");
        assertThat(m.metricValue).isEqualTo(850.5);
        assertThat(m.metricType).isEqualTo("timer");
        assertThat(m.unit).isEqualTo("ms");
        assertThat(m.labelsJson).isEqualTo("{\"model\":\"gpt-4\"}");

        ActivityEvent y =
                parse(
                        event(
                                "protocol_yield",
                                "\"protocol\":\"aave-v3\",\"chain\":\"ethereum\","
                                        + "\"pool\":\"USDC\",\"apy\":4.25,\"tvl_usd\":1.5e9"));
        assertThat(y.protocol).isEqualTo("aave-v3");
        assertThat(y.chain).isEqualTo("ethereum");
        assertThat(y.pool).isEqualTo("USDC");
        assertThat(y.apy).isEqualTo(4.25);
        assertThat(y.tvlUsd).isEqualTo(1.5e9);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\":\"decision\",\"agent_id\":\"a\",\"timestamp\":1,\"decision_type\":\"x\"}"
                        + "|missing event_id",
                "{\"event_id\":\"e\",\"type\":\"dream\",\"agent_id\":\"a\",\"timestamp\":1}"
                        + "|unknown type",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a/b\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"decision_type\":\"x\"}"
                        + "|agent_id must match",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\"}|missing decision_type",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"decision_type\":\"x\","
                        + "\"confidence\":1.5}|confidence must lie in [0, 1]",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"decision_type\":\"x\","
                        + "\"costs_incurred\":[{\"type\":\"llm\",\"amount\":-1}]}"
                        + "|costs_incurred amount is negative",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"decision_type\":\"x\","
                        + "\"memory_context\":\"m1\"}|memory_context is not an array",
                "{\"event_id\":\"e\",\"type\":\"memory_formation\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"memory_id\":\"m\"}"
                        + "|missing category",
                "{\"event_id\":\"e\",\"type\":\"memory_recall\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\"}|missing memory_id",
                "{\"event_id\":\"e\",\"type\":\"performance_metric\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"metric_name\":\"x\","
                        + "\"metric_value\":\"12\"}|metric_value is not a number",
                "{\"event_id\":\"e\",\"type\":\"performance_metric\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"metric_name\":\"x\","
                        + "\"metric_value\":1,\"metric_type\":\"histogram\"}"
                        + "|metric_type must be gauge, counter or timer",
                "{\"event_id\":\"e\",\"type\":\"protocol_yield\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"protocol\":\"p\","
                        + "\"apy\":-150}|apy must lie in",
                "{\"event_id\":\"e\",\"type\":\"protocol_yield\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"protocol\":\"p\","
                        + "\"apy\":1,\"tvl_usd\":-1}|tvl_usd must lie in",
                "{\"event_id\":\"e\",\"type\":\"decision\",\"agent_id\":\"a\","
                        + "\"timestamp\":\"2027-03-01T10:30:00Z\",\"decision_type\":\"x\"}"
                        + "|timestamp is too far in the future",
                "[1,2]|not a JSON object",
            })
    void badInputIsRejectedWithItsReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void transitionsAndConditionsAreRead() throws Exception {
        AgentContext c =
                new AgentContextParser(120_000)
                        .parse(
                                "{\"transition_id\":\"t1\",\"agent_id\":\"a\","
                                        + "\"timestamp\":\"2026-03-01T10:30:00Z\",\"event_time\":"
                                        + T
                                        + ",\"transition_type\":\"emotional_state\","
                                        + "\"days_until_bankruptcy\":12.5,"
                                        + "\"emotional_state\":\"cautious\","
                                        + "\"survival_mode_active\":false}",
                                NOW);
        assertThat(c.transitionId).isEqualTo("t1");
        assertThat(c.agentId).isEqualTo("a");
        assertThat(c.timestamp).isEqualTo(T);
        assertThat(c.emotionalState).isEqualTo("cautious");
        assertThat(c.survivalModeActive).isFalse();
        assertThat(c.daysUntilBankruptcy).isEqualTo(12.5);

        MarketCondition m =
                new MarketConditionParser(120_000)
                        .parse(
                                "{\"symbol\":\"BTC\",\"event_time\":"
                                        + T
                                        + ",\"trend_direction\":\"downward\","
                                        + "\"volatility_level\":null}",
                                NOW);
        assertThat(m).isEqualTo(new MarketCondition("BTC", T, "downward", null));
        assertThat(m.label()).isEqualTo("downward_trend");
        assertThat(new MarketCondition("BTC", T, "downward", "high").label())
                .isEqualTo("high_volatility");
        assertThat(new MarketCondition("BTC", T, null, "low").label()).isEqualTo("low_volatility");
        assertThat(new MarketCondition("BTC", T, null, null).label()).isNull();
    }

    @Test
    void timelinesFindWhatHeldAtATime() {
        java.util.List<Long> times = new java.util.ArrayList<>();
        Timelines.insert(times, 30L, t -> t);
        Timelines.insert(times, 10L, t -> t);
        Timelines.insert(times, 20L, t -> t);
        assertThat(times).containsExactly(10L, 20L, 30L);
        assertThat(Timelines.atOrBefore(times, 5, t -> t)).isNull();
        assertThat(Timelines.atOrBefore(times, 20, t -> t)).isEqualTo(20L);
        assertThat(Timelines.atOrBefore(times, 29, t -> t)).isEqualTo(20L);
        Timelines.prune(times, 25, t -> t);
        assertThat(times).containsExactly(20L, 30L);
    }
}
