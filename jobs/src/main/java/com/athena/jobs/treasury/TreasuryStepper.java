package com.athena.jobs.treasury;

import com.athena.common.treasury.CrashTimeline;
import com.athena.common.treasury.TreasuryEngine;
import com.athena.common.treasury.TreasuryEvent;
import com.athena.common.treasury.TreasuryOutput;
import com.athena.common.treasury.TreasuryRules;
import com.athena.common.treasury.TreasuryState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The treasury function's decisions in event time, without Flink: which event waits for the
 * watermark, in what order buffered events apply, how far an agent is advanced, and when an agent
 * with nothing pending follows the crash override at once. The function only loads the state, calls
 * this, saves the state and routes the output.
 */
final class TreasuryStepper implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Orders events of the same time deterministically, whatever their arrival order. */
    static final Comparator<TreasuryEvent> ORDER =
            Comparator.<TreasuryEvent>comparingLong(e -> e.timestamp).thenComparing(e -> e.eventId);

    private final TreasuryEngine engine;

    TreasuryStepper(TreasuryRules rules) {
        this.engine = new TreasuryEngine(rules);
    }

    /**
     * Whether an event waits in the buffer: it is after the watermark, so an older one may still
     * come. At or before the watermark nothing older can, and it is applied at once.
     */
    static boolean waits(TreasuryEvent event, long watermark) {
        return event.timestamp > watermark;
    }

    /** Whether the events buffered at {@code time} are due at {@code watermark}. */
    static boolean isDue(long time, long watermark) {
        return time <= watermark;
    }

    /** The due events of several buffer entries, in application order. */
    static List<TreasuryEvent> inOrder(Collection<List<TreasuryEvent>> due) {
        List<TreasuryEvent> result = new ArrayList<>();
        for (List<TreasuryEvent> events : due) {
            result.addAll(events);
        }
        result.sort(ORDER);
        return result;
    }

    /** Applies one event to the agent. */
    TreasuryEngine.Outcome apply(
            TreasuryState s, TreasuryEvent event, CrashTimeline market, TreasuryOutput out) {
        return engine.onEvent(s, event, market, out);
    }

    /** Moves the agent to the watermark: day closes and override changes at or before it. */
    void advanceTo(TreasuryState s, long watermark, CrashTimeline market, TreasuryOutput out) {
        engine.advance(s, watermark, true, market, out);
    }

    /** The agent's next wake-up (day close or override change); {@link Long#MAX_VALUE}: none. */
    long nextWakeUp(TreasuryState s, CrashTimeline market) {
        return engine.nextWakeUp(s, market);
    }

    /**
     * Applies the override changes to an agent that has nothing pending before them (no buffered
     * event, no day to close first): no timer of its own would wake it. Returns whether it moved.
     */
    boolean moveIdleAgent(TreasuryState s, CrashTimeline market, TreasuryOutput out) {
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
            engine.advance(s, wake, true, market, out);
            moved = true;
        }
    }
}
