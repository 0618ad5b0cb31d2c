package com.m0club.protocol.registry;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;

/**
 * The per-market timing rules the ledger enforces (docs/protocol.md, section 17 "Commit, reveal, finalize").
 *
 * @param finalizationDelayMs an epoch finalizes this long after its window ends
 * @param maxRevealDelayMs a reveal must land within this long after its commit
 * @param maxCommitStalenessMs a bundle produced longer ago than this is refused
 * @param maxClockSkewMs a bundle produced further in the future than this is refused
 */
public record LedgerTiming(long finalizationDelayMs, long maxRevealDelayMs, long maxCommitStalenessMs,
        long maxClockSkewMs) {
    /** Production defaults from docs/protocol.md. */
    public static final LedgerTiming DEFAULTS = new LedgerTiming(120_000, 600_000, 600_000, 15_000);

    public LedgerTiming {
        positive("finalization_delay_ms", finalizationDelayMs, true);
        positive("max_reveal_delay_ms", maxRevealDelayMs, false);
        positive("max_commit_staleness_ms", maxCommitStalenessMs, false);
        positive("max_clock_skew_ms", maxClockSkewMs, true);
    }

    private static void positive(String field, long value, boolean zeroAllowed) {
        if (value < 0 || (!zeroAllowed && value == 0)) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, field,
                    "must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
        }
    }
}
