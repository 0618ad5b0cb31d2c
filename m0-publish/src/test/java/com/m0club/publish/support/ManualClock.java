package com.m0club.publish.support;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when a test (or a test's sleeper) moves it. */
public final class ManualClock implements InstantSource {
    private volatile long millis;

    public ManualClock(long millis) {
        this.millis = millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    public synchronized void advance(long ms) {
        millis += ms;
    }

    public void set(long ms) {
        millis = ms;
    }
}
