package com.m0club.protocol.bundle;

import java.util.EnumSet;
import java.util.Set;

/**
 * Quality flags of protocol v1: bit positions in the item's u32 {@code quality_flags}. Flags are OR-ed downstream
 * (a stage never clears a flag set by an earlier one). Bits 12..31 are reserved and must be zero on the wire.
 */
public enum QualityFlag {
    LOW_COVERAGE(0),
    STALE_SOURCE(1),
    SOURCE_DIVERGENCE(2),
    OUTLIER_REJECTED(3),
    LATE_DATA_DROPPED(4),
    DRIFT(5),
    JUMP(6),
    CI_WIDE(7),
    CI_CLAMPED(8),
    DEGRADED(9),
    QUARANTINED_SOURCE(10),
    CONNECTOR_DEGRADED(11);

    /** Mask of every defined bit; anything outside it is reserved. */
    public static final long DEFINED_MASK = 0xFFFL;

    private final int bit;

    QualityFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public long mask() {
        return 1L << bit;
    }

    public boolean isSet(long flags) {
        return (flags & mask()) != 0;
    }

    public static long of(QualityFlag... flags) {
        long bits = 0;
        for (QualityFlag f : flags) {
            bits |= f.mask();
        }
        return bits;
    }

    public static Set<QualityFlag> decode(long flags) {
        EnumSet<QualityFlag> set = EnumSet.noneOf(QualityFlag.class);
        for (QualityFlag f : values()) {
            if (f.isSet(flags)) {
                set.add(f);
            }
        }
        return set;
    }
}
