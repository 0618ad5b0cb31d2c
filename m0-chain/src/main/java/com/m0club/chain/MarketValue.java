package com.m0club.chain;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.Objects;

/**
 * An accepted item as the ledger holds it: the value itself ({@code item}), the bundle it came in (hash, signer set,
 * sequence, merkle leaf index) and where it was accepted (slot, ledger time). Both a market's latest value and an
 * epoch's canonical item are one of these.
 */
public record MarketValue(MarketId market, BundleItem item, Hash32 bundleHash, long signerSetId, long sequence,
        int leafIndex, long slot, long timeMs) {
    public MarketValue {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(bundleHash, "bundleHash");
    }

    public long epochId() {
        return item.epochId();
    }

    public long tick() {
        return item.tick();
    }
}
