package com.athena.common.connectors;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * How every sink of the project retries: a bounded number of attempts with exponential backoff.
 *
 * <p><b>Counting.</b> {@link #maxAttempts()} counts every attempt, <em>the first included</em>: a
 * policy of 3 attempts makes the call at most 3 times, that is at most 2 retries. {@link
 * #ofRetries} builds a policy from a number of retries that excludes the first attempt ({@code
 * retries + 1} attempts), for options that were always counted that way.
 *
 * <p><b>Backoff.</b> After failed attempt {@code n} (1-based) the policy waits {@code
 * min(maxBackoff, initialBackoff × 2^(n-1))}: the initial delay, then doubling, capped.
 *
 * <p><b>What is retried</b> is the caller's decision: {@link #call} takes a predicate over the
 * attempt's (checked) failure; a failure it rejects is thrown at once, unchanged. Unchecked
 * exceptions are never retried.
 *
 * <p>Serializable, so that a sink can carry it to the task managers. The sleeper is injectable so
 * that tests do not really wait.
 */
public final class RetryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One attempt of the call; {@code attempt} is 1-based. */
    @FunctionalInterface
    public interface Attempt<T, X extends Exception> {
        T run(int attempt) throws X, InterruptedException;
    }

    /** Told of each retry: attempt {@code attempt} failed with a retryable {@code failure}. */
    @FunctionalInterface
    public interface OnRetry<X extends Exception> {
        void retrying(int attempt, long delayMillis, X failure);
    }

    /** The exception to throw after {@code attempts} attempts, the last failing with this. */
    @FunctionalInterface
    public interface OnExhausted<X extends Exception> {
        X exhausted(int attempts, X failure);
    }

    /** Waits between attempts; {@link Thread#sleep} unless a test injects another. */
    @FunctionalInterface
    public interface Sleeper extends Serializable {
        void sleep(long millis) throws InterruptedException;
    }

    private final int maxAttempts;
    private final long initialMillis;
    private final long maxMillis;
    private final Sleeper sleeper;

    /** At most {@code maxAttempts} attempts, the first included. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff.toMillis(), maxBackoff.toMillis(), Thread::sleep);
    }

    private RetryPolicy(int maxAttempts, long initialMillis, long maxMillis, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialMillis < 0 || maxMillis < 0) {
            throw new IllegalArgumentException("backoff must not be negative");
        }
        this.maxAttempts = maxAttempts;
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.sleeper = sleeper;
    }

    /** {@code retries} retries after the first attempt: {@code retries + 1} attempts. */
    public static RetryPolicy ofRetries(int retries, Duration initialBackoff, Duration maxBackoff) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
        return new RetryPolicy(retries + 1, initialBackoff, maxBackoff);
    }

    /** The same policy waiting through {@code sleeper} (tests: record instead of sleeping). */
    public RetryPolicy withSleeper(Sleeper sleeper) {
        return new RetryPolicy(maxAttempts, initialMillis, maxMillis, sleeper);
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a call that failed {@code failedAttempts} times may be attempted again. */
    public boolean allowsAnotherAttempt(int failedAttempts) {
        return failedAttempts < maxAttempts;
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial, doubling, capped. */
    public long delayMillis(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        return Math.min(maxMillis, initialMillis << doublings);
    }

    /**
     * Runs {@code attempt} until it returns, retrying the failures {@code retryable} accepts while
     * attempts are left, telling {@code onRetry} before each wait. A failure it does not accept is
     * thrown at once; after the last attempt, the exception {@code onExhausted} makes of the last
     * failure.
     */
    public <T, X extends Exception> T call(
            Attempt<T, X> attempt,
            Predicate<? super X> retryable,
            OnRetry<? super X> onRetry,
            OnExhausted<X> onExhausted)
            throws X, InterruptedException {
        for (int n = 1; ; n++) {
            try {
                return attempt.run(n);
            } catch (RuntimeException | InterruptedException e) {
                throw e; // a bug or a cancellation, not a failure of the remote side
            } catch (Exception e) {
                @SuppressWarnings("unchecked")
                X failure = (X) e; // all that Attempt.run throws besides the above
                if (!retryable.test(failure)) {
                    throw failure;
                }
                if (!allowsAnotherAttempt(n)) {
                    throw onExhausted.exhausted(n, failure);
                }
                long delay = delayMillis(n);
                onRetry.retrying(n, delay, failure);
                if (delay > 0) {
                    sleeper.sleep(delay);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts="
                + maxAttempts
                + ", backoff="
                + initialMillis
                + " ms..."
                + maxMillis
                + " ms}";
    }
}
