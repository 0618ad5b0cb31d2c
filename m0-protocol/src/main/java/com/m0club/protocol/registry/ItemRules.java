package com.m0club.protocol.registry;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The item-versus-registry rules of protocol v1 (docs/protocol.md section 6, "Bundle item"), in one pure function used
 * by both the signer agents' policy and the ledger, which must agree on them. An item agrees with its market when
 * <ol>
 *   <li>the market is in the registry ({@link ItemViolation.UnknownMarket});</li>
 *   <li>it is ACTIVE ({@link ItemViolation.MarketNotActive});</li>
 *   <li>the item's epoch id, tick and window lie on the market's epoch schedule
 *       ({@link EpochSchedule#isConsistent}, {@link ItemViolation.WindowOffGrid});</li>
 *   <li>the item's outcome ids are exactly the market's outcomes, in the same (canonical) order
 *       ({@link ItemViolation.OutcomesMismatch}).</li>
 * </ol>
 * The first broken rule, in that order, is returned. What depends on more than the item and the registry entry (the
 * signer's clock, the ledger's recorded epochs) stays with each checker.
 */
public final class ItemRules {
    private ItemRules() {}

    /**
     * Checks {@code item} against its registry entry, if there is one.
     *
     * @param market the registry entry for {@code item.marketId()}, or empty when the registry has none
     * @return the first broken rule, or empty when the item agrees with the registry
     * @throws IllegalArgumentException when {@code market} is present but is another market's entry
     */
    public static Optional<ItemViolation> check(BundleItem item, Optional<Market> market) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(market, "market");
        if (market.isEmpty()) {
            return Optional.of(new ItemViolation.UnknownMarket(item.marketId()));
        }
        return check(item, market.get());
    }

    /**
     * Checks {@code item} against its market's registry entry (rules 2 to 4: the market is known).
     *
     * @return the first broken rule, or empty when the item agrees with the registry
     * @throws IllegalArgumentException when {@code market} is another market's entry
     */
    public static Optional<ItemViolation> check(BundleItem item, Market market) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(market, "market");
        if (!market.id().equals(item.marketId())) {
            throw new IllegalArgumentException("market: the entry is " + market.id() + " but the item is for "
                    + item.marketId());
        }
        if (!market.isActive()) {
            return Optional.of(new ItemViolation.MarketNotActive(market.id(), market.status()));
        }
        EpochSchedule schedule = market.schedule();
        if (!schedule.isConsistent(item.epochId(), item.tick(), item.windowStartMs(), item.windowEndMs())) {
            return Optional.of(new ItemViolation.WindowOffGrid(market.id(), schedule));
        }
        List<OutcomeId> outcomes = outcomes(item);
        if (!outcomes.equals(market.outcomes())) {
            return Optional.of(new ItemViolation.OutcomesMismatch(market.id(), market.outcomes(), outcomes));
        }
        return Optional.empty();
    }

    /** The item's outcome ids, in the item's order. */
    public static List<OutcomeId> outcomes(BundleItem item) {
        List<OutcomeId> outcomes = new ArrayList<>(item.distribution().size());
        for (OutcomeProbability o : item.distribution().outcomes()) {
            outcomes.add(o.outcome());
        }
        return outcomes;
    }
}
