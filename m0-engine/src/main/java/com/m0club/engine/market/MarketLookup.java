package com.m0club.engine.market;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a stage finds a market's registry entry (outcomes, domain, schedule). The stages take this function rather than
 * a registry object so that the same code runs against a fixed test list, the embedded registry or a cached copy of
 * the PostgreSQL registry, and so that a stage never performs the lookup I/O itself.
 */
@FunctionalInterface
public interface MarketLookup {

    /** The registry entry for {@code id}, or empty when the market is unknown. */
    Optional<Market> find(MarketId id);

    /** A lookup over a fixed set of markets; later entries with the same id are an error, not an override. */
    static MarketLookup of(Collection<Market> markets) {
        Objects.requireNonNull(markets, "markets");
        Map<MarketId, Market> byId = new TreeMap<>();
        for (Market m : markets) {
            if (byId.put(m.id(), m) != null) {
                throw new IllegalArgumentException("markets: market " + m.id() + " appears twice");
            }
        }
        Map<MarketId, Market> frozen = Map.copyOf(byId);
        return id -> Optional.ofNullable(frozen.get(id));
    }
}
