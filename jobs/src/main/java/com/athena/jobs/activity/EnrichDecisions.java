package com.athena.jobs.activity;

import com.athena.common.activity.ActivityEvent;
import com.athena.common.activity.AgentContext;
import com.athena.common.activity.EnrichedDecision;
import com.athena.common.activity.MarketCondition;
import com.athena.common.activity.Timelines;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The event-time join of decisions with the agent's treasury context and the market condition.
 *
 * <p>Keyed by agent, the decisions and the agent's transitions come in; the market conditions are
 * broadcast, each symbol's recent history in broadcast state. A decision waits in state until the
 * watermark (the least of the activity, transitions and conditions inputs) passes its event time;
 * then every transition and condition up to that time has arrived, and the decision takes the
 * latest transition and the latest condition of its symbol at or before its event time. What it
 * takes therefore does not depend on arrival order. A decision at or behind the watermark when it
 * arrives is joined at once with what is known.
 *
 * <p>State stays bounded: decisions leave state when joined, with their timer; the agent's
 * transitions before the latest one at or before the last joined decision (or the watermark, when a
 * transition arrives) are dropped (no later decision can need them); each symbol's conditions older
 * than {@code retention} before its newest are dropped, the latest of them kept.
 */
public class EnrichDecisions
        extends KeyedBroadcastProcessFunction<
                String, AgentInput, MarketCondition, EnrichedDecision> {
    private static final long serialVersionUID = 1L;

    /** Broadcast state: symbol to its conditions, sorted by event time. */
    public static final MapStateDescriptor<String, MarketCondition[]> CONDITIONS =
            new MapStateDescriptor<>(
                    "market-conditions",
                    Types.STRING,
                    Types.OBJECT_ARRAY(TypeInformation.of(MarketCondition.class)));

    /** State names: never change, savepoints find the state by them. */
    public static final String PENDING = "pending-decisions";

    public static final String CONTEXTS = "agent-contexts";

    private final String defaultSymbol;
    private final long retentionMillis;

    private transient ListState<ActivityEvent> pending;
    private transient ListState<AgentContext> contexts;

    public EnrichDecisions(String defaultSymbol, long retentionMillis) {
        this.defaultSymbol = defaultSymbol;
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        PENDING, TypeInformation.of(ActivityEvent.class)));
        contexts =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        CONTEXTS, TypeInformation.of(AgentContext.class)));
    }

    @Override
    public void processElement(AgentInput in, ReadOnlyContext ctx, Collector<EnrichedDecision> out)
            throws Exception {
        if (in.context != null) {
            List<AgentContext> history = contextHistory();
            for (AgentContext known : history) {
                if (known.transitionId.equals(in.context.transitionId)) {
                    return; // the treasury's at-least-once sink repeats transitions on restart
                }
            }
            Timelines.insert(history, in.context, c -> c.timestamp);
            Timelines.prune(history, ctx.timerService().currentWatermark(), c -> c.timestamp);
            contexts.update(history);
            return;
        }
        ActivityEvent decision = in.decision;
        long watermark = ctx.timerService().currentWatermark();
        if (decision.timestamp <= watermark) {
            out.collect(join(decision, contextHistory(), ctx.getBroadcastState(CONDITIONS)));
            return;
        }
        pending.add(decision);
        ctx.timerService().registerEventTimeTimer(decision.timestamp);
    }

    @Override
    public void processBroadcastElement(
            MarketCondition condition, Context ctx, Collector<EnrichedDecision> out)
            throws Exception {
        BroadcastState<String, MarketCondition[]> state = ctx.getBroadcastState(CONDITIONS);
        MarketCondition[] known = state.get(condition.symbol);
        List<MarketCondition> history =
                known == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(known));
        if (history.contains(condition)) {
            return;
        }
        Timelines.insert(history, condition, c -> c.timestamp);
        long newest = history.get(history.size() - 1).timestamp;
        Timelines.prune(history, newest - retentionMillis, c -> c.timestamp);
        state.put(condition.symbol, history.toArray(new MarketCondition[0]));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedDecision> out)
            throws Exception {
        List<AgentContext> history = contextHistory();
        List<ActivityEvent> due = new ArrayList<>();
        List<ActivityEvent> waiting = new ArrayList<>();
        for (ActivityEvent decision : pending.get()) {
            (decision.timestamp <= timestamp ? due : waiting).add(decision);
        }
        // Same event time: in the order of their ids, so the output does not depend on arrival.
        due.sort(
                Comparator.<ActivityEvent>comparingLong(d -> d.timestamp)
                        .thenComparing(d -> d.eventId));
        ReadOnlyBroadcastState<String, MarketCondition[]> conditions =
                ctx.getBroadcastState(CONDITIONS);
        for (ActivityEvent decision : due) {
            out.collect(join(decision, history, conditions));
        }
        if (waiting.isEmpty()) {
            pending.clear();
        } else {
            pending.update(waiting);
        }
        // Not the watermark: it may already be far past the decisions whose timers fire after
        // this one in the same advance. Every decision still to join is later than this timer.
        int before = history.size();
        Timelines.prune(history, timestamp, c -> c.timestamp);
        if (history.size() != before) {
            contexts.update(history);
        }
    }

    private EnrichedDecision join(
            ActivityEvent decision,
            List<AgentContext> history,
            ReadOnlyBroadcastState<String, MarketCondition[]> conditions)
            throws Exception {
        String symbol = decision.symbol != null ? decision.symbol : defaultSymbol;
        MarketCondition[] known = conditions.get(symbol);
        MarketCondition market =
                known == null
                        ? null
                        : Timelines.atOrBefore(
                                Arrays.asList(known), decision.timestamp, c -> c.timestamp);
        AgentContext context = Timelines.atOrBefore(history, decision.timestamp, c -> c.timestamp);
        return EnrichedDecision.of(decision, symbol, context, market);
    }

    private List<AgentContext> contextHistory() throws Exception {
        List<AgentContext> history = new ArrayList<>();
        for (AgentContext c : contexts.get()) {
            history.add(c);
        }
        return history;
    }
}
