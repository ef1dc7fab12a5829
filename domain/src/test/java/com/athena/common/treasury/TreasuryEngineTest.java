package com.athena.common.treasury;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The treasury rules end to end on one agent, without Flink: the seed's scenarios and more. */
class TreasuryEngineTest {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final long D0 = Instant.parse("2024-01-15T00:00:00Z").toEpochMilli();
    static final double EPS = 1e-9;

    private final TreasuryEngine engine = new TreasuryEngine(TreasuryRules.DEFAULT);
    private final TreasuryState s = new TreasuryState();
    private final CrashTimeline market = new CrashTimeline();
    private final Recorder out = new Recorder();
    private int ids;

    private TreasuryEngine.Outcome apply(TreasuryEvent e) {
        return engine.onEvent(s, e, market, out);
    }

    private TreasuryEvent cost(long t, double amount) {
        return TreasuryEvent.cost("c" + ids++, "agent", t, amount, "llm_cost");
    }

    private TreasuryEvent balance(long t, double balance, double estimate) {
        return TreasuryEvent.balance("b" + ids++, "agent", t, balance, estimate);
    }

    /** Moves the agent through {@code t}, as the watermark passing {@code t} would. */
    private void watermark(long t) {
        engine.advance(s, t, true, market, out);
    }

    /** Seed 002 "Scenario 3": 30.00 with a 3.50 estimate, then 3.50, 3.85 and 3.10 a day. */
    static List<TreasuryEvent> scenario3(String agent) {
        return List.of(
                TreasuryEvent.balance("s3-balance", agent, D0, 30.00, 3.50),
                TreasuryEvent.cost("s3-d1-llm", agent, D0 + 10 * HOUR, 2.80, "llm_cost"),
                TreasuryEvent.cost("s3-d1-api", agent, D0 + 18 * HOUR, 0.70, "api_cost"),
                TreasuryEvent.cost("s3-d2-llm", agent, D0 + DAY + 10 * HOUR, 3.20, "llm_cost"),
                TreasuryEvent.cost("s3-d2-api", agent, D0 + DAY + 18 * HOUR, 0.65, "api_cost"),
                TreasuryEvent.cost("s3-d3-llm", agent, D0 + 2 * DAY + 10 * HOUR, 2.50, "llm_cost"),
                TreasuryEvent.cost("s3-d3-api", agent, D0 + 2 * DAY + 18 * HOUR, 0.60, "api_cost"));
    }

    @Test
    void seedScenario3TreasuryDepletion() {
        for (TreasuryEvent e : scenario3("agent")) {
            assertThat(apply(e)).isEqualTo(TreasuryEngine.Outcome.APPLIED);
        }
        watermark(D0 + 3 * DAY);

        List<TreasurySnapshot> closes = out.closes();
        assertThat(closes)
                .extracting(c -> c.day)
                .containsExactly("2024-01-15", "2024-01-16", "2024-01-17");
        assertThat(closes.get(0).balanceUsd).isCloseTo(26.50, within(EPS));
        assertThat(closes.get(0).emotionalState).isEqualTo("cautious");
        assertThat(closes.get(0).survivalModeActive).isFalse();
        assertThat(closes.get(0).dailyCostUsd).isCloseTo(3.50, within(EPS));
        assertThat(closes.get(0).dailyBurnRate).isCloseTo(3.50, within(EPS));
        assertThat(closes.get(1).balanceUsd).isCloseTo(22.65, within(EPS));
        assertThat(closes.get(1).emotionalState).isEqualTo("cautious");
        assertThat(closes.get(1).dailyBurnRate).isCloseTo((3.50 + 3.85) / 2, within(EPS));
        assertThat(closes.get(1).daysUntilBankruptcy).isCloseTo(22.65 / 3.675, within(EPS));
        assertThat(closes.get(2).balanceUsd).isCloseTo(19.55, within(EPS));
        assertThat(closes.get(2).emotionalState).isEqualTo("desperate");
        assertThat(closes.get(2).survivalModeActive).isTrue();
        assertThat(closes.get(2).confidenceLevel).isEqualTo(0.5);
        assertThat(closes.get(2).riskTolerance).isEqualTo(0.1);
        assertThat(closes.get(2).dailyBurnRate).isCloseTo((3.50 + 3.85 + 3.10) / 3, within(EPS));

        // The state follows each event with the burn before its day: desperate at once on day 3.
        assertThat(out.transitions)
                .extracting(t -> t.transitionType + ":" + t.from + "->" + t.to + "@" + t.trigger)
                .containsExactly(
                        "emotional_state:null->cautious@balance:s3-balance",
                        "emotional_state:cautious->desperate@cost:s3-d3-llm",
                        "survival_mode:false->true@cost:s3-d3-llm");
        TreasuryTransition desperate = out.transitions.get(1);
        assertThat(desperate.balanceUsd).isCloseTo(20.15, within(EPS));
        assertThat(desperate.daysUntilBankruptcy).isCloseTo(20.15 / 3.675, within(EPS));
        assertThat(desperate.reason).isEqualTo("runway 5.48 days, below 6 days");
        assertThat(desperate.transitionId)
                .isEqualTo("agent_20240117T100000.000Z_8_emotional_state");
        // The first evaluation of day 1 uses the balance event's estimate (k = 0): 30 / 3.5.
        assertThat(out.snapshots.get(0).daysUntilBankruptcy).isCloseTo(30 / 3.5, within(EPS));
        assertThat(out.snapshots.get(0).emotionalState).isEqualTo("cautious");
    }

