package com.m0club.engine.source.sim;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock that moves only when told to: the time source for simulations, replays and tests, injected wherever a stage
 * takes an {@link InstantSource}. Time never goes backwards. Reads are safe from any thread; moves come from the one
 * thread driving the simulation.
 */
public final class SimulatedClock implements InstantSource {
    private volatile long nowMs;

    public SimulatedClock(long startMs) {
        this.nowMs = startMs;
    }

    /** Moves to {@code timeMs}; earlier than now is an error (a simulation that rewinds time is a bug). */
    public void advanceTo(long timeMs) {
        if (timeMs < nowMs) {
            throw new IllegalArgumentException("time_ms: the simulated clock cannot go backwards from " + nowMs
                    + " to " + timeMs);
        }
        nowMs = timeMs;
    }

    /** Moves forward by {@code deltaMs} >= 0. */
    public void advanceBy(long deltaMs) {
        if (deltaMs < 0) {
            throw new IllegalArgumentException("delta_ms: must be >= 0, got " + deltaMs);
        }
        nowMs += deltaMs;
    }

    @Override
    public long millis() {
        return nowMs;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs);
    }
}
