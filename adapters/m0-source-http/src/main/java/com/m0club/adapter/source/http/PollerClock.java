package com.m0club.adapter.source.http;

/**
 * The time a connector schedules by: when to poll next, how long to back off, how far apart requests must be. The
 * system clock in production; tests pass a manual one whose {@link #sleepNanos} moves its time forward, so rate
 * limits and backoff are checked without waiting on the wall clock. (HTTP timeouts are the client's, in real time.)
 */
public interface PollerClock {
    /** A monotonic reading in nanoseconds (only differences mean anything). */
    long nanoTime();

    /** Waits {@code nanos} (nothing when {@code nanos <= 0}). */
    void sleepNanos(long nanos) throws InterruptedException;

    /** {@link System#nanoTime()} and {@link Thread#sleep}. */
    PollerClock SYSTEM = new PollerClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    };
}
