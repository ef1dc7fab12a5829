package com.athena.jobs.treasury;

import com.athena.common.deadletter.DeadLetter;
import com.athena.common.json.JsonFields;
import com.athena.common.market.MarketSnapshot;
import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.CrashRules;
import com.athena.common.treasury.CrashTimeline;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEngine;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryEventType;
import com.athena.common.treasury.TreasuryOutput;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryState;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The treasury of each agent, in event time: loads the agent's state, lets {@link TreasuryEngine}
 * apply what is due, saves it, and routes the output (snapshots on the main output; transitions,
 * costs, daily costs and rejected events on side outputs).
 *
 * <ul>
 *   <li>A new event id is remembered for the de-duplication TTL; an id seen before is a duplicate,
 *       not applied again but kept as a dead letter ({@value #METRIC_DUPLICATES}).
 *   <li>An event after the watermark waits in the buffer under an event-time timer at its time;
 *       when the watermark passes, every buffered event up to it is applied in (time, event id)
 *       order, then the agent is advanced to the watermark (day closes, override changes). An event
 *       at or before the watermark is applied at once ({@value #METRIC_LATE} if it is behind the
 *       agent).
 *   <li>The agent keeps one wake-up timer: the close of its open day, or the next change of the
 *       market-crash override, whichever comes first.
 *   <li>Market snapshots (broadcast) add crash signals; an agent with nothing pending before the
 *       change is moved to it at once, the others when their timers fire.
 * </ul>
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
    public static final String METRIC_TRANSITIONS = "transitions";

    /** Orders events of the same time deterministically, whatever their arrival order. */
    static final Comparator<TreasuryEvent> ORDER =
            Comparator.<TreasuryEvent>comparingLong(e -> e.timestamp).thenComparing(e -> e.eventId);

    private final TreasuryEngine engine;
    private final CrashRules crash;
    private final Duration dedupTtl;
    private final long signalRetentionMillis;

    private transient ValueState<TreasuryState> treasury;
    private transient MapState<String, Long> seen;
    private transient MapState<Long, List<TreasuryEvent>> buffer;
    private transient CrashTimeline timeline;
    private transient Counter events;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter rejected;
    private transient Counter transitions;

    public TreasuryFunction(TreasuryRules rules, Duration dedupTtl, Duration signalRetention) {
        this.engine = new TreasuryEngine(rules);
        this.crash = rules.crash();
        this.dedupTtl = dedupTtl;
        this.signalRetentionMillis = signalRetention.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        treasury = getRuntimeContext().getState(TreasuryJobState.TREASURY);
        seen = getRuntimeContext().getMapState(TreasuryJobState.seenEvents(dedupTtl));
        buffer = getRuntimeContext().getMapState(TreasuryJobState.BUFFER);
        events = getRuntimeContext().getMetricGroup().counter(METRIC_EVENTS);
        duplicates = getRuntimeContext().getMetricGroup().counter(METRIC_DUPLICATES);
        late = getRuntimeContext().getMetricGroup().counter(METRIC_LATE);
        rejected = getRuntimeContext().getMetricGroup().counter(METRIC_REJECTED);
        transitions = getRuntimeContext().getMetricGroup().counter(METRIC_TRANSITIONS);
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
            ctx.output(
                    TreasuryJobState.REJECTED,
                    new DeadLetter(
                            TreasuryNames.DLQ_DUPLICATES,
                            event.agentId + "/" + event.eventId,
                            event.timestamp,
                            "duplicate event_id " + event.eventId + ": already applied, not again",
                            json(event)));
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
        if (event.timestamp > watermark) {
            List<TreasuryEvent> waiting = buffer.get(event.timestamp);
            if (waiting == null) {
                waiting = new ArrayList<>(1);
            }
            waiting.add(event);
            buffer.put(event.timestamp, waiting);
            timers.registerEventTimeTimer(event.timestamp);
            s.bufferedEvents++;
        } else {
            // The watermark has passed it: nothing older can still come, so apply it now.
            CrashTimeline market = timeline(ctx.getBroadcastState(TreasuryJobState.CRASH_SIGNALS));
            Emitter emit = emitter(out, ctx::output);
            apply(s, event, market, emit);
            engine.advance(s, watermark, true, market, emit);
            schedule(s, timers, market);
        }
        treasury.update(s);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<TreasurySnapshot> out)
            throws Exception {
        TreasuryState s = treasury.value();
        if (s == null) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        CrashTimeline market = timeline(ctx.getBroadcastState(TreasuryJobState.CRASH_SIGNALS));
        Emitter emit = emitter(out, ctx::output);
        for (TreasuryEvent event : drainUpTo(watermark, ctx.timerService())) {
            s.bufferedEvents--;
            apply(s, event, market, emit);
        }
        engine.advance(s, watermark, true, market, emit);
        schedule(s, ctx.timerService(), market);
        treasury.update(s);
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
        LOG.debug("Crash signal {} at {}", signal, Instant.ofEpochMilli(snapshot.timestamp));
        Emitter emit = emitter(out, ctx::output);
        ctx.applyToKeyedState(
                TreasuryJobState.TREASURY,
                (agent, state) -> {
                    TreasuryState s = state.value();
                    if (s != null && moveIdleAgent(s, market, emit)) {
                        state.update(s);
                    }
                });
    }

    /**
     * Applies the override changes to an agent that has nothing pending before them (no buffered
     * event, no day to close first): no timer of its own would wake it. Returns whether it moved.
     */
    private boolean moveIdleAgent(TreasuryState s, CrashTimeline market, Emitter emit) {
        if (s.bufferedEvents > 0) {
            return false;
        }
        boolean moved = false;
        while (true) {
            long wake = engine.nextWakeUp(s, market);
            boolean closesFirst =
                    s.openDay != TreasuryState.NONE && TreasuryEngine.closeTime(s.openDay) <= wake;
            if (wake == Long.MAX_VALUE || closesFirst) {
                return moved;
            }
            engine.advance(s, wake, true, market, emit);
            moved = true;
        }
    }

    private void apply(TreasuryState s, TreasuryEvent event, CrashTimeline market, Emitter emit) {
        TreasuryEngine.Outcome outcome = engine.onEvent(s, event, market, emit);
        if (outcome != TreasuryEngine.Outcome.APPLIED) {
            late.inc();
            if (outcome == TreasuryEngine.Outcome.REJECTED_LATE) {
                rejected.inc();
            }
            LOG.debug("Event {} of agent {}: {}", event.eventId, event.agentId, outcome);
        }
    }

    /** Removes and returns the buffered events up to {@code watermark}, in application order. */
    private List<TreasuryEvent> drainUpTo(long watermark, TimerService timers) throws Exception {
        TreeMap<Long, List<TreasuryEvent>> due = new TreeMap<>();
        for (Map.Entry<Long, List<TreasuryEvent>> entry : buffer.entries()) {
            if (entry.getKey() <= watermark) {
                due.put(entry.getKey(), entry.getValue());
            }
        }
        List<TreasuryEvent> result = new ArrayList<>();
        for (Map.Entry<Long, List<TreasuryEvent>> entry : due.entrySet()) {
            buffer.remove(entry.getKey());
            // Already due in this watermark's firing; removing it saves an empty call.
            timers.deleteEventTimeTimer(entry.getKey());
            result.addAll(entry.getValue());
        }
        result.sort(ORDER);
        return result;
    }

    /** Registers the agent's next wake-up (day close or override change) if it is new. */
    private void schedule(TreasuryState s, TimerService timers, CrashTimeline market) {
        long wake = engine.nextWakeUp(s, market);
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
        }
        return timeline;
    }

    private Emitter emitter(Collector<TreasurySnapshot> out, SideOutput side) {
        return new Emitter(out, side, transitions);
    }

    /** A context's side output: ReadOnlyContext and Context share no public supertype for it. */
    interface SideOutput {
        void output(OutputTag<Object> tag, Object value);
    }

    /** Routes the engine's output to the function's outputs. */
    static final class Emitter implements TreasuryOutput {
        private final Collector<TreasurySnapshot> out;
        private final SideOutput side;
        private final Counter transitions;

        Emitter(Collector<TreasurySnapshot> out, SideOutput side, Counter transitions) {
            this.out = out;
            this.side = side;
            this.transitions = transitions;
        }

        @Override
        public void snapshot(TreasurySnapshot snapshot) {
            out.collect(snapshot);
        }

        @Override
        public void transition(TreasuryTransition transition) {
            transitions.inc();
            LOG.info(
                    "Agent {} {}: {} -> {} ({})",
                    transition.agentId,
                    transition.transitionType,
                    transition.from,
                    transition.to,
                    transition.reason);
            emit(TreasuryJobState.TRANSITIONS, transition);
        }

        @Override
        public void cost(CostRecord cost) {
            emit(TreasuryJobState.COSTS, cost);
        }

        @Override
        public void dailyCost(DailyCost dailyCost) {
            emit(TreasuryJobState.DAILY_COSTS, dailyCost);
        }

        @Override
        public void rejected(TreasuryEvent event, String reason) {
            emit(
                    TreasuryJobState.REJECTED,
                    new DeadLetter(
                            TreasuryNames.DLQ_LATE_BALANCES,
                            event.agentId + "/" + event.eventId,
                            event.timestamp,
                            reason,
                            json(event)));
        }

        @SuppressWarnings("unchecked")
        private <X> void emit(OutputTag<X> tag, X value) {
            side.output((OutputTag<Object>) (OutputTag<?>) tag, value);
        }
    }

    /** The rejected event as JSON, for its dead letter (the raw payload is not kept). */
    static String json(TreasuryEvent e) {
        ObjectNode json = JsonFields.MAPPER.createObjectNode();
        json.put("event_id", e.eventId)
                .put("agent_id", e.agentId)
                .put("timestamp", Instant.ofEpochMilli(e.timestamp).toString())
                .put("type", e.type.label());
        if (!Double.isNaN(e.balanceUsd)) {
            json.put("balance_usd", e.balanceUsd);
        }
        if (!Double.isNaN(e.burnEstimate)) {
            json.put("daily_burn_rate", e.burnEstimate);
        }
        if (e.type != TreasuryEventType.BALANCE) {
            json.put("amount", e.amount);
        }
        if (e.costType != null) {
            json.put("cost_type", e.costType);
        }
        if (e.operation != null) {
            json.put("operation", e.operation);
        }
        if (e.model != null) {
            json.put("model", e.model);
        }
        return json.toString();
    }
}
