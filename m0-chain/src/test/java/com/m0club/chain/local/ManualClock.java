package com.m0club.chain.local;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when a test moves it. */
final class ManualClock implements InstantSource {
    private volatile long millis;

    ManualClock(long millis) {
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

    void advance(long ms) {
        millis += ms;
    }

    void set(long ms) {
        millis = ms;
    }
}
