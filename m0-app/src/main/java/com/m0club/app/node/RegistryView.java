package com.m0club.app.node;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.store.registry.MarketRegistryStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A snapshot of the market registry that hot paths read (signer agents' checks, the bundler's status filter, the
 * API's market list) without a database round trip each time. {@link #refresh()} reloads it; the node refreshes it
 * every second, so a pause reaches every role within about a second.
 */
public final class RegistryView {
    private final MarketRegistryStore store;
    private volatile Map<MarketId, Market> byId = Map.of();
    private volatile List<Market> all = List.of();

    public RegistryView(MarketRegistryStore store) {
        this.store = store;
        refresh();
    }

    public void refresh() {
        List<Market> markets = store.list();
        all = List.copyOf(markets);
        byId = markets.stream().collect(Collectors.toUnmodifiableMap(Market::id, Function.identity()));
    }

    public Optional<Market> find(MarketId id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Market> list() {
        return all;
    }

    public boolean isActive(MarketId id) {
        Market m = byId.get(id);
        return m != null && m.isActive();
    }
}
