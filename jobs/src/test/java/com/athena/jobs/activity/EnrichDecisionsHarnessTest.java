package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.ActivityType;
import com.athena.common.activity.AgentContext;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MarketCondition;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The event-time join of {@link EnrichDecisions} in a test harness: values, timers and state. */
class EnrichDecisionsHarnessTest {
    private static final long D0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long RETENTION = 48 * HOUR;

    private KeyedBroadcastOperatorTestHarness<String, AgentInput, MarketCondition, EnrichedDecision>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new EnrichDecisions("BTC", RETENTION),
                                List.of(EnrichDecisions.CONDITIONS)),
                        AgentInput::agentId,
                        Types.STRING,
                        1,
                        1,
                        0);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static ActivityEvent decision(String id, String agent, long t) {
        ActivityEvent e = new ActivityEvent();
        e.eventId = id;
        e.decisionId = id;
        e.type = ActivityType.DECISION.label();
        e.agentId = agent;
        e.timestamp = t;
        e.decisionType = "trade";
        return e;
    }

    private static AgentContext context(String agent, long t, String state, boolean survival) {
        AgentContext c = new AgentContext();
        c.agentId = agent;
        c.timestamp = t;
        c.transitionId = agent + ":" + t + ":" + state;
        c.emotionalState = state;
        c.survivalModeActive = survival;
        c.daysUntilBankruptcy = (double) (t - D0) / HOUR;
        return c;
    }

    private void send(ActivityEvent d) throws Exception {
        harness.processElement(AgentInput.decision(d), d.timestamp);
    }

    private void send(AgentContext c) throws Exception {
        harness.processElement(AgentInput.context(c), c.timestamp);
    }

    private void market(long t, String trend, String volatility) throws Exception {
        harness.processBroadcastElement(new MarketCondition("BTC", t, trend, volatility), t);
    }

    private List<EnrichedDecision> out() {
        return harness.extractOutputValues();
    }

    private List<Object> state(String agent, String name, Class<?> type) throws Exception {
        ListState<Object> s = KeyedStates.of(harness.getOperator(), agent, descriptor(name, type));
        List<Object> values = new ArrayList<>();
        Iterable<Object> it = s.get();
        if (it != null) {
            it.forEach(values::add);
        }
        return values;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ListStateDescriptor<Object> descriptor(String name, Class<?> type) {
        return new ListStateDescriptor(name, TypeInformation.of(type));
    }

    @Test
    void decisionsWaitForTheWatermarkAndTakeWhatHeldAtTheirEventTime() throws Exception {
        send(context("a", D0, "stable", false));
        market(D0, "upward", "normal");
        // The decision at 3h arrives before the crash's transition (2h) and condition (2h30).
        send(decision("d1", "a", D0 + HOUR));
        send(decision("d3", "a", D0 + 3 * HOUR));
        send(context("a", D0 + 2 * HOUR, "desperate", true));
        market(D0 + 2 * HOUR + HOUR / 2, "downward", "high");
        send(decision("d2", "a", D0 + 2 * HOUR)); // exactly at the transition: it applies
        assertThat(out()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);

        harness.processBroadcastWatermark(D0 + 5 * HOUR);
        harness.processWatermark(D0 + 5 * HOUR);

        List<EnrichedDecision> out = out();
        assertThat(out).extracting(d -> d.decision.eventId).containsExactly("d1", "d2", "d3");
        assertThat(out)
                .extracting(d -> d.emotionalState)
                .containsExactly("stable", "desperate", "desperate");
        assertThat(out).extracting(d -> d.survivalModeActive).containsExactly(false, true, true);
        assertThat(out).extracting(d -> d.daysUntilBankruptcy).containsExactly(0.0, 2.0, 2.0);
        assertThat(out)
                .extracting(d -> d.marketCondition)
                .containsExactly("upward_trend", "upward_trend", "high_volatility");
        assertThat(out)
                .extracting(d -> d.marketTime)
                .containsExactly(D0, D0, D0 + 2 * HOUR + HOUR / 2);

        // Cleaned up: no timer, no pending decision, one transition kept for later decisions.
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(state("a", EnrichDecisions.PENDING, ActivityEvent.class)).isEmpty();
        assertThat(state("a", EnrichDecisions.CONTEXTS, AgentContext.class))
                .extracting(c -> ((AgentContext) c).emotionalState)
                .containsExactly("desperate");
    }

    @Test
    void oneWatermarkJumpPastManyDecisionsStillJoinsEachWithItsOwnTime() throws Exception {
        send(context("a", D0, "stable", false));
        send(decision("d1", "a", D0 + HOUR));
        send(context("a", D0 + 2 * HOUR, "cautious", false));
        send(decision("d2", "a", D0 + 3 * HOUR));
        send(context("a", D0 + 4 * HOUR, "desperate", true));
        send(decision("d3", "a", D0 + 5 * HOUR));
        send(context("a", D0 + 6 * HOUR, "stable", false));
        harness.processBroadcastWatermark(D0 + 100 * HOUR);
        harness.processWatermark(D0 + 100 * HOUR);
        assertThat(out())
                .extracting(d -> d.emotionalState)
                .containsExactly("stable", "cautious", "desperate");
        assertThat(state("a", EnrichDecisions.CONTEXTS, AgentContext.class))
                .extracting(c -> ((AgentContext) c).timestamp)
                .containsExactly(D0 + 4 * HOUR, D0 + 6 * HOUR);
    }

    @Test
    void withoutContextOrConditionTheDecisionCarriesNulls() throws Exception {
        send(decision("d1", "b", D0));
        harness.processBroadcastWatermark(D0);
        harness.processWatermark(D0);
        EnrichedDecision d = out().get(0);
        assertThat(d.emotionalState).isNull();
        assertThat(d.survivalModeActive).isNull();
        assertThat(d.marketCondition).isNull();
        assertThat(d.marketSymbol).isEqualTo("BTC");
        assertThat(state("b", EnrichDecisions.PENDING, ActivityEvent.class)).isEmpty();
    }

    @Test
    void agentsAreKeptApartAndARepeatedTransitionCountsOnce() throws Exception {
        send(context("a", D0, "stable", false));
        send(context("b", D0, "cautious", false));
        send(context("b", D0, "cautious", false));
        send(decision("da", "a", D0 + HOUR));
        send(decision("db", "b", D0 + HOUR));
        harness.processBroadcastWatermark(D0 + HOUR);
        harness.processWatermark(D0 + HOUR);
        assertThat(out())
                .extracting(d -> d.decision.agentId + "=" + d.emotionalState)
                .containsExactlyInAnyOrder("a=stable", "b=cautious");
        assertThat(state("b", EnrichDecisions.CONTEXTS, AgentContext.class)).hasSize(1);
    }

    @Test
    void aLateDecisionIsJoinedAtOnce() throws Exception {
        send(context("a", D0, "stable", false));
        harness.processBroadcastWatermark(D0 + 10 * HOUR);
        harness.processWatermark(D0 + 10 * HOUR);
        send(decision("late", "a", D0 + HOUR));
        assertThat(out()).extracting(d -> d.emotionalState).containsExactly("stable");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void conditionsOlderThanTheRetentionAreForgottenButTheLatestIsKept() throws Exception {
        market(D0, "upward", "low");
        market(D0 + HOUR, "sideways", "normal");
        market(D0 + RETENTION + 2 * HOUR, "downward", "normal");
        // The condition at 1h is the latest at or before the horizon (newest - retention): kept.
        send(decision("d", "a", D0 + 30 * 60_000L));
        harness.processBroadcastWatermark(D0 + HOUR);
        harness.processWatermark(D0 + HOUR);
        MarketCondition[] kept = harness.getBroadcastState(EnrichDecisions.CONDITIONS).get("BTC");
        assertThat(kept).extracting(c -> c.trend).containsExactly("sideways", "downward");
        // The decision at 0h30 predates every condition kept: the oldest is not invented back.
        assertThat(out()).extracting(d -> d.marketCondition).containsExactly((String) null);
    }
}
