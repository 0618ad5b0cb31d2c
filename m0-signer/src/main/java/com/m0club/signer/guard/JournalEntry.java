package com.m0club.signer.guard;

import com.m0club.protocol.hash.Hash32;
import java.util.Objects;

/**
 * One journal record: this agent signed (or is about to return a signature for) {@code bundleHash} at this slot, or,
 * when {@code floor}, an operator's recovery floor: every sequence at or below {@code sequence} of the set is refused.
 */
record JournalEntry(long signerSetId, long sequence, Hash32 bundleHash, boolean floor) {
    static final Hash32 NO_HASH = Hash32.of(new byte[Hash32.LENGTH]);

    JournalEntry {
        Objects.requireNonNull(bundleHash, "bundleHash");
    }

    JournalEntry(long signerSetId, long sequence, Hash32 bundleHash) {
        this(signerSetId, sequence, bundleHash, false);
    }

    static JournalEntry floor(long signerSetId, long sequence) {
        return new JournalEntry(signerSetId, sequence, NO_HASH, true);
    }
}