    /** A market snapshot, turned into a crash signal as the Flink function does. */
    private void snapshot(long t, Double btc24hChange, Integer fearGreed) {
        com.athena.common.market.MarketSnapshot m = new com.athena.common.market.MarketSnapshot();
        m.timestamp = t;
        m.btc24hChange = btc24hChange;
        m.fearGreedIndex = fearGreed;
        CrashRules.Signal signal = TreasuryRules.DEFAULT.crash().signal(m);
        if (signal != CrashRules.Signal.NONE) {
            market.put(t, signal == CrashRules.Signal.TRIGGER);
        }
    }

    /**
     * Seed 002 "Scenario 1": BTC -10% and fear & greed 15 force desperate and survival mode on a
     * healthy agent; a snapshot between the thresholds changes nothing; one release condition alone
     * does not release; BTC above -5% and fear & greed at 25 or more do.
     */
    @Test
    void seedScenario1MarketCrashOverride() {
        snapshot(D0, -2.5, 45); // an ordinary market: a release signal, nothing to release
        apply(balance(D0 + HOUR, 1000, 10)); // runway 100 days
        assertThat(s.emotionalState).isEqualTo(EmotionalState.STABLE);

        long crash = D0 + 14 * HOUR;
        snapshot(crash, -10.0, 15);
        snapshot(crash + 2 * HOUR, -7.0, 20); // between the thresholds: no signal
        snapshot(crash + 3 * HOUR, -4.0, 20); // BTC recovered, fear & greed not: no release
        long release = crash + 4 * HOUR;
        snapshot(release, -4.9, 25);

        assertThat(engine.nextWakeUp(s, market)).isEqualTo(crash);
        watermark(crash + HOUR);
        assertThat(s.emotionalState).isEqualTo(EmotionalState.DESPERATE);
        assertThat(s.survivalMode).isTrue();
        TreasurySnapshot forced = out.last();
        assertThat(forced.snapshotType).isEqualTo(TreasurySnapshot.MARKET);
        assertThat(forced.timestamp).isEqualTo(crash);
        assertThat(forced.marketCrashOverride).isTrue();
        assertThat(forced.confidenceLevel).isEqualTo(0.5);
        assertThat(forced.riskTolerance).isEqualTo(0.1);
        // The runway is still 100 days: only the override makes the agent desperate.
        assertThat(forced.daysUntilBankruptcy).isCloseTo(100, within(EPS));
        assertThat(out.transitionsOf(TreasuryTransition.EMOTIONAL_STATE))
                .containsExactly("null->stable", "stable->desperate");
        assertThat(out.transitionsOf(TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true");
        assertThat(out.transitions.get(1).reason)
                .startsWith("market crash override: a market snapshot had btc_24h_change <= -10");

        // Events during the crash keep the agent desperate.
        apply(cost(crash + 3 * HOUR, 0.01));
        assertThat(out.last().emotionalState).isEqualTo("desperate");
        assertThat(out.last().survivalModeActive).isTrue();

        watermark(release);
        assertThat(s.emotionalState).isEqualTo(EmotionalState.STABLE);
        assertThat(s.survivalMode).isFalse();
        assertThat(out.last().timestamp).isEqualTo(release);
        assertThat(out.transitionsOf(TreasuryTransition.EMOTIONAL_STATE))
                .containsExactly("null->stable", "stable->desperate", "desperate->stable");
        assertThat(out.transitionsOf(TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true", "true->false");
        assertThat(out.transitions.get(out.transitions.size() - 1).reason)
                .startsWith("market crash override released");
        // Nothing more from the market: the agent next wakes up to close its day.
        assertThat(engine.nextWakeUp(s, market))
                .isEqualTo(TreasuryEngine.closeTime(TreasuryEngine.day(D0)));
    }

    @Test
    void aCrashOverAgentAlreadyDesperateChangesNothingButTheFlag() {
        apply(balance(D0, 10, 5)); // runway 2 days
        assertThat(s.emotionalState).isEqualTo(EmotionalState.DESPERATE);
        snapshot(D0 + HOUR, -15.0, 8);
        watermark(D0 + 2 * HOUR);
        assertThat(s.crashOverride).isTrue();
        assertThat(out.transitions).hasSize(2); // the first evaluation: null->desperate, survival
        snapshot(D0 + 3 * HOUR, 1.0, 60);
        apply(balance(D0 + 4 * HOUR, 100, 5)); // 20 days: cautious once released
        assertThat(s.crashOverride).isFalse();
        assertThat(out.transitionsOf(TreasuryTransition.EMOTIONAL_STATE))
                .containsExactly("null->desperate", "desperate->cautious");
    }

    @Test
    void daysWithoutEventsCountAsZeroAndGetNoRow() {
        apply(balance(D0, 100, Double.NaN));
        apply(cost(D0 + HOUR, 6.0));
        apply(cost(D0 + 3 * DAY + HOUR, 2.0)); // days 1 and 2 had no event
        // Burn before day 3: the mean of days 0, 1, 2 = (6 + 0 + 0) / 3.
        assertThat(out.last().dailyBurnRate).isCloseTo(2.0, within(EPS));
        assertThat(out.last().daysUntilBankruptcy).isCloseTo(92.0 / 2.0, within(EPS));
        watermark(D0 + 4 * DAY);
        assertThat(out.closes()).extracting(c -> c.day).containsExactly("2024-01-15", "2024-01-18");
        // Close of day 3: the mean of days 0..3 = (6 + 0 + 0 + 2) / 4.
        assertThat(out.closes().get(1).dailyBurnRate).isCloseTo(2.0, within(EPS));
        assertThat(out.closes().get(1).dailyCostUsd).isCloseTo(2.0, within(EPS));
    }

    @Test
    void theBurnRateIsTheMeanOfAtMostSevenCompletedDays() {
        apply(balance(D0, 1000, 99));
        // k = 0: the estimate.
        assertThat(out.last().dailyBurnRate).isEqualTo(99.0);
        for (int d = 0; d < 10; d++) {
            apply(cost(D0 + d * DAY + HOUR, d + 1)); // day d costs d + 1
        }
        watermark(D0 + 10 * DAY);
        List<TreasurySnapshot> closes = out.closes();
        assertThat(closes).hasSize(10);
        assertThat(closes.get(0).dailyBurnRate).isCloseTo(1.0, within(EPS));
        assertThat(closes.get(2).dailyBurnRate).isCloseTo(2.0, within(EPS)); // (1+2+3)/3
        assertThat(closes.get(6).dailyBurnRate).isCloseTo(4.0, within(EPS)); // (1..7)/7
        assertThat(closes.get(9).dailyBurnRate).isCloseTo(7.0, within(EPS)); // (4..10)/7
        assertThat(s.dayCosts).hasSize(7);
    }

    @Test
    void withoutAnEstimateTheFirstDayHasNoRunway() {
        apply(balance(D0, 50, Double.NaN));
        assertThat(out.last().dailyBurnRate).isNaN();
        assertThat(out.last().daysUntilBankruptcy).isNaN();
        assertThat(out.last().emotionalState).isEqualTo("stable");
        assertThat(out.transitions.get(0).reason)
                .isEqualTo("runway unknown (no balance, or a burn rate unknown or 0)");
        apply(cost(D0 + DAY + HOUR, 1.0));
        // Day 0 cost nothing: a burn of 0 leaves the runway unknown and the state as it was.
        assertThat(out.last().dailyBurnRate).isEqualTo(0.0);
        assertThat(out.last().daysUntilBankruptcy).isNaN();
        watermark(D0 + 2 * DAY);
        assertThat(out.last().dailyBurnRate).isCloseTo(0.5, within(EPS));
        assertThat(out.last().daysUntilBankruptcy).isCloseTo(98.0, within(EPS));
        assertThat(out.last().emotionalState).isEqualTo("stable");
    }

    @Test
    void costSavingModeActivatesOncePerDayAndEndsAtTheClose() {
        apply(balance(D0, 1000, 1));
        apply(cost(D0 + HOUR, 3.0));
        apply(cost(D0 + 2 * HOUR, 2.0)); // exactly 5.00: not above the limit
        assertThat(s.costSavingActive).isFalse();
        apply(cost(D0 + 3 * HOUR, 0.5)); // 5.50: activated
        apply(cost(D0 + 4 * HOUR, 4.0)); // still active: no second activation
        assertThat(out.last().costSavingModeActive).isTrue();
        apply(cost(D0 + DAY + HOUR, 6.0)); // the next day: day 0 closed first, then again
        watermark(D0 + 2 * DAY);

        assertThat(out.transitions)
                .filteredOn(t -> t.transitionType.equals(TreasuryTransition.COST_SAVING_MODE))
                .extracting(t -> t.event + "@" + t.trigger)
                .containsExactly(
                        "cost_saving_mode_activated@cost:c3",
                        "cost_saving_mode_deactivated@day_close:2024-01-15",
                        "cost_saving_mode_activated@cost:c5",
                        "cost_saving_mode_deactivated@day_close:2024-01-16");
        TreasuryTransition activated =
                out.transitions.stream()
                        .filter(t -> t.event.equals("cost_saving_mode_activated"))
                        .findFirst()
                        .orElseThrow();
        assertThat(activated.reason)
                .isEqualTo("daily cost 5.5000 USD passed the limit of 5.00 USD");
        assertThat(activated.dailyCostUsd).isCloseTo(5.5, within(EPS));
        assertThat(out.closes().get(0).costSavingModeActive).isFalse();
        DailyCost closedDay0 =
                out.dailyCosts.stream().filter(d -> d.closed).findFirst().orElseThrow();
        assertThat(closedDay0.documentId()).isEqualTo("agent_2024-01-15");
        assertThat(closedDay0.totalCost).isCloseTo(9.5, within(EPS));
        assertThat(closedDay0.costCount).isEqualTo(4);
        assertThat(closedDay0.costSavingModeActivated).isTrue();
    }

    @Test
    void lateCostsCorrectTheirClosedDayAndLateBalancesNeverUndoNewerEvents() {
        apply(balance(D0, 100, 1));
        apply(cost(D0 + HOUR, 2.0));
        apply(cost(D0 + DAY + HOUR, 4.0)); // closes day 0
        // A cost of day 0 that came after day 0 closed.
        assertThat(apply(cost(D0 + 5 * HOUR, 1.0))).isEqualTo(TreasuryEngine.Outcome.APPLIED_LATE);
        assertThat(s.balance).isCloseTo(93.0, within(EPS));
        CostRecord late = out.costs.get(out.costs.size() - 1);
        assertThat(late.late).isTrue();
        assertThat(late.dailyTotal).isCloseTo(3.0, within(EPS));
        watermark(D0 + 2 * DAY);
        // Day 1's close takes in the corrected day 0: (3 + 4) / 2.
        assertThat(out.closes().get(1).dailyBurnRate).isCloseTo(3.5, within(EPS));
        // A balance report older than costs already applied is stale: refused.
        assertThat(apply(balance(D0 + DAY, 500, 1)))
                .isEqualTo(TreasuryEngine.Outcome.REJECTED_LATE);
        assertThat(s.balance).isCloseTo(93.0, within(EPS));
        assertThat(out.rejected).hasSize(1);
        assertThat(out.rejected.get(0)).contains("late balance event");
    }

    @Test
    void depositsAndWithdrawalsMoveTheBalanceAndCostsNeedAKnownOne() {
        apply(cost(D0, 1.0)); // no balance yet: unknown, but the cost counts for the day
        assertThat(s.hasBalance()).isFalse();
        assertThat(out.last().balanceUsd).isNaN();
        assertThat(out.last().dailyCostUsd).isEqualTo(1.0);
        apply(TreasuryEvent.transfer("d", "agent", D0 + HOUR, TreasuryEventType.DEPOSIT, 50));
        assertThat(s.balance).isEqualTo(50.0);
        apply(
                TreasuryEvent.transfer(
                        "w", "agent", D0 + 2 * HOUR, TreasuryEventType.WITHDRAWAL, 20));
        assertThat(s.balance).isEqualTo(30.0);
        apply(cost(D0 + 3 * HOUR, 0.5));
        assertThat(s.balance).isEqualTo(29.5);
        apply(balance(D0 + 4 * HOUR, 12.0, Double.NaN));
        assertThat(s.balance).isEqualTo(12.0);
    }

    @Test
    void eventsOnTheLastMillisecondBelongToTheirDay() {
        long close = TreasuryEngine.closeTime(TreasuryEngine.day(D0));
        assertThat(close).isEqualTo(D0 + DAY - 1);
        apply(balance(D0, 100, 1));
        apply(cost(close, 1.0));
        apply(cost(close + 1, 2.0)); // midnight: the next day
        assertThat(out.closes()).hasSize(1);
        assertThat(out.closes().get(0).dailyCostUsd).isEqualTo(1.0);
        assertThat(out.closes().get(0).timestamp).isEqualTo(close);
    }

    @Test
    void aLateEventOnTheDayTheMarketMovedTheAgentIntoOpensThatDay() {
        apply(balance(D0, 100, 1));
        watermark(D0 + DAY); // day 0 closed
        snapshot(D0 + 3 * DAY + 12 * HOUR, -11.0, 40);
        // An idle agent is moved to the crash at once (the broadcast path): its clock is day 3.
        watermark(D0 + 3 * DAY + 12 * HOUR);
        assertThat(s.clock).isEqualTo(D0 + 3 * DAY + 12 * HOUR);
        assertThat(s.openDay).isEqualTo(TreasuryState.NONE);
        // A deposit of that morning arrives: behind the clock, but its day is still in progress.
        assertThat(
                        apply(
                                TreasuryEvent.transfer(
                                        "d",
                                        "agent",
                                        D0 + 3 * DAY + HOUR,
                                        TreasuryEventType.DEPOSIT,
                                        10)))
                .isEqualTo(TreasuryEngine.Outcome.APPLIED_LATE);
        assertThat(s.balance).isEqualTo(110.0);
        assertThat(engine.nextWakeUp(s, market))
                .isEqualTo(TreasuryEngine.closeTime(TreasuryEngine.day(D0) + 3));
        watermark(D0 + 4 * DAY);
        assertThat(out.closes()).extracting(c -> c.day).containsExactly("2024-01-15", "2024-01-18");
        assertThat(out.closes().get(1).emotionalState).isEqualTo("desperate");
    }
}
