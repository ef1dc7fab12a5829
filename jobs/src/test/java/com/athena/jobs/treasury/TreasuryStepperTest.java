package com.athena.jobs.treasury;

import com.athena.common.treasury.TreasuryEvent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The treasury function's event-time decisions, without Flink. */
class TreasuryStepperTest {

    private static TreasuryEvent cost(String id, long t) {
        return TreasuryEvent.cost(id, "a", t, 1.0, "llm_cost");
    }

    @Test
    void anEventWaitsOnlyWhileItIsAfterTheWatermark() {
        assertThat(TreasuryStepper.waits(cost("x", 101), 100)).isTrue();
        assertThat(TreasuryStepper.waits(cost("x", 100), 100)).isFalse();
        assertThat(TreasuryStepper.isDue(100, 100)).isTrue();
        assertThat(TreasuryStepper.isDue(101, 100)).isFalse();
    }

    @Test
    void dueEventsApplyInTimeThenEventIdOrder() {
        List<TreasuryEvent> ordered =
                TreasuryStepper.inOrder(
                        List.of(List.of(cost("b", 20), cost("a", 20)), List.of(cost("z", 10))));
        assertThat(ordered).extracting(e -> e.eventId).containsExactly("z", "a", "b");
    }
}
