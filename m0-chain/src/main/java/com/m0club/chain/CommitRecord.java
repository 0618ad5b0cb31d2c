package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import java.util.Objects;
import java.util.Optional;

/**
 * A commitment as the ledger holds it: the receipt of the commit and, once revealed, the receipt of the reveal.
 * A commitment that was never revealed stays pending; it occupies its (set, sequence) for good, so a bundle whose
 * reveal window passed must be rebuilt under a new sequence.
 */
public record CommitRecord(CommitReceipt commit, Optional<RevealReceipt> reveal) {
    public CommitRecord {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(reveal, "reveal");
    }

    public Hash32 commitHash() {
        return commit.commitHash();
    }

    public boolean isRevealed() {
        return reveal.isPresent();
    }
}
