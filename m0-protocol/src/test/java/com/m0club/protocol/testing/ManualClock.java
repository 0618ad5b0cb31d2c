package com.m0club.protocol.testing;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one test clock double: an {@link InstantSource} that moves only when a test (or a test's sleeper) moves it.
 * Thread-safe: a test thread may move it while the code under test reads it. Shipped in m0-protocol's test-jar
 * (package {@code com.m0club.protocol.testing}) for every module's tests; never on a main classpath.
 */
public final class ManualClock implements InstantSource {
    private final AtomicLong millis;

    /** A clock stopped at {@code millis} (UTC ms since the epoch). */
    public ManualClock(long millis) {
        this.millis = new AtomicLong(millis);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    /** Moves the clock by {@code ms} (negative moves it back). */
    public void advance(long ms) {
        millis.addAndGet(ms);
    }

    /** Sets the clock to {@code ms}. */
    public void set(long ms) {
        millis.set(ms);
    }
}
