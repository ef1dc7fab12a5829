package com.athena.jobs.treasury;

import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryEventType;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasurySnapshot;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The treasury operator's gauges in an operator test harness: an agent driven into survival mode
 * shows it in its gauges next to a healthy agent, the market's crash override shows on the operator
 * and then on the agents, and agents beyond the cap get no gauges but are counted once each.
 */
class TreasuryGaugesTest {
    private static final long HOUR = TreasuryFunctionHarnessTest.HOUR;
    private static final long D0 = TreasuryFunctionHarnessTest.D0;
    private static final double EPS = 1e-9;

    private static KeyedBroadcastOperatorTestHarness<
                    String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
            harness(TreasuryFunction function) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
                h =
                        new KeyedBroadcastOperatorTestHarness<>(
                                new CoBroadcastWithKeyedOperator<>(
                                        function, List.of(TreasuryJobState.CRASH_SIGNALS)),
                                e -> e.agentId,
                                Types.STRING,
                                1,
                                1,
                                0);
        h.open();
        return h;
    }

    private static TreasuryFunction function(int maxAgentGauges) {
        return new TreasuryFunction(
                TreasuryRules.DEFAULT,
                Duration.ofDays(7),
                Duration.ofDays(2),
                maxAgentGauges,
                Duration.ofDays(30));
    }

    private static void send(
            KeyedBroadcastOperatorTestHarness<?, TreasuryEvent, ?, ?> h, TreasuryEvent e)
            throws Exception {
        h.processElement(e, e.timestamp);
    }

    @Test
    void anAgentInSurvivalModeShowsItNextToAHealthyOne() throws Exception {
        TreasuryFunction f = function(10);
        var h = harness(f);
        try {
            // 10 USD at 5 USD/day: a runway of 2 days, below the desperate threshold (6).
            send(h, TreasuryEvent.balance("b1", "poor", D0 + HOUR, 10.0, 5.0));
            send(h, TreasuryEvent.balance("b2", "rich", D0 + HOUR, 1000.0, 5.0));
            send(h, TreasuryEvent.cost("c1", "poor", D0 + 2 * HOUR, 2.5, "llm_cost"));
            h.watermark(D0 + 3 * HOUR);

            TreasuryGauges.AgentValues poor = f.gauges().agent("poor");
            assertThat(poor.survivalMode).isEqualTo(1);
            assertThat(poor.runwayDays).isCloseTo(7.5 / 5.0, within(EPS));
            assertThat(poor.dailyCostUsd).isCloseTo(2.5, within(EPS));
            assertThat(poor.burnRateUsdPerDay).isCloseTo(5.0, within(EPS));
            assertThat(poor.crashOverride).isZero();

            TreasuryGauges.AgentValues rich = f.gauges().agent("rich");
            assertThat(rich.survivalMode).isZero();
            assertThat(rich.runwayDays).isCloseTo(200.0, within(EPS));
            assertThat(rich.dailyCostUsd).isZero();
            assertThat(f.gauges().marketCrashOverride()).isZero();
            assertThat(f.gauges().agentsWithoutGauges()).isZero();

            // A deposit lifts the poor agent out of survival mode: its gauge follows.
            send(
                    h,
                    TreasuryEvent.transfer(
                            "d1", "poor", D0 + 4 * HOUR, TreasuryEventType.DEPOSIT, 500.0));
            h.watermark(D0 + 5 * HOUR);
            assertThat(poor.survivalMode).isZero();
            assertThat(poor.runwayDays).isCloseTo(507.5 / 5.0, within(EPS));
        } finally {
            h.close();
        }
    }

    @Test
    void theCrashOverrideShowsOnTheOperatorAndThenOnTheAgents() throws Exception {
        TreasuryFunction f = function(10);
        var h = harness(f);
        try {
            send(h, TreasuryEvent.balance("b1", "rich", D0 + HOUR, 1000.0, 5.0));
            h.watermark(D0 + HOUR);
            assertThat(f.gauges().agent("rich").crashOverride).isZero();

            MarketSnapshot crash = new MarketSnapshot();
            crash.timestamp = D0 + 2 * HOUR;
            crash.btc24hChange = -12.0;
            crash.fearGreedIndex = 10;
            h.processBroadcastElement(crash, crash.timestamp);
            assertThat(f.gauges().marketCrashOverride()).isEqualTo(1);

            h.watermark(D0 + 3 * HOUR);
            TreasuryGauges.AgentValues rich = f.gauges().agent("rich");
            assertThat(rich.crashOverride).isEqualTo(1);
            // Under the override every agent is desperate, so in survival mode.
            assertThat(rich.survivalMode).isEqualTo(1);
        } finally {
            h.close();
        }
    }

    @Test
    void agentsBeyondTheCapGetNoGaugesAndAreCountedOnce() throws Exception {
        TreasuryFunction f = function(2);
        var h = harness(f);
        try {
            List<String> agents = List.of("a1", "a2", "a3", "a4");
            for (String agent : agents) {
                send(h, TreasuryEvent.balance("b-" + agent, agent, D0 + HOUR, 100.0, 1.0));
            }
            // The four day timers fire in the timer queue's order, not the arrival order.
            h.watermark(D0 + HOUR);
            List<String> with = agents.stream().filter(a -> f.gauges().agent(a) != null).toList();
            List<String> without =
                    agents.stream().filter(a -> f.gauges().agent(a) == null).toList();
            assertThat(with).hasSize(2);
            assertThat(f.gauges().agentsWithoutGauges()).isEqualTo(2);

            // An agent without gauges stepped again is not counted again, nor given gauges.
            send(h, TreasuryEvent.cost("c1", without.get(0), D0 + 2 * HOUR, 1.0, "llm_cost"));
            h.watermark(D0 + 2 * HOUR);
            assertThat(f.gauges().agent(without.get(0))).isNull();
            assertThat(f.gauges().agentsWithoutGauges()).isEqualTo(2);
        } finally {
            h.close();
        }
    }

    @Test
    void aNegativeCapIsRefused() {
        assertThatThrownBy(() -> harness(function(-1)))
                .hasMessageContaining("maxAgents must not be negative");
    }
}
