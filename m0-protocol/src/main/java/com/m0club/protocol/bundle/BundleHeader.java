package com.m0club.protocol.bundle;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;

/**
 * The header of a bundle: which signer set signs it, its sequence in that set, the publish round it covers, and when
 * it was produced. All times are UTC milliseconds and derive from the round, not from a random id, so rebuilding a
 * bundle from the same outputs gives the same bytes.
 *
 * @param signerSetId u32 id of the signer set that must sign this bundle
 * @param sequence u64 per signer set, strictly increasing, >= 1 (0 means "nothing signed yet" to an agent)
 * @param roundStartMs start of the publish round, inclusive
 * @param roundEndMs end of the publish round, exclusive; greater than the start
 * @param producedAtMs when the bundler sealed the round
 */
public record BundleHeader(long signerSetId, long sequence, long roundStartMs, long roundEndMs, long producedAtMs) {
    public static final int VERSION = 1;
    /** u16 version + u32 set + 4 x u64. */
    public static final int ENCODED_LENGTH = 2 + 4 + 8 * 4;

    public BundleHeader {
        Checks.u32("header.signer_set_id", signerSetId);
        Checks.u64("header.sequence", sequence);
        if (sequence == 0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "header.sequence",
                    "must be >= 1 (0 is reserved for 'nothing signed')");
        }
        Checks.u64("header.round_start_ms", roundStartMs);
        Checks.u64("header.round_end_ms", roundEndMs);
        Checks.u64("header.produced_at_ms", producedAtMs);
        if (roundEndMs <= roundStartMs) {
            throw new ProtocolException(ErrorCode.INCONSISTENT_WINDOW, "header.round_end_ms",
                    "must be greater than round_start_ms (" + roundStartMs + "), got " + roundEndMs);
        }
    }
}
