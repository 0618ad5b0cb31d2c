package com.m0club.adapter.source.http;

/**
 * Spaces requests at least {@code 1 / rate} seconds apart (no bursts): {@link #acquire} waits, on the connector's
 * {@link PollerClock}, until the next request may start and reserves that slot. Not thread-safe: one connector's
 * poller uses it.
 */
final class RateLimiter {
    private final PollerClock clock;
    private final long spacingNanos;
    private long nextNanos;
    private boolean first = true;

    RateLimiter(PollerClock clock, double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate_limit_per_s: must be > 0, got " + perSecond);
        }
        this.clock = clock;
        this.spacingNanos = Math.max(1, Math.round(1e9 / perSecond));
    }

    /** Waits for the next slot and takes it. */
    void acquire() throws InterruptedException {
        long now = clock.nanoTime();
        if (!first && now - nextNanos < 0) {
            clock.sleepNanos(nextNanos - now);
            now = clock.nanoTime();
        }
        first = false;
        nextNanos = now + spacingNanos;
    }
}
