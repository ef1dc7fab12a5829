package com.athena.common.treasury;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects what the engine emits, for assertions. */
final class Recorder implements TreasuryOutput {
    final List<TreasurySnapshot> snapshots = new ArrayList<>();
    final List<TreasuryTransition> transitions = new ArrayList<>();
    final List<CostRecord> costs = new ArrayList<>();
    final List<DailyCost> dailyCosts = new ArrayList<>();
    final List<String> rejected = new ArrayList<>();

    @Override
    public void snapshot(TreasurySnapshot snapshot) {
        snapshots.add(snapshot);
    }

    @Override
    public void transition(TreasuryTransition transition) {
        transitions.add(transition);
    }

    @Override
    public void cost(CostRecord cost) {
        costs.add(cost);
    }

    @Override
    public void dailyCost(DailyCost dailyCost) {
        dailyCosts.add(dailyCost);
    }

    @Override
    public void rejected(TreasuryEvent event, String reason) {
        rejected.add(event.eventId + ": " + reason);
    }

    List<TreasurySnapshot> closes() {
        return snapshots.stream()
                .filter(s -> TreasurySnapshot.DAY_CLOSE.equals(s.snapshotType))
                .collect(Collectors.toList());
    }

    TreasurySnapshot last() {
        return snapshots.get(snapshots.size() - 1);
    }

    List<String> transitionsOf(String type) {
        return transitions.stream()
                .filter(t -> t.transitionType.equals(type))
                .map(t -> t.from + "->" + t.to)
                .collect(Collectors.toList());
    }
}
