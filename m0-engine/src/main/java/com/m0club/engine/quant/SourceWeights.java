package com.m0club.engine.quant;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;

/**
 * Pooling weight of a source for a market: the hook for skill-based weights (Brier on resolved history, with a prior
 * for new sources) that the backtest runner will fit. Weights are relative, finite and >= 0; a weight of 0 leaves the
 * source out of this tick (as for a quarantined source). The first version weighs every source equally.
 */
@FunctionalInterface
public interface SourceWeights {
    SourceWeights EQUAL = (market, source) -> 1.0;

    double weight(MarketId market, SourceId source);
}
