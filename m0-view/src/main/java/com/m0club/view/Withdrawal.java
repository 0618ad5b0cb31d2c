package com.m0club.view;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.Objects;

/**
 * A market's value that is no longer served: the reconciler found that the ledger does not back bundle
 * {@code bundleHash} (the restart check) and withdrew what it backed. A reader holding a value of {@code marketId}
 * from that bundle drops it and reads the market again (the read model then gives the previous valid value or
 * nothing).
 */
public record Withdrawal(MarketId marketId, Hash32 bundleHash) {
    public Withdrawal {
        Objects.requireNonNull(marketId, "marketId");
        Objects.requireNonNull(bundleHash, "bundleHash");
    }
}
