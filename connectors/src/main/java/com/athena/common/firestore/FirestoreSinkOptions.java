package com.athena.common.firestore;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The tuning of a {@link FirestoreSink}: rate limit, batch size, retries and timeouts.
 *
 * <p>The defaults suit the live documents of this project (a handful of symbols and agents): a
 * document is written at most about once a second, as the design asks of every Firestore document.
 */
public final class FirestoreSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Duration minInterval;
    private final int maxBatchSize;
    private final int maxRetries;
    private final int maxConflictRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final boolean keyByDocument;

    private FirestoreSinkOptions(Builder b) {
        this.minInterval = b.minInterval;
        this.maxBatchSize = b.maxBatchSize;
        this.maxRetries = b.maxRetries;
        this.maxConflictRetries = b.maxConflictRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.keyByDocument = b.keyByDocument;
    }

    /** The defaults; see {@link Builder} for each value. */
    public static FirestoreSinkOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The least processing time between two writes of one document (checkpoints excepted). */
    public Duration minInterval() {
        return minInterval;
    }

    /** The most documents read and written in one round trip pair. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** How often a transiently failing read or write is retried before the sink fails. */
    public int maxRetries() {
        return maxRetries;
    }

    /** How often a document whose precondition failed is re-read and retried. */
    public int maxConflictRetries() {
        return maxConflictRetries;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** How long one read, or one batch of writes with the client's own retries, may take. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Whether the sink keys its input by document before writing, so that each document has one
     * writer subtask (effective coalescing, no cross-subtask contention).
     */
    public boolean keyByDocument() {
        return keyByDocument;
    }

    @Override
    public String toString() {
        return "FirestoreSinkOptions{minInterval="
                + minInterval
                + ", maxBatchSize="
                + maxBatchSize
                + ", maxRetries="
                + maxRetries
                + ", maxConflictRetries="
                + maxConflictRetries
                + ", backoff="
                + initialBackoff
                + ".."
                + maxBackoff
                + ", requestTimeout="
                + requestTimeout
                + ", keyByDocument="
                + keyByDocument
                + "}";
    }

    /** Builds {@link FirestoreSinkOptions}. */
    public static final class Builder {
        private Duration minInterval = Duration.ofSeconds(1);
        private int maxBatchSize = 300;
        private int maxRetries = 5;
        private int maxConflictRetries = 10;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(120);
        private boolean keyByDocument = true;

        private Builder() {}

        /** Default 1 s; zero writes every document as soon as it arrives. */
        public Builder minInterval(Duration value) {
            this.minInterval = nonNegative(value, "minInterval");
            return this;
        }

        /** Default 300. */
        public Builder maxBatchSize(int value) {
            this.maxBatchSize = positive(value, "maxBatchSize");
            return this;
        }

        /** Default 5. */
        public Builder maxRetries(int value) {
            this.maxRetries = positive(value, "maxRetries");
            return this;
        }

        /** Default 10. */
        public Builder maxConflictRetries(int value) {
            this.maxConflictRetries = positive(value, "maxConflictRetries");
            return this;
        }

        /** Default 200 ms, doubling up to {@link #maxBackoff}. */
        public Builder initialBackoff(Duration value) {
            this.initialBackoff = nonNegative(value, "initialBackoff");
            return this;
        }

        /** Default 10 s. */
        public Builder maxBackoff(Duration value) {
            this.maxBackoff = nonNegative(value, "maxBackoff");
            return this;
        }

        /** Default 120 s. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = nonNegative(value, "requestTimeout");
            return this;
        }

        /** Default true; turn off only when the input is already keyed by document. */
        public Builder keyByDocument(boolean value) {
            this.keyByDocument = value;
            return this;
        }

        public FirestoreSinkOptions build() {
            return new FirestoreSinkOptions(this);
        }

        private static Duration nonNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
