package com.m0club.protocol.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.Generators;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link ItemRules} against an independent reading of the rules: for any market and any item (on or off the
 * market's grid, with its outcomes or others, for an active market or not), the function reports exactly the first
 * broken rule in the documented order, and nothing when the item agrees.
 */
class ItemRulesProperties {

    /** A market, and an item for it built with some rules possibly broken. */
    record Case(Market market, BundleItem item, boolean active, boolean onGrid, boolean sameOutcomes) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<OutcomeId>> outcomes = Generators.outcomeIds().set().ofMinSize(2).ofMaxSize(6)
                .map(ArrayList::new);
        Arbitrary<EpochSchedule> schedules = Arbitraries.of(
                new EpochSchedule(60_000, 1_000), new EpochSchedule(60_000, 60_000),
                new EpochSchedule(3_600_000, 5_000), new EpochSchedule(86_400_000, 15_000));
        Arbitrary<MarketStatus> statuses = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(MarketStatus.ACTIVE)),
                Tuple.of(1, Arbitraries.of(MarketStatus.values())));
        Arbitrary<Integer> gridFault = Arbitraries.integers().between(0, 4); // 0..2: on the grid
        Arbitrary<Boolean> sameOutcomes = Arbitraries.frequency(
                Tuple.of(3, true), Tuple.of(1, false));
        Arbitrary<Long> epochs = Arbitraries.longs().between(0, 1_000_000L);
        Arbitrary<Long> tickSeeds = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Combinators.combine(Generators.marketIds(), outcomes, schedules, statuses, gridFault, sameOutcomes,
                epochs, tickSeeds).as((id, outs, schedule, status, fault, same, epoch, seed) -> {
                    Market market = new Market(id, Domain.SPORTS, "market " + id, Tier.NORMAL, outs, schedule,
                            LedgerTiming.DEFAULTS, status);
                    long w = schedule.epochWindowMs();
                    long ticks = schedule.ticksPerEpoch();
                    long tick = seed % ticks;
                    long start = epoch * w;
                    long end = start + w;
                    switch (fault) {
                        case 3 -> tick = ticks + seed % 7; // tick past the epoch's last
                        case 4 -> { // another window length, still on BundleItem's own grid
                            long other = w == 60_000 ? 120_000 : 60_000;
                            start = epoch * other;
                            end = start + other;
                        }
                        default -> { }
                    }
                    boolean onGrid = fault <= 2;
                    List<OutcomeId> itemOutcomes = same ? market.outcomes() : otherOutcomes(market.outcomes());
                    BundleItem item = new BundleItem(id, epoch, tick, start, end, uniform(itemOutcomes), 9500,
                            0, 0, ModelRef.of("m", "1"), Optional.empty(), Optional.empty());
                    return new Case(market, item, status == MarketStatus.ACTIVE, onGrid, same);
                });
    }

    @Property(tries = 500)
    void reportsExactlyTheFirstBrokenRule(@ForAll("cases") Case c) {
        Optional<ItemViolation> found = ItemRules.check(c.item(), Optional.of(c.market()));
        assertThat(found).isEqualTo(ItemRules.check(c.item(), c.market()));

        if (!c.active()) {
            assertThat(found).containsInstanceOf(ItemViolation.MarketNotActive.class);
            assertThat(((ItemViolation.MarketNotActive) found.orElseThrow()).status()).isEqualTo(c.market().status());
        } else if (!c.onGrid()) {
            assertThat(found).contains(new ItemViolation.WindowOffGrid(c.market().id(), c.market().schedule()));
        } else if (!c.sameOutcomes()) {
            assertThat(found).contains(new ItemViolation.OutcomesMismatch(c.market().id(), c.market().outcomes(),
                    ItemRules.outcomes(c.item())));
        } else {
            assertThat(found).isEmpty();
        }
        found.ifPresent(v -> assertThat(v.market()).isEqualTo(c.item().marketId()));
    }

    @Property(tries = 100)
    void anItemOfAnUnknownMarketIsOnlyThat(@ForAll("cases") Case c) {
        assertThat(ItemRules.check(c.item(), Optional.empty()))
                .contains(new ItemViolation.UnknownMarket(c.item().marketId()));
    }

    @Property(tries = 100)
    void isAFunctionOfItsArguments(@ForAll("cases") Case c) {
        assertThat(ItemRules.check(c.item(), c.market())).isEqualTo(ItemRules.check(c.item(), c.market()));
    }

    @Property(tries = 50)
    void refusesAnotherMarketsEntry(@ForAll("cases") Case c, @ForAll("otherIds") MarketId other) {
        if (other.equals(c.market().id())) {
            return;
        }
        Market elsewhere = new Market(other, Domain.SPORTS, "other", Tier.NORMAL, c.market().outcomes(),
                c.market().schedule(), LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
        assertThatThrownBy(() -> ItemRules.check(c.item(), elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("market");
    }

    @Provide
    Arbitrary<MarketId> otherIds() {
        return Generators.marketIds();
    }

    /** The market's outcomes plus one it does not have: never the same list. */
    private static List<OutcomeId> otherOutcomes(List<OutcomeId> outcomes) {
        List<OutcomeId> other = new ArrayList<>(outcomes);
        int n = 0;
        while (other.contains(OutcomeId.of("ZZ_EXTRA_" + n))) {
            n++;
        }
        other.add(OutcomeId.of("ZZ_EXTRA_" + n));
        Collections.sort(other);
        return other;
    }

    private static Distribution uniform(List<OutcomeId> outcomes) {
        List<Double> weights = Collections.nCopies(outcomes.size(), 1.0);
        List<Double> widths = Collections.nCopies(outcomes.size(), 0.0);
        return Generators.fromWeights(outcomes, weights, widths);
    }
}
