package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.Objects;

/**
 * Proof that an epoch is final: its canonical item (the last one accepted in the epoch) is the leaf
 * {@code leafIndex} of bundle {@code canonicalBundleHash}, and nothing about the epoch changes after {@code slot}.
 */
public record FinalizeReceipt(MarketId market, long epochId, Hash32 canonicalBundleHash, int leafIndex,
        long canonicalSequence, long slot, long timeMs, String transactionId) {
    public FinalizeReceipt {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(canonicalBundleHash, "canonicalBundleHash");
        Objects.requireNonNull(transactionId, "transactionId");
    }
}
