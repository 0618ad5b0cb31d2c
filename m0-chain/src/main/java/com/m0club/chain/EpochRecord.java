package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One epoch of one market as the ledger holds it.
 *
 * @param windowStartMs start of the epoch window, inclusive (from the accepted items, or the registry schedule
 *     while none is accepted)
 * @param windowEndMs end of the window, exclusive; finalization is allowed from end + finalization_delay_ms
 * @param acceptedItems how many items were accepted for this epoch (each replaced the previous as canonical)
 * @param canonical the last accepted item: canonical so far while REVEALED, for good once FINALIZED
 * @param finalizedSlot the slot of the finalization, when FINALIZED
 */
public record EpochRecord(MarketId market, long epochId, long windowStartMs, long windowEndMs, EpochStatus status,
        int acceptedItems, Optional<MarketValue> canonical, OptionalLong finalizedSlot, OptionalLong finalizedAtMs) {
    public EpochRecord {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(canonical, "canonical");
        Objects.requireNonNull(finalizedSlot, "finalizedSlot");
        Objects.requireNonNull(finalizedAtMs, "finalizedAtMs");
    }

    public Optional<Hash32> canonicalBundleHash() {
        return canonical.map(MarketValue::bundleHash);
    }

    public boolean isFinalized() {
        return status == EpochStatus.FINALIZED;
    }
}
