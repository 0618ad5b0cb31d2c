package com.m0club.adapter.source.http;

import java.util.ArrayList;
import java.util.List;

/** A {@link PollerClock} whose sleeps move its time forward at once, recording each wait (tests). */
final class ManualClock implements PollerClock {
    private long nanos = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized void sleepNanos(long n) {
        if (n > 0) {
            sleeps.add(n);
            nanos += n;
        }
    }

    synchronized void advanceMillis(long ms) {
        nanos += ms * 1_000_000L;
    }

    synchronized long elapsedMillisSince(long startNanos) {
        return (nanos - startNanos) / 1_000_000L;
    }

    synchronized List<Long> sleepsMillis() {
        return sleeps.stream().map(n -> n / 1_000_000L).toList();
    }

    synchronized void clearSleeps() {
        sleeps.clear();
    }
}
