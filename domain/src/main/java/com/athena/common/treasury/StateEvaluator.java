package com.athena.common.treasury;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules applied after every step: runway, emotional state with hysteresis, survival mode under
 * the crash override; emits the transitions (with their reasons) and the step's snapshot.
 */
final class StateEvaluator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreasuryRules rules;
    private final TransitionReasons reasons;
    private final TreasuryRecords records;

    StateEvaluator(TreasuryRules rules, TreasuryRecords records) {
        this.rules = rules;
        this.reasons = new TransitionReasons(rules);
        this.records = records;
    }

    /**
     * Re-evaluates runway, emotional state and survival mode at {@code time} with {@code burn},
     * emits the transitions (with the cost-saving one, if any) and the snapshot of the step.
     */
    void evaluate(
            TreasuryState s,
            long time,
            double burn,
            String trigger,
            SnapshotType snapshotType,
            TransitionEvent costSaving,
            boolean overrideBefore,
            TreasuryOutput out) {
        s.sequence++;
        s.burnRate = burn;
        s.runway = TreasuryEngine.runway(s.balance, burn);
        EmotionalState previous = s.emotionalState;
        boolean previousSurvival = s.survivalMode;
        EmotionalState previousBase = s.baseState;
        s.baseState = rules.next(s.baseState, s.runway);
        s.emotionalState = s.crashOverride ? EmotionalState.DESPERATE : s.baseState;
        s.survivalMode = s.emotionalState == EmotionalState.DESPERATE;

        List<TreasuryTransition> transitions = new ArrayList<>(3);
        // Formatted only for a transition: most steps have none, and formatting costs more than
        // the step.
        String why =
                s.emotionalState != previous || s.survivalMode != previousSurvival
                        ? reasons.state(s, previousBase, overrideBefore)
                        : null;
        if (s.emotionalState != previous) {
            transitions.add(
                    records.transition(
                            s,
                            time,
                            TransitionEvent.EMOTIONAL_STATE_CHANGED,
                            EmotionalState.label(previous),
                            s.emotionalState.label(),
                            why,
                            trigger));
        }
        if (s.survivalMode != previousSurvival) {
            transitions.add(
                    records.transition(
                            s,
                            time,
                            TransitionEvent.mode(TransitionType.SURVIVAL_MODE, s.survivalMode),
                            String.valueOf(previousSurvival),
                            String.valueOf(s.survivalMode),
                            why,
                            trigger));
        }
        if (costSaving != null) {
            boolean on = costSaving.activates();
            transitions.add(
                    records.transition(
                            s,
                            time,
                            costSaving,
                            String.valueOf(!on),
                            String.valueOf(on),
                            reasons.costSaving(s, on),
                            trigger));
        }
        for (TreasuryTransition t : transitions) {
            out.transition(t);
        }
        out.snapshot(records.snapshot(s, time, snapshotType, trigger, transitions));
    }
}
