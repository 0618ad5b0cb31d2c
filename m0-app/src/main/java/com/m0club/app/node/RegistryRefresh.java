package com.m0club.app.node;

import com.m0club.chain.LedgerAdmin;
import com.m0club.protocol.registry.Market;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the registry snapshot's status changes (an operator's pause or resume) and new markets to the
 * ledger, which enforces them. On Solana the same change is an admin transaction; here it is a call. Sees only the
 * ledger's {@link LedgerAdmin} port.
 */
final class RegistryRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryRefresh.class);

    private final RegistryView registry;
    private final LedgerAdmin ledger;

    RegistryRefresh(RegistryView registry, LedgerAdmin ledger) {
        this.registry = registry;
        this.ledger = ledger;
    }

    void run() {
        for (Market m : registry.list()) {
            Optional<Market> onLedger = ledger.market(m.id());
            if (onLedger.isEmpty()) {
                ledger.registerMarket(m);
            } else if (onLedger.get().status() != m.status()) {
                LOG.info("market {}: {} -> {} (registry change carried to the ledger)", m.id(),
                        onLedger.get().status(), m.status());
                ledger.setMarketStatus(m.id(), m.status());
            }
        }
    }
}
