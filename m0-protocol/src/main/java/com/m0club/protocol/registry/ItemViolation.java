package com.m0club.protocol.registry;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.time.EpochSchedule;
import java.util.List;
import java.util.Objects;

/**
 * Why a bundle item does not agree with the market registry, as found by {@link ItemRules#check}. Each checker maps a
 * violation to its own reason code (the signer agent's refusal reason, the ledger's rejection reason) with an
 * exhaustive switch, so a new rule cannot be forgotten by one of them.
 */
public sealed interface ItemViolation {

    /** The market the item names. */
    MarketId market();

    /** The item names a market that is not in the registry. */
    record UnknownMarket(MarketId market) implements ItemViolation {
        public UnknownMarket {
            Objects.requireNonNull(market, "market");
        }
    }

    /** The item's market is in the registry but not ACTIVE. */
    record MarketNotActive(MarketId market, MarketStatus status) implements ItemViolation {
        public MarketNotActive {
            Objects.requireNonNull(market, "market");
            Objects.requireNonNull(status, "status");
        }
    }

    /** The item's epoch, tick or window is not on the market's {@link EpochSchedule} grid. */
    record WindowOffGrid(MarketId market, EpochSchedule schedule) implements ItemViolation {
        public WindowOffGrid {
            Objects.requireNonNull(market, "market");
            Objects.requireNonNull(schedule, "schedule");
        }
    }

    /** The item's outcome ids are not exactly the market's outcomes, in canonical order. */
    record OutcomesMismatch(MarketId market, List<OutcomeId> expected, List<OutcomeId> actual)
            implements ItemViolation {
        public OutcomesMismatch {
            Objects.requireNonNull(market, "market");
            expected = List.copyOf(expected);
            actual = List.copyOf(actual);
        }
    }
}
