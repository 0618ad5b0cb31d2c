package com.m0club.signer.policy;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's view of the market registry: what a market's status, schedule, outcomes and timing are right now.
 * In-process ({@code m0 dev}) the wiring passes the live registry; the standalone agent uses a snapshot from its
 * config file ({@link #of}).
 */
@FunctionalInterface
public interface MarketDirectory {
    Optional<Market> find(MarketId id);

    /** An immutable snapshot of {@code markets}; two entries for one market id are a configuration error. */
    static MarketDirectory of(Collection<Market> markets) {
        Map<MarketId, Market> byId = new HashMap<>();
        for (Market m : markets) {
            if (byId.putIfAbsent(m.id(), m) != null) {
                throw new IllegalArgumentException("markets: market " + m.id() + " is listed twice");
            }
        }
        Map<MarketId, Market> snapshot = Map.copyOf(byId);
        return id -> Optional.ofNullable(snapshot.get(id));
    }
}
