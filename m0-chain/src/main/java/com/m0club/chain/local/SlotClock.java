package com.m0club.chain.local;

import java.time.InstantSource;

/**
 * The local ledger's clock: ledger time from an injected {@link InstantSource}, never running backwards, and slots
 * of {@value #SLOT_MS} ms counted from the ledger's genesis, as on Solana.
 *
 * <p>The slot is derived from the time, not advanced by a timer thread, so a test that moves a manual clock by 400 ms
 * gets exactly one more slot, and replaying the journal gives every change the slot it had.
 */
final class SlotClock {
    /** Solana's target slot time. */
    static final long SLOT_MS = 400;

    private final InstantSource source;
    private final long genesisMs;
    private volatile long floorMs;

    SlotClock(InstantSource source, long genesisMs) {
        this.source = source;
        this.genesisMs = genesisMs;
        this.floorMs = genesisMs;
    }

    long genesisMs() {
        return genesisMs;
    }

    /** Ledger time now: the source's time, but never before a change already recorded (or genesis). */
    LedgerTime now() {
        long t = Math.max(source.millis(), floorMs);
        return new LedgerTime(t, slotAt(t));
    }

    private long slotAt(long timeMs) {
        return Math.max(0, timeMs - genesisMs) / SLOT_MS;
    }

    /** Records that a change landed at {@code timeMs}: ledger time never goes below it again. */
    void advanceTo(long timeMs) {
        if (timeMs > floorMs) {
            floorMs = timeMs;
        }
    }
}
