package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.List;
import java.util.Objects;

/**
 * Proof that a bundle was revealed and every item accepted: the bundle and commitment it opened, where it landed,
 * and where each market's item now sits (its epoch, tick and merkle leaf index in the bundle).
 */
public record RevealReceipt(Hash32 bundleHash, Hash32 commitHash, long signerSetId, long sequence, long slot,
        long timeMs, String transactionId, List<Item> items) {
    public RevealReceipt {
        Objects.requireNonNull(bundleHash, "bundleHash");
        Objects.requireNonNull(commitHash, "commitHash");
        Objects.requireNonNull(transactionId, "transactionId");
        items = List.copyOf(items);
    }

    /** One accepted item: it became its market's latest value and its epoch's latest accepted item. */
    public record Item(MarketId market, long epochId, long tick, int leafIndex) {
        public Item {
            Objects.requireNonNull(market, "market");
        }
    }
}
