package com.m0club.chain;

import com.m0club.protocol.id.MarketId;
import java.util.Objects;

/** One epoch of one market, with its window end (what a finalization crank orders by). */
public record EpochRef(MarketId market, long epochId, long windowEndMs) {
    public EpochRef {
        Objects.requireNonNull(market, "market");
    }
}
