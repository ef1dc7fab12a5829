package com.athena.common.connectors;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one retry policy of the sinks, with a recording sleeper instead of real waits. */
class RetryPolicyTest {

    /** A failure the callers below consider worth retrying. */
    static final class Transient extends IOException {
        Transient(String message) {
            super(message);
        }
    }

    private final List<Long> slept = new ArrayList<>();
    private final List<String> retries = new ArrayList<>();

    private RetryPolicy policy(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofMillis(350))
                .withSleeper(slept::add);
    }

    private void retrying(int attempt, long delayMillis, IOException failure) {
        retries.add(attempt + ":" + delayMillis + ":" + failure.getMessage());
    }

    private static IOException exhausted(int attempts, IOException failure) {
        return new IOException("gave up after " + attempts + " attempts", failure);
    }

    @Test
    void backoffStartsAtTheInitialDelayAndDoublesUpToTheCap() {
        RetryPolicy p = policy(5);
        assertThat(p.delayMillis(1)).isEqualTo(100);
        assertThat(p.delayMillis(2)).isEqualTo(200);
        assertThat(p.delayMillis(3)).isEqualTo(350);
        assertThat(p.delayMillis(40)).isEqualTo(350);
        RetryPolicy zero = new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(1));
        assertThat(zero.delayMillis(1)).isZero();
        assertThat(zero.delayMillis(5)).isZero();
    }

    @Test
    void maxAttemptsCountsTheFirstAttemptAndOfRetriesDoesNot() {
        assertThat(policy(3).maxAttempts()).isEqualTo(3);
        assertThat(policy(3).allowsAnotherAttempt(2)).isTrue();
        assertThat(policy(3).allowsAnotherAttempt(3)).isFalse();
        RetryPolicy retries = RetryPolicy.ofRetries(5, Duration.ZERO, Duration.ZERO);
        assertThat(retries.maxAttempts()).isEqualTo(6);
        assertThat(retries.allowsAnotherAttempt(5)).isTrue();
        assertThat(retries.allowsAnotherAttempt(6)).isFalse();
        assertThat(RetryPolicy.ofRetries(0, Duration.ZERO, Duration.ZERO).maxAttempts())
                .isEqualTo(1);
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.ofRetries(-1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retriesRetryableFailuresWithBackoffUntilTheCallSucceeds() throws Exception {
        String result =
                policy(4)
                        .call(
                                attempt -> {
                                    if (attempt < 4) {
                                        throw new Transient("fail " + attempt);
                                    }
                                    return "ok at " + attempt;
                                },
                                e -> e instanceof Transient,
                                this::retrying,
                                RetryPolicyTest::exhausted);
        assertThat(result).isEqualTo("ok at 4");
        assertThat(slept).containsExactly(100L, 200L, 350L);
        assertThat(retries).containsExactly("1:100:fail 1", "2:200:fail 2", "3:350:fail 3");
    }

    @Test
    void throwsTheListenersExceptionAfterTheLastAttempt() {
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                policy(3)
                                        .call(
                                                attempt -> {
                                                    calls[0]++;
                                                    throw new Transient("fail " + attempt);
                                                },
                                                e -> e instanceof Transient,
                                                this::retrying,
                                                RetryPolicyTest::exhausted))
                .isInstanceOf(IOException.class)
                .hasMessage("gave up after 3 attempts")
                .cause()
                .hasMessage("fail 3");
        assertThat(calls[0]).isEqualTo(3);
        assertThat(slept).containsExactly(100L, 200L);
    }

    @Test
    void throwsANonRetryableFailureAtOnceUnchanged() {
        IOException permanent = new IOException("permanent");
        assertThatThrownBy(
                        () ->
                                policy(5)
                                        .call(
                                                attempt -> {
                                                    throw permanent;
                                                },
                                                e -> e instanceof Transient,
                                                this::retrying,
                                                RetryPolicyTest::exhausted))
                .isSameAs(permanent);
        assertThat(slept).isEmpty();
        assertThat(retries).isEmpty();
    }

    @Test
    void neverRetriesUncheckedExceptions() {
        int[] calls = {0};
        assertThatThrownBy(
                        () ->
                                policy(5)
                                        .<String, IOException>call(
                                                attempt -> {
                                                    calls[0]++;
                                                    throw new IllegalStateException("bug");
                                                },
                                                e -> true,
                                                this::retrying,
                                                RetryPolicyTest::exhausted))
                .isInstanceOf(IllegalStateException.class);
        assertThat(calls[0]).isEqualTo(1);
    }
}
