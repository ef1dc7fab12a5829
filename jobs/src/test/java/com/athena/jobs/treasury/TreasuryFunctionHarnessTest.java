package com.athena.jobs.treasury;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryEventType;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryState;
import com.athena.common.treasury.TreasuryTransition;
import com.athena.testing.KeyedStates;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The production treasury function in an operator test harness: duplicates and their TTL,
 * out-of-order events within the watermark bound, late events, days without events, day-close
 * timers, hysteresis at the boundaries, cost-saving once per day, the crash override by broadcast,
 * restore from a snapshot, and that no buffered event, timer or day outlives its use.
 */
class TreasuryFunctionHarnessTest {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final long D0 = Instant.parse("2024-01-15T00:00:00Z").toEpochMilli();
    static final Duration TTL = Duration.ofDays(7);
    static final double EPS = 1e-9;

    private KeyedBroadcastOperatorTestHarness<
                    String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = harness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static KeyedBroadcastOperatorTestHarness<
                    String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
            harness() throws Exception {
        // Not opened, so that a test can restore state into it first.
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new TreasuryFunction(TreasuryRules.DEFAULT, TTL, Duration.ofDays(2)),
                        List.of(TreasuryJobState.CRASH_SIGNALS)),
                e -> e.agentId,
                Types.STRING,
                1,
                1,
                0);
    }

    private int ids;

    private void send(TreasuryEvent e) throws Exception {
        harness.processElement(e, e.timestamp);
    }

    private TreasuryEvent cost(String agent, long t, double amount) {
        return TreasuryEvent.cost("c" + ids++, agent, t, amount, "llm_cost");
    }

    private TreasuryEvent balance(String agent, long t, double balance, double estimate) {
        return TreasuryEvent.balance("b" + ids++, agent, t, balance, estimate);
    }

    private void market(long t, double btc, int fearGreed) throws Exception {
        MarketSnapshot m = new MarketSnapshot();
        m.timestamp = t;
        m.btc24hChange = btc;
        m.fearGreedIndex = fearGreed;
        harness.processBroadcastElement(m, t);
    }

    private List<TreasurySnapshot> snapshots(String agent) {
        return harness.extractOutputValues().stream()
                .filter(s -> s.agentId.equals(agent))
                .collect(Collectors.toList());
    }

    private List<TreasurySnapshot> closes(String agent) {
        return snapshots(agent).stream()
                .filter(s -> TreasurySnapshot.DAY_CLOSE.equals(s.snapshotType))
                .collect(Collectors.toList());
    }

    private <X> List<X> side(org.apache.flink.util.OutputTag<X> tag) {
        Queue<StreamRecord<X>> records = harness.getSideOutput(tag);
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private List<String> transitions(String agent, String type) {
        return side(TreasuryJobState.TRANSITIONS).stream()
                .filter(t -> t.agentId.equals(agent) && t.transitionType.equals(type))
                .map(t -> t.from + "->" + t.to)
                .collect(Collectors.toList());
    }

    private <S extends State> S state(String agent, StateDescriptor<S, ?> descriptor)
            throws Exception {
        return KeyedStates.of(harness.getOperator(), agent, descriptor);
    }

    private TreasuryState treasury(String agent) throws Exception {
        ValueState<TreasuryState> s = state(agent, TreasuryJobState.TREASURY);
        return s.value();
    }

    private int bufferedTimes(String agent) throws Exception {
        MapState<Long, List<TreasuryEvent>> buffer = state(agent, TreasuryJobState.BUFFER);
        int n = 0;
        for (Long ignored : buffer.keys()) {
            n++;
        }
        return n;
    }

    private int stateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    @Test
    void eventsWaitForTheWatermarkAndApplyInEventTimeOrder() throws Exception {
        // Arrival order differs from event time: a balance report between two costs.
        send(cost("a", D0 + 3 * HOUR, 1.0));
        send(balance("a", D0 + 2 * HOUR, 100, 10));
        send(cost("a", D0 + HOUR, 5.0));
        assertThat(harness.extractOutputValues()).isEmpty();
        // One per buffered time, and the agent's idle clean-up.
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        assertThat(treasury("a").bufferedEvents).isEqualTo(3);

        harness.watermark(D0 + 3 * HOUR);
        List<TreasurySnapshot> out = snapshots("a");
        assertThat(out)
                .extracting(s -> s.trigger)
                .containsExactly("cost:c2", "balance:b1", "cost:c0");
        // In event-time order the balance report comes after the first cost: 100 - 1.
        assertThat(out.get(2).balanceUsd).isEqualTo(99.0);
        assertThat(out.get(2).dailyCostUsd).isEqualTo(6.0);
        assertThat(bufferedTimes("a")).isZero();
        assertThat(treasury("a").bufferedEvents).isZero();
        // Only the day's close and the idle clean-up are still to come.
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void eventsOfTheSameTimeApplyInEventIdOrder() throws Exception {
        send(TreasuryEvent.cost("z", "a", D0, 1.0, "llm_cost"));
        send(TreasuryEvent.balance("m", "a", D0, 50, 5));
        send(TreasuryEvent.cost("a", "a", D0, 2.0, "llm_cost"));
        harness.watermark(D0);
        assertThat(snapshots("a"))
                .extracting(s -> s.trigger)
                .containsExactly("cost:a", "balance:m", "cost:z");
        assertThat(treasury("a").balance).isEqualTo(49.0);
    }

    @Test
    void duplicatesAreDroppedBeforeAndAfterTheirFirstCopyIsApplied() throws Exception {
        TreasuryEvent first = cost("a", D0 + HOUR, 2.0);
        send(balance("a", D0, 100, 10));
        send(first);
        send(first); // redelivered while the first still waits
        harness.watermark(D0 + 2 * HOUR);
        send(first); // redelivered after it was applied
        harness.watermark(D0 + 3 * HOUR);
        assertThat(snapshots("a"))
                .extracting(s -> s.trigger)
                .containsExactly("balance:b1", "cost:c0");
        assertThat(treasury("a").balance).isEqualTo(98.0);
        assertThat(side(TreasuryJobState.COSTS)).hasSize(1);
        // Both repeats are kept as dead letters, with the event and the reason.
        List<DeadLetter> repeats = side(TreasuryJobState.REJECTED);
        assertThat(repeats).hasSize(2);
        for (DeadLetter d : repeats) {
            assertThat(d.source).isEqualTo(TreasuryNames.DLQ_DUPLICATES);
            assertThat(d.origin).isEqualTo("a/" + first.eventId);
            assertThat(d.reason)
                    .isEqualTo(
                            "duplicate event_id " + first.eventId + ": already applied, not again");
            assertThat(d.payload)
                    .contains("\"event_id\":\"" + first.eventId + "\"", "\"amount\":2.0");
        }
    }

    @Test
    void theDuplicateTtlForgetsIdsAfterSevenDaysOfProcessingTime() throws Exception {
        harness.setStateTtlProcessingTime(0);
        TreasuryEvent e = cost("a", D0, 1.0);
        send(e);
        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        send(e); // within the TTL: a duplicate
        harness.watermark(D0);
        assertThat(side(TreasuryJobState.COSTS)).hasSize(1);
        MapState<String, Long> seen = state("a", TreasuryJobState.seenEvents(TTL));
        assertThat(seen.contains(e.eventId)).isTrue();

        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        // Expired: never returned, and gone once touched.
        assertThat(seen.contains(e.eventId)).isFalse();
        assertThat(seen.isEmpty()).isTrue();
        send(e); // a redelivery older than the TTL counts again
        assertThat(side(TreasuryJobState.COSTS)).hasSize(2);
        assertThat(seen.contains(e.eventId)).isTrue();
    }

    @Test
    void lateEventsApplyAtOnceAndStaleBalanceReportsBecomeDeadLetters() throws Exception {
        send(balance("a", D0, 100, 10));
        send(cost("a", D0 + 2 * HOUR, 5.0));
        harness.watermark(D0 + 3 * HOUR);
        // Behind the watermark and behind the agent: applied at once, at the agent's clock.
        send(cost("a", D0 + HOUR, 1.0));
        TreasurySnapshot late = snapshots("a").get(2);
        assertThat(late.trigger).isEqualTo("cost:c2");
        assertThat(late.timestamp).isEqualTo(D0 + 2 * HOUR);
        assertThat(late.balanceUsd).isEqualTo(94.0);
        assertThat(late.dailyCostUsd).isEqualTo(6.0);
        assertThat(side(TreasuryJobState.COSTS).get(1).late).isTrue();
        // A balance report older than a cost already applied would undo it: refused.
        send(balance("a", D0 + HOUR + 1, 500, 10));
        assertThat(treasury("a").balance).isEqualTo(94.0);
        List<DeadLetter> rejected = side(TreasuryJobState.REJECTED);
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).source).isEqualTo(TreasuryNames.DLQ_LATE_BALANCES);
        assertThat(rejected.get(0).origin).isEqualTo("a/b3");
        assertThat(rejected.get(0).reason).startsWith("late balance event");
        assertThat(rejected.get(0).payload).contains("\"balance_usd\":500.0");
    }

    @Test
    void daysCloseOnTheirTimerAndDaysWithoutEventsCountAsZero() throws Exception {
        send(balance("a", D0, 100, Double.NaN));
        send(cost("a", D0 + HOUR, 6.0));
        send(cost("a", D0 + 3 * DAY + HOUR, 2.0));
        harness.watermark(D0 + 2 * HOUR);
        assertThat(closes("a")).isEmpty();
        // The close of day 0 waits for the watermark to pass its last millisecond.
        harness.watermark(D0 + DAY - 2);
        assertThat(closes("a")).isEmpty();
        harness.watermark(D0 + DAY - 1);
        assertThat(closes("a")).extracting(s -> s.day).containsExactly("2024-01-15");
        assertThat(closes("a").get(0).timestamp).isEqualTo(D0 + DAY - 1);

        harness.watermark(D0 + 5 * DAY);
        assertThat(closes("a")).extracting(s -> s.day).containsExactly("2024-01-15", "2024-01-18");
        TreasurySnapshot event3 =
                snapshots("a").stream()
                        .filter(s -> "cost:c2".equals(s.trigger))
                        .findFirst()
                        .orElseThrow();
        assertThat(event3.dailyBurnRate).isCloseTo(6.0 / 3, within(EPS));
        assertThat(closes("a").get(1).dailyBurnRate).isCloseTo(8.0 / 4, within(EPS));
        List<DailyCost> closedDays =
                side(TreasuryJobState.DAILY_COSTS).stream()
                        .filter(d -> d.closed)
                        .collect(Collectors.toList());
        assertThat(closedDays)
                .extracting(DailyCost::documentId)
                .containsExactly("a_2024-01-15", "a_2024-01-18");

        // Nothing pending but the idle clean-up; the agent's state and ids remain.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(bufferedTimes("a")).isZero();
        assertThat(treasury("a").openDay).isEqualTo(TreasuryState.NONE);
        assertThat(treasury("a").bufferedEvents).isZero();
        // On the heap a map state is one entry: the treasury, the seen ids and the activity.
        assertThat(stateEntries()).isEqualTo(3);
        MapState<String, Long> seen = state("a", TreasuryJobState.seenEvents(TTL));
        assertThat(seen.keys()).hasSize(3);
    }

    @Test
    void hysteresisAtTheBoundaries() throws Exception {
        // Day 0, so the runway is balance / estimate: 1.0 per day.
        double[] balances = {40, 29.99, 30, 32.99, 33, 5.99, 6.0, 6.59, 6.6, 33.0, 6.0};
        long t = D0;
        for (double b : balances) {
            send(balance("a", t += 1000, b, 1.0));
        }
        harness.watermark(t);
        assertThat(snapshots("a"))
                .extracting(s -> s.emotionalState)
                .containsExactly(
                        "stable",
                        "cautious",
                        "cautious",
                        "cautious",
                        "stable",
                        "desperate",
                        "desperate",
                        "desperate",
                        "cautious",
                        "stable",
                        "cautious");
        assertThat(transitions("a", TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true", "true->false");
        assertThat(transitions("a", TreasuryTransition.EMOTIONAL_STATE))
                .containsExactly(
                        "null->stable",
                        "stable->cautious",
                        "cautious->stable",
                        "stable->desperate",
                        "desperate->cautious",
                        "cautious->stable",
                        "stable->cautious");
    }

    @Test
    void costSavingModeActivatesOncePerDay() throws Exception {
        send(balance("a", D0, 1000, 1));
        for (int i = 0; i < 8; i++) {
            send(cost("a", D0 + (i + 1) * HOUR, 1.0)); // passes 5.00 with the sixth
        }
        for (int i = 0; i < 8; i++) {
            send(cost("a", D0 + DAY + (i + 1) * HOUR, 1.0));
        }
        harness.watermark(D0 + 2 * DAY);
        List<TreasuryTransition> costSaving =
                side(TreasuryJobState.TRANSITIONS).stream()
                        .filter(x -> x.transitionType.equals(TreasuryTransition.COST_SAVING_MODE))
                        .collect(Collectors.toList());
        assertThat(costSaving)
                .extracting(x -> x.event + "@" + Instant.ofEpochMilli(x.timestamp))
                .containsExactly(
                        "cost_saving_mode_activated@2024-01-15T06:00:00Z",
                        "cost_saving_mode_deactivated@2024-01-15T23:59:59.999Z",
                        "cost_saving_mode_activated@2024-01-16T06:00:00Z",
                        "cost_saving_mode_deactivated@2024-01-16T23:59:59.999Z");
        assertThat(snapshots("a").stream().filter(s -> s.costSavingModeActive).count())
                .isEqualTo(2 * 3); // the sixth, seventh and eighth cost of each day
    }

    @Test
    void theCrashOverrideReachesIdleAgentsAtOnceAndBusyOnesInEventTime() throws Exception {
        send(balance("idle", D0, 1000, 10));
        send(balance("busy", D0, 1000, 10));
        harness.watermark(D0 + HOUR);
        send(cost("busy", D0 + 3 * HOUR, 1.0)); // still waiting for the watermark
        long crash = D0 + 2 * HOUR;
        market(crash, -10.0, 15);

        // The idle agent has nothing before the crash: forced desperate at once, at its time.
        assertThat(transitions("idle", TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true");
        TreasurySnapshot forced = snapshots("idle").get(1);
        assertThat(forced.snapshotType).isEqualTo(TreasurySnapshot.MARKET);
        assertThat(forced.timestamp).isEqualTo(crash);
        assertThat(forced.emotionalState).isEqualTo("desperate");
        // The busy agent waits: its buffered cost comes after the crash in event time.
        assertThat(transitions("busy", TreasuryTransition.SURVIVAL_MODE)).isEmpty();
        harness.watermark(D0 + 3 * HOUR);
        assertThat(snapshots("busy"))
                .extracting(s -> s.snapshotType + "@" + s.timestamp)
                .containsExactly("event@" + D0, "market@" + crash, "event@" + (D0 + 3 * HOUR));
        assertThat(transitions("busy", TreasuryTransition.EMOTIONAL_STATE))
                .containsExactly("null->stable", "stable->desperate");

        // The release reaches both; a snapshot between the thresholds changes nothing.
        market(D0 + 4 * HOUR, -7.0, 20);
        long release = D0 + 5 * HOUR;
        market(release, -4.0, 30);
        assertThat(transitions("idle", TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true", "true->false");
        assertThat(transitions("busy", TreasuryTransition.SURVIVAL_MODE))
                .containsExactly("false->true", "true->false");
        assertThat(treasury("busy").crashOverride).isFalse();
        assertThat(harness.getBroadcastState(TreasuryJobState.CRASH_SIGNALS).contains(crash))
                .isTrue();
    }

    @Test
    void aRestoredOperatorContinuesExactlyLikeTheOriginal() throws Exception {
        List<TreasuryEvent> events = new ArrayList<>();
        events.add(balance("a", D0, 30, 3.5));
        events.add(cost("a", D0 + 10 * HOUR, 2.8));
        events.add(cost("a", D0 + 18 * HOUR, 0.7));
        events.add(cost("a", D0 + DAY + 10 * HOUR, 3.2));
        events.add(cost("a", D0 + DAY + 18 * HOUR, 0.65));
        events.add(cost("a", D0 + 2 * DAY + 10 * HOUR, 2.5));
        events.add(cost("a", D0 + 2 * DAY + 18 * HOUR, 0.6));

        for (TreasuryEvent e : events.subList(0, 4)) {
            send(e);
        }
        market(D0 + 2 * DAY + 20 * HOUR, -12.0, 40);
        harness.watermark(D0 + DAY + 11 * HOUR);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        List<TreasurySnapshot> before = new ArrayList<>(harness.extractOutputValues());
        for (TreasuryEvent e : events.subList(4, events.size())) {
            send(e);
        }
        send(events.get(1)); // a duplicate from before the snapshot
        harness.watermark(D0 + 3 * DAY);
        List<TreasurySnapshot> uninterrupted = harness.extractOutputValues();

        try (KeyedBroadcastOperatorTestHarness<
                        String, TreasuryEvent, MarketSnapshot, TreasurySnapshot>
                restored = harness()) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            for (TreasuryEvent e : events.subList(4, events.size())) {
                restored.processElement(e, e.timestamp);
            }
            restored.processElement(events.get(1), events.get(1).timestamp);
            restored.watermark(D0 + 3 * DAY);
            List<TreasurySnapshot> resumed = new ArrayList<>(before);
            resumed.addAll(restored.extractOutputValues());
            assertThat(resumed).isEqualTo(uninterrupted);
        }
        List<TreasurySnapshot> closes = closes("a");
        assertThat(closes)
                .extracting(s -> s.emotionalState)
                .containsExactly("cautious", "cautious", "desperate");
        assertThat(closes.get(2).balanceUsd).isCloseTo(19.55, within(EPS));
    }

    @Test
    void theCostRecordsCarryTheDaysRunningTotal() throws Exception {
        send(balance("a", D0, 10, 1));
        send(cost("a", D0 + HOUR, 0.25));
        send(TreasuryEvent.transfer("d", "a", D0 + 2 * HOUR, TreasuryEventType.DEPOSIT, 5));
        send(cost("a", D0 + 3 * HOUR, 0.5));
        harness.watermark(D0 + DAY);
        Collection<CostRecord> costs = side(TreasuryJobState.COSTS);
        assertThat(costs).extracting(c -> c.dailyTotal).containsExactly(0.25, 0.75);
        assertThat(treasury("a").balance).isEqualTo(14.25);
    }

    @Test
    void anAgentWithoutEventsForTheRetentionIsClearedAndComesBackAsNew() throws Exception {
        TreasuryFunction function =
                (TreasuryFunction)
                        ((org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator<?, ?>)
                                        harness.getOperator())
                                .getUserFunction();
        long retention = TreasuryOptions.STATE_IDLE_RETENTION.defaultValue().toMillis();
        send(balance("a", D0, 100, 10));
        send(balance("junk", D0 + HOUR, 1, 1));
        harness.watermark(D0 + 2 * HOUR);
        // "a" keeps reporting every 10 days; "junk" never again. Day 30's event waits in the
        // buffer under the same timer as the first idle clean-up, and the day close before it
        // drains it: the clean-up timer must survive that.
        for (int d = 10; d <= 40; d += 10) {
            send(balance("a", D0 + d * DAY, 100 - d, 10));
            harness.watermark(D0 + d * DAY + HOUR);
        }
        assertThat(function.liveKeys().live()).isEqualTo(1);
        assertThat(function.liveKeys().idleClearedCount()).isEqualTo(1);
        assertThat(treasury("junk")).isNull();
        assertThat(state("junk", TreasuryJobState.seenEvents(TTL)).keys()).isEmpty();
        // "a": the close of its day and its one idle timer.
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(treasury("a").balance).isEqualTo(60.0);

        // 30 days after its last event "a" goes too: no state, no timer.
        harness.watermark(D0 + 40 * DAY + retention - 1);
        assertThat(treasury("a")).isNotNull();
        harness.watermark(D0 + 40 * DAY + retention);
        assertThat(treasury("a")).isNull();
        assertThat(stateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(function.liveKeys().live()).isZero();
        assertThat(function.liveKeys().idleClearedCount()).isEqualTo(2);

        // An event of a cleared agent, even one older than its retention, starts a new agent.
        send(cost("a", D0 + 39 * DAY, 2.0));
        assertThat(treasury("a").hasBalance()).isFalse();
        assertThat(function.liveKeys().live()).isEqualTo(1);
        // Already idle for longer than the retention: cleared at the next watermark.
        harness.watermark(D0 + 40 * DAY + retention + 1);
        assertThat(treasury("a")).isNull();
        assertThat(stateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
