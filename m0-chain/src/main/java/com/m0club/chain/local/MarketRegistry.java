package com.m0club.chain.local;

import com.m0club.chain.LedgerRejection;
import com.m0club.chain.LedgerRejection.Reason;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's copy of the market registry: what every item is checked against (status, outcomes, epoch grid,
 * timing). An update replaces the entry; its status change follows the registry lifecycle and its domain never
 * changes. Not thread-safe; the ledger's lock guards it.
 */
final class MarketRegistry {
    private final Map<MarketId, Market> markets = new HashMap<>();

    /** False when the identical entry is already registered (a no-op). */
    boolean checkRegister(Market market) {
        Market existing = markets.get(market.id());
        if (existing == null) {
            return true;
        }
        if (existing.equals(market)) {
            return false;
        }
        if (existing.domain() != market.domain()) {
            throw new LedgerRejection(Reason.MARKET_CONFLICT, "market " + market.id() + ": domain is "
                    + existing.domain() + " and never changes, got " + market.domain());
        }
        checkTransition(market.id(), existing.status(), market.status());
        return true;
    }

    void applyRegister(Market market) {
        markets.put(market.id(), market);
    }

    /** False when the market already has this status (a no-op). */
    boolean checkStatus(MarketId id, MarketStatus status) {
        Market existing = require(id, "market status change");
        if (existing.status() == status) {
            return false;
        }
        checkTransition(id, existing.status(), status);
        return true;
    }

    void applyStatus(MarketId id, MarketStatus status) {
        markets.put(id, markets.get(id).withStatus(status));
    }

    private static void checkTransition(MarketId id, MarketStatus from, MarketStatus to) {
        if (from != to && !from.canMoveTo(to)) {
            throw new LedgerRejection(Reason.MARKET_CONFLICT,
                    "market " + id + ": status cannot move from " + from + " to " + to);
        }
    }

    Market require(MarketId id, String context) {
        Market m = markets.get(id);
        if (m == null) {
            throw new LedgerRejection(Reason.MARKET_UNKNOWN, context + ": market " + id + " is not registered");
        }
        return m;
    }

    Optional<Market> get(MarketId id) {
        return Optional.ofNullable(markets.get(id));
    }

    /** Snapshot encoding: entries by market id. */
    void encode(java.io.DataOutputStream out) throws java.io.IOException {
        java.util.List<MarketId> ids = new java.util.ArrayList<>(markets.keySet());
        java.util.Collections.sort(ids);
        out.writeInt(ids.size());
        for (MarketId id : ids) {
            JournalCodec.writeMarket(out, markets.get(id));
        }
    }

    /** Reads what {@link #encode} wrote into this (empty) registry. */
    void decode(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Market m = JournalCodec.readMarket(in);
            markets.put(m.id(), m);
        }
    }
}
