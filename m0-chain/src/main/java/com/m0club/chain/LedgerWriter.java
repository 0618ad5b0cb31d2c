package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;

/**
 * The ledger's publishing writes: commit, reveal, finalize. What the submitter and the finalize crank send. Every
 * call is idempotent (a repeat returns the original receipt); a call the rules refuse throws
 * {@link LedgerRejection}; transport failures are {@link java.io.UncheckedIOException} or
 * {@link IllegalStateException}, as {@link Ledger} describes.
 */
public interface LedgerWriter {

    /**
     * Commits to a bundle without revealing it: {@code commitHash = H("M0_COMMIT_V1", bundle_hash || salt)} for the
     * bundle the set will sign at {@code sequence}.
     */
    CommitReceipt commit(Hash32 commitHash, long signerSetId, long sequence);

    /**
     * Reveals a committed bundle: the canonical signed bundle bytes and the 32-byte salt of its commitment. All items
     * are accepted or none is.
     */
    RevealReceipt reveal(byte[] signedBundleBytes, byte[] salt);

    /**
     * Finalizes one epoch of one market (a permissionless crank): allowed from window end + finalization_delay_ms
     * once the epoch has an accepted item; the last accepted item becomes canonical for good.
     */
    FinalizeReceipt finalizeEpoch(MarketId market, long epochId);
}
