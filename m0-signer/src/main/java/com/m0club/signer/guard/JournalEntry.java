package com.m0club.signer.guard;

import com.m0club.protocol.hash.Hash32;
import java.util.Objects;

/** One journal record: this agent signed (or is about to return a signature for) {@code bundleHash} at this slot. */
record JournalEntry(long signerSetId, long sequence, Hash32 bundleHash) {
    JournalEntry {
        Objects.requireNonNull(bundleHash, "bundleHash");
    }
}
