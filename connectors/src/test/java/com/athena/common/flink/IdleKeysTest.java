package com.athena.common.flink;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link IdleKeys}: one timer per key, re-armed lazily; and {@link LiveKeys}' counting. */
class IdleKeysTest {
    private final IdleKeys idle = new IdleKeys(Duration.ofMillis(100));

    @Test
    void aNewKeyGetsOneTimerAtItsActivityPlusTheRetention() {
        KeyActivity a = idle.onActivity(null, 1_000);
        assertThat(IdleKeys.isNew(null)).isTrue();
        assertThat(a.lastActivity).isEqualTo(1_000);
        assertThat(a.timer).isEqualTo(1_100);
    }

    @Test
    void activityMovesOnlyTheLastActivityAndTheTimerReArmsWhenItFires() {
        KeyActivity a = idle.onActivity(null, 1_000);
        assertThat(idle.onActivity(a, 1_050)).isSameAs(a);
        idle.onActivity(a, 1_020); // out of order: never moves the clock back
        assertThat(a.lastActivity).isEqualTo(1_050);
        assertThat(a.timer).as("unchanged by activity").isEqualTo(1_100);

        assertThat(idle.onTimer(a, 1_100)).isEqualTo(IdleKeys.Fired.RESCHEDULE);
        assertThat(a.timer).isEqualTo(1_150);
        assertThat(idle.onTimer(a, 1_150)).isEqualTo(IdleKeys.Fired.CLEAR);
    }

    @Test
    void otherTimersOfTheKeyAreNotTheCleanup() {
        KeyActivity a = idle.onActivity(null, 1_000);
        assertThat(idle.onTimer(a, 1_060)).isEqualTo(IdleKeys.Fired.NOT_CLEANUP);
        assertThat(idle.onTimer(null, 1_100)).isEqualTo(IdleKeys.Fired.NOT_CLEANUP);
    }

    @Test
    void timesNearTheEndOfTimeSaturate() {
        KeyActivity a = idle.onActivity(null, Long.MAX_VALUE - 10);
        assertThat(a.timer).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void retentionMustBePositive() {
        assertThatThrownBy(() -> new IdleKeys(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void liveKeysCountEachKeyOnceAndNeverSubtractAKeyTheyDidNotCount() {
        LiveKeys live = new LiveKeys(new UnregisteredMetricsGroup(), "live");
        assertThat(live.run()).isNotZero();
        KeyActivity a = idle.onActivity(null, 0);
        assertThat(live.touch(a.countedBy)).isTrue();
        a.countedBy = live.run();
        assertThat(live.touch(a.countedBy)).isFalse();
        assertThat(live.live()).isEqualTo(1);

        // Restored state counted by an earlier instance: counted here on its first touch.
        assertThat(live.touch(12345L)).isTrue();
        assertThat(live.live()).isEqualTo(2);
        // Cleared before this instance counted it: not subtracted.
        live.idleCleared(0L);
        assertThat(live.live()).isEqualTo(2);
        live.idleCleared(a.countedBy);
        live.removed(live.run());
        assertThat(live.live()).isZero();
        assertThat(live.idleClearedCount()).isEqualTo(2);
    }
}
