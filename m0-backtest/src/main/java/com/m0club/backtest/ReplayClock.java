package com.m0club.backtest;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The backtest's clock: it shows the replay's event time and moves only when the replay moves it, to a quote's or a
 * tick's time, never backwards. The stages read it as they read the node clock live; no wall clock is involved.
 * Not thread-safe (one replay thread).
 */
public final class ReplayClock implements InstantSource {
    private long nowMs;

    public ReplayClock(long startMs) {
        if (startMs < 0) {
            throw new IllegalArgumentException("start_ms: must be >= 0, got " + startMs);
        }
        this.nowMs = startMs;
    }

    /** Moves to {@code timeMs} if that is later; an earlier time leaves the clock where it is. */
    public void advanceTo(long timeMs) {
        nowMs = Math.max(nowMs, timeMs);
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
