package com.m0club.protocol.registry;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A registry entry: what a market is (id, domain, title, outcomes in canonical order), how often it publishes
 * (tier and epoch schedule), the ledger timing rules, and its status. Everything the ledger and the signer agents
 * check an item against comes from here.
 */
public record Market(MarketId id, Domain domain, String title, Tier tier, List<OutcomeId> outcomes,
        EpochSchedule schedule, LedgerTiming timing, MarketStatus status) {

    public Market {
        Checks.notNull("market.id", id);
        Checks.notNull("market.domain", domain);
        Checks.notNull("market.title", title);
        Checks.notNull("market.tier", tier);
        Checks.notNull("market.outcomes", outcomes);
        Checks.notNull("market.schedule", schedule);
        Checks.notNull("market.timing", timing);
        Checks.notNull("market.status", status);
        if (title.isBlank() || title.length() > 200) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "market.title",
                    "must be 1..200 characters and not blank");
        }
        List<OutcomeId> sorted = new ArrayList<>(outcomes);
        Collections.sort(sorted);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).equals(sorted.get(i))) {
                throw new ProtocolException(ErrorCode.DUPLICATE, "market.outcomes",
                        "outcome " + sorted.get(i) + " of " + id + " appears twice");
            }
        }
        if (sorted.size() < 2) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "market.outcomes",
                    "a market needs at least two outcomes, " + id + " has " + sorted.size());
        }
        outcomes = List.copyOf(sorted);
    }

    public Market withStatus(MarketStatus next) {
        return new Market(id, domain, title, tier, outcomes, schedule, timing, next);
    }

    public boolean isActive() {
        return status == MarketStatus.ACTIVE;
    }
}
