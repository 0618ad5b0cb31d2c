package com.m0club.eventlog;

import java.time.Duration;
import java.util.Objects;

/**
 * How an event log retries a handler that throws: up to {@code maxAttempts} attempts per record, waiting
 * {@code initialBackoff} after the first failure and twice as long after each next one, up to {@code maxBackoff};
 * then the record is logged, counted in {@code m0_eventlog_skipped_total} and skipped. One value shared by every
 * implementation (in-process, Kafka, NATS), so their builders check it the same way.
 */
public record HandlerRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** 5 attempts, backoff 50 ms doubling up to 2 s. */
    public static final HandlerRetry DEFAULTS = new HandlerRetry(5, Duration.ofMillis(50), Duration.ofSeconds(2));

    public HandlerRetry {
        Objects.requireNonNull(initialBackoff, "initial");
        Objects.requireNonNull(maxBackoff, "max");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: must be >= 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff: need 0 <= initial <= max, got " + initialBackoff + ", "
                    + maxBackoff);
        }
    }

    public HandlerRetry withMaxAttempts(int attempts) {
        return new HandlerRetry(attempts, initialBackoff, maxBackoff);
    }

    public HandlerRetry withBackoff(Duration initial, Duration max) {
        return new HandlerRetry(maxAttempts, initial, max);
    }
}
