package com.m0club.protocol.registry;

/** Latency tier: sets the default publish cadence and the order in which overload sheds work (FAST last). */
public enum Tier {
    FAST(1_000),
    NORMAL(5_000),
    SLOW(15_000);

    private final long defaultCadenceMs;

    Tier(long defaultCadenceMs) {
        this.defaultCadenceMs = defaultCadenceMs;
    }

    public long defaultCadenceMs() {
        return defaultCadenceMs;
    }
}
