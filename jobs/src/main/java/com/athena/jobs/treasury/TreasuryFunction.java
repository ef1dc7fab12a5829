package com.athena.jobs.treasury;

import com.athena.common.flink.IdleKeys;
import com.athena.common.flink.KeyActivity;
import com.athena.common.flink.LiveKeys;
import com.athena.common.flink.SeenIds;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.CrashRules;
import com.athena.common.treasury.CrashTimeline;
import com.athena.common.treasury.TreasuryEngine;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The treasury of each agent, in event time: loads the agent's state, lets {@link TreasuryStepper}
 * (and through it {@link TreasuryEngine}) apply what is due, saves it, and emits the output through
 * a {@link TreasuryOutputRouter} (snapshots on the main output; transitions, costs, daily costs and
 * rejected events on side outputs).
 *
 * <ul>
 *   <li>A new event id is remembered for the de-duplication TTL; an id seen before is a duplicate,
 *       not applied again but kept as a dead letter ({@value #METRIC_DUPLICATES}). The agent's
 *       expired ids are dropped at each of its day closes.
 *   <li>An event after the watermark waits in the buffer under an event-time timer at its time;
 *       when the watermark passes, every buffered event up to it is applied in (time, event id)
 *       order, then the agent is advanced to the watermark (day closes, override changes). An event
 *       at or before the watermark is applied at once ({@value #METRIC_LATE} if it is behind the
 *       agent).
 *   <li>The agent keeps one wake-up timer: the close of its open day, or the next change of the
 *       market-crash override, whichever comes first.
 *   <li>Market snapshots (broadcast) add crash signals; an agent with nothing pending before the
 *       change is moved to it at once, the others when their timers fire.
 *   <li>An agent without an event for the idle retention (event time, {@link IdleKeys}: one
 *       clean-up timer per agent) is cleared: treasury, buffer, remembered ids. A later event of it
 *       starts a new agent, as its first event did. {@value #METRIC_LIVE_AGENTS} counts the agents
 *       with state on the subtask.
 * </ul>
 *
 * <p>Gauges per agent (at most {@code maxAgentGauges} per subtask) and per operator follow the
 * state it saves: {@link TreasuryGauges}.
 */
public class TreasuryFunction
        extends KeyedBroadcastProcessFunction<
                String, TreasuryEvent, MarketSnapshot, TreasurySnapshot> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TreasuryFunction.class);

    public static final String METRIC_EVENTS = "treasuryEvents";
    public static final String METRIC_DUPLICATES = "duplicateEvents";
    public static final String METRIC_LATE = "lateEvents";
    public static final String METRIC_REJECTED = "rejectedLateBalances";

    /** Events refused because they would move a balance beyond TreasuryBounds. */
    public static final String METRIC_OUT_OF_BOUNDS = "outOfBoundsEvents";

    public static final String METRIC_TRANSITIONS = "transitions";

    /** Gauge: the agents with state on the subtask. */
    public static final String METRIC_LIVE_AGENTS = "liveAgents";

    private final TreasuryStepper stepper;
    private final CrashRules crash;
    private final Duration dedupTtl;
    private final long signalRetentionMillis;
    private final double maxDailyCostUsd;
    private final int maxAgentGauges;
    private final IdleKeys idle;

    private transient ValueState<TreasuryState> treasury;
    private transient MapState<String, Long> seen;
    private transient MapState<Long, List<TreasuryEvent>> buffer;
    private transient ValueState<KeyActivity> activity;
    private transient LiveKeys live;
    private transient CrashTimeline timeline;
    private transient Counter events;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter rejected;
    private transient Counter outOfBounds;
    private transient Counter transitions;
    private transient TreasuryGauges gauges;

    public TreasuryFunction(TreasuryRules rules, Duration dedupTtl, Duration signalRetention) {
        this(
                rules,
                dedupTtl,
                signalRetention,
                TreasuryOptions.MAX_AGENT_GAUGES.defaultValue(),
                TreasuryOptions.STATE_IDLE_RETENTION.defaultValue());
    }

    public TreasuryFunction(
            TreasuryRules rules,
            Duration dedupTtl,
            Duration signalRetention,
            int maxAgentGauges,
            Duration idleRetention) {
        this.stepper = new TreasuryStepper(rules);
        this.crash = rules.crash();
        this.dedupTtl = dedupTtl;
        this.signalRetentionMillis = signalRetention.toMillis();
        this.maxDailyCostUsd = rules.maxDailyCostUsd();
        this.maxAgentGauges = maxAgentGauges;
        this.idle = new IdleKeys(idleRetention);
    }

    @Override
    public void open(OpenContext openContext) {
        treasury = getRuntimeContext().getState(TreasuryJobState.TREASURY);
        seen = getRuntimeContext().getMapState(TreasuryJobState.seenEvents(dedupTtl));
        buffer = getRuntimeContext().getMapState(TreasuryJobState.BUFFER);
        activity = getRuntimeContext().getState(TreasuryJobState.ACTIVITY);
        live = new LiveKeys(getRuntimeContext().getMetricGroup(), METRIC_LIVE_AGENTS);
        events = getRuntimeContext().getMetricGroup().counter(METRIC_EVENTS);
        duplicates = getRuntimeContext().getMetricGroup().counter(METRIC_DUPLICATES);
        late = getRuntimeContext().getMetricGroup().counter(METRIC_LATE);
        rejected = getRuntimeContext().getMetricGroup().counter(METRIC_REJECTED);
        outOfBounds = getRuntimeContext().getMetricGroup().counter(METRIC_OUT_OF_BOUNDS);
        transitions = getRuntimeContext().getMetricGroup().counter(METRIC_TRANSITIONS);
        gauges =
                new TreasuryGauges(
                        getRuntimeContext().getMetricGroup(), maxAgentGauges, maxDailyCostUsd);
        // Rebuilt from the broadcast state on first use (it is not readable here).
        timeline = null;
    }

    @Override
    public void processElement(
            TreasuryEvent event, ReadOnlyContext ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        if (seen.contains(event.eventId)) {
            // Applied once already: kept as a dead letter so a retrying producer shows up.
            duplicates.inc();
            ctx.output(TreasuryJobState.REJECTED, TreasuryDeadLetters.duplicate(event));
            return;
        }
        seen.put(event.eventId, event.timestamp);
        events.inc();
        TreasuryState s = treasury.value();
        if (s == null) {
            s = new TreasuryState();
        }
        TimerService timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        if (TreasuryStepper.waits(event, watermark)) {
            List<TreasuryEvent> waiting = buffer.get(event.timestamp);
            if (waiting == null) {
                waiting = new ArrayList<>(1);
            }
            waiting.add(event);
            buffer.put(event.timestamp, waiting);
            timers.registerEventTimeTimer(event.timestamp);
            s.bufferedEvents++;
            // Nothing the gauges show changed: they follow the agent when the event is applied.
        } else {
            CrashTimeline market = timeline(ctx.getBroadcastState(TreasuryJobState.CRASH_SIGNALS));
            TreasuryOutputRouter emit = router(out, ctx::output);
            count(event, stepper.apply(s, event, market, emit));
            stepper.advanceTo(s, watermark, market, emit);
            schedule(s, timers, market);
            gauges.update(s);
        }
        treasury.update(s);
        KeyActivity before = activity.value();
        KeyActivity after = idle.onActivity(before, event.timestamp);
        if (IdleKeys.isNew(before)) {
            // Also an agent restored from a savepoint taken before the clean-up existed.
            timers.registerEventTimeTimer(after.timer);
        }
        if (live.touch(after.countedBy)) {
            after.countedBy = live.run();
        }
        activity.update(after);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        TreasuryState s = treasury.value();
        if (s == null) {
            return;
        }
        CrashTimeline market = timeline(ctx.getBroadcastState(TreasuryJobState.CRASH_SIGNALS));
        KeyActivity a = activity.value();
        if (idleCleanup(time, a, s, ctx.timerService(), market)) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        long closedBefore = s.ringLastDay;
        TreasuryOutputRouter emit = router(out, ctx::output);
        for (TreasuryEvent event : drainUpTo(time, watermark, a, ctx.timerService())) {
            s.bufferedEvents--;
            count(event, stepper.apply(s, event, market, emit));
        }
        stepper.advanceTo(s, watermark, market, emit);
        schedule(s, ctx.timerService(), market);
        treasury.update(s);
        gauges.update(s);
        if (s.ringLastDay != closedBefore) {
            // A day closed: once a day bounds the ids to about one TTL and a day.
            SeenIds.forgetExpired(seen);
        }
    }

    @Override
    public void processBroadcastElement(
            MarketSnapshot snapshot, Context ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        CrashRules.Signal signal = crash.signal(snapshot);
        if (signal == CrashRules.Signal.NONE) {
            return;
        }
        BroadcastState<Long, Boolean> signals =
                ctx.getBroadcastState(TreasuryJobState.CRASH_SIGNALS);
        CrashTimeline market = timeline(signals);
        boolean trigger = signal == CrashRules.Signal.TRIGGER;
        signals.put(snapshot.timestamp, trigger);
        market.put(snapshot.timestamp, trigger);
        for (Long removed : market.prune(signalRetentionMillis)) {
            signals.remove(removed);
        }
        gauges.marketCrashOverride(market.activeAt(Long.MAX_VALUE));
        LOG.debug("Crash signal {} at {}", signal, Instant.ofEpochMilli(snapshot.timestamp));
        TreasuryOutputRouter emit = router(out, ctx::output);
        ctx.applyToKeyedState(
                TreasuryJobState.TREASURY,
                (agent, state) -> {
                    TreasuryState s = state.value();
                    if (s != null && stepper.moveIdleAgent(s, market, emit)) {
                        state.update(s);
                    }
                    if (s != null) {
                        // Every agent: also those restored and not stepped since.
                        gauges.update(s);
                    }
                });
    }

    /**
     * Handles the agent's idle clean-up timer: clears an agent idle for the retention (and its
     * wake-up timer), or sets the next clean-up timer. Returns whether the agent was cleared.
     */
    private boolean idleCleanup(
            long time, KeyActivity a, TreasuryState s, TimerService timers, CrashTimeline market)
            throws Exception {
        IdleKeys.Fired fired = idle.onTimer(a, time);
        if (fired == IdleKeys.Fired.CLEAR && s.bufferedEvents > 0) {
            // Cannot happen (a buffered event is activity after the timer was set); kept safe.
            a.timer = time + idle.retentionMillis();
            fired = IdleKeys.Fired.RESCHEDULE;
        }
        switch (fired) {
            case CLEAR -> {
                long wake = stepper.nextWakeUp(s, market);
                if (wake != Long.MAX_VALUE) {
                    timers.deleteEventTimeTimer(wake);
                }
                live.idleCleared(a.countedBy);
                gauges.cleared(s.agentId);
                LOG.debug("Agent {} idle since {}: state cleared", s.agentId, a.lastActivity);
                treasury.clear();
                seen.clear();
                buffer.clear();
                activity.clear();
                return true;
            }
            case RESCHEDULE -> {
                timers.registerEventTimeTimer(a.timer);
                if (live.touch(a.countedBy)) {
                    a.countedBy = live.run();
                }
                activity.update(a);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** The live-agent count of this instance (tests). */
    LiveKeys liveKeys() {
        return live;
    }

    /** Counts an event applied late or rejected. */
    private void count(TreasuryEvent event, TreasuryEngine.Outcome outcome) {
        if (outcome == TreasuryEngine.Outcome.REJECTED_BOUNDS) {
            outOfBounds.inc();
            LOG.debug("Event {} of agent {}: {}", event.eventId, event.agentId, outcome);
            return;
        }
        if (outcome != TreasuryEngine.Outcome.APPLIED) {
            late.inc();
            if (outcome == TreasuryEngine.Outcome.REJECTED_LATE) {
                rejected.inc();
            }
            LOG.debug("Event {} of agent {}: {}", event.eventId, event.agentId, outcome);
        }
    }

    /**
     * Removes and returns the buffered events up to {@code watermark}, in application order, and
     * deletes their timers other than the one firing at {@code time}.
     */
    private List<TreasuryEvent> drainUpTo(
            long time, long watermark, KeyActivity a, TimerService timers) throws Exception {
        TreeMap<Long, List<TreasuryEvent>> due = new TreeMap<>();
        for (Map.Entry<Long, List<TreasuryEvent>> entry : buffer.entries()) {
            if (TreasuryStepper.isDue(entry.getKey(), watermark)) {
                due.put(entry.getKey(), entry.getValue());
            }
        }
        long cleanup = a == null ? Long.MIN_VALUE : a.timer;
        for (long t : due.keySet()) {
            buffer.remove(t);
            // Already due in this watermark's firing; removing it saves an empty call. Not the
            // idle clean-up's, which is the same timer when it falls on a buffered event's time,
            // and not the one firing, which is out of the queue already.
            if (t != cleanup && t != time) {
                timers.deleteEventTimeTimer(t);
            }
        }
        return TreasuryStepper.inOrder(due.values());
    }

    /** Registers the agent's next wake-up (day close or override change) if it is new. */
    private void schedule(TreasuryState s, TimerService timers, CrashTimeline market) {
        long wake = stepper.nextWakeUp(s, market);
        if (wake != Long.MAX_VALUE) {
            // Registering an existing timer is a no-op; a stale one fires and finds nothing due.
            timers.registerEventTimeTimer(wake);
        }
    }

    private CrashTimeline timeline(ReadOnlyBroadcastState<Long, Boolean> signals) throws Exception {
        if (timeline == null) {
            TreeMap<Long, Boolean> copy = new TreeMap<>();
            for (Map.Entry<Long, Boolean> e : signals.immutableEntries()) {
                copy.put(e.getKey(), e.getValue());
            }
            timeline = CrashTimeline.of(copy);
            gauges.marketCrashOverride(timeline.activeAt(Long.MAX_VALUE));
        }
        return timeline;
    }

    /** The gauges (tests). */
    TreasuryGauges gauges() {
        return gauges;
    }

    private TreasuryOutputRouter router(
            Collector<TreasurySnapshot> out, TreasuryOutputRouter.SideOutput side) {
        return new TreasuryOutputRouter(out, side, transitions);
    }
}
