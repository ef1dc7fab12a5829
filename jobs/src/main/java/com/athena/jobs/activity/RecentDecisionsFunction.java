package com.athena.jobs.activity;

import com.athena.common.activity.EnrichedDecision;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Keyed by agent: keeps the agent's {@code limit} most recent decisions by event time (ties by
 * decision id) and emits the list after each decision, for Firestore's {@code
 * agent_data_decisions}. State per agent is bounded by the limit.
 */
public class RecentDecisionsFunction
        extends KeyedProcessFunction<String, EnrichedDecision, RecentDecisions> {
    private static final long serialVersionUID = 1L;

    public static final String RECENT = "recent-decisions";

    private static final Comparator<EnrichedDecision> NEWEST_FIRST =
            Comparator.<EnrichedDecision>comparingLong(d -> d.decision.timestamp)
                    .thenComparing(d -> d.decision.decisionId)
                    .reversed();

    private final int limit;
    private transient ValueState<RecentDecisions> recent;

    public RecentDecisionsFunction(int limit) {
        this.limit = limit;
    }

    @Override
    public void open(OpenContext openContext) {
        recent =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        RECENT, TypeInformation.of(RecentDecisions.class)));
    }

    @Override
    public void processElement(EnrichedDecision d, Context ctx, Collector<RecentDecisions> out)
            throws Exception {
        RecentDecisions current = recent.value();
        List<EnrichedDecision> list =
                current == null
                        ? new ArrayList<>()
                        : new ArrayList<>(Arrays.asList(current.decisions));
        list.removeIf(known -> known.decision.decisionId.equals(d.decision.decisionId));
        list.add(d);
        list.sort(NEWEST_FIRST);
        if (list.size() > limit) {
            list = new ArrayList<>(list.subList(0, limit));
        }
        RecentDecisions next = new RecentDecisions();
        next.agentId = d.decision.agentId;
        next.timestamp = list.get(0).decision.timestamp;
        next.decisions = list.toArray(new EnrichedDecision[0]);
        recent.update(next);
        out.collect(next);
    }
}
