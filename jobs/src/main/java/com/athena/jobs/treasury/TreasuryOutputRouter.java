package com.athena.jobs.treasury;

import com.athena.common.treasury.CostRecord;
import com.athena.common.treasury.DailyCost;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryOutput;
import com.athena.common.treasury.TreasurySnapshot;
import com.athena.common.treasury.TreasuryTransition;

import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes what {@link com.athena.common.treasury.TreasuryEngine} produces to the treasury function's
 * outputs: snapshots on the main output; transitions, costs, daily costs and rejected events on
 * their side outputs ({@link TreasuryJobState}).
 */
final class TreasuryOutputRouter implements TreasuryOutput {
    private static final Logger LOG = LoggerFactory.getLogger(TreasuryFunction.class);

    /** A context's side output: ReadOnlyContext and Context share no public supertype for it. */
    interface SideOutput {
        void output(OutputTag<Object> tag, Object value);
    }

    private final Collector<TreasurySnapshot> out;
    private final SideOutput side;
    private final Counter transitions;

    TreasuryOutputRouter(Collector<TreasurySnapshot> out, SideOutput side, Counter transitions) {
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
        // DEBUG: every transition is a record of the transitions output and counts in a metric;
        // at INFO each agent's mood change would be a log line.
        LOG.debug(
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
        emit(TreasuryJobState.REJECTED, TreasuryDeadLetters.lateBalance(event, reason));
    }

    @Override
    public void outOfBounds(TreasuryEvent event, String reason) {
        emit(TreasuryJobState.REJECTED, TreasuryDeadLetters.outOfBounds(event, reason));
    }

    @SuppressWarnings("unchecked")
    private <X> void emit(OutputTag<X> tag, X value) {
        side.output((OutputTag<Object>) (OutputTag<?>) tag, value);
    }
}
