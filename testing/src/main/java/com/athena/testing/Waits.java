package com.athena.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounded polling for the integration tests: every wait has a deadline and says what it awaited.
 */
public final class Waits {
    private static final Logger LOG = LoggerFactory.getLogger(Waits.class);

    /** A condition that may throw while it is not yet true (a service still starting, say). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Waits() {}

    /** Polls every 500 ms until the condition holds; fails with {@code what} after the timeout. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        LOG.info("Done waiting for {}", what);
    }
}
