package com.m0club.protocol;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for protocol values, valid by construction, covering the full range of every field. */
public final class Generators {
    private Generators() {}

    public static Arbitrary<MarketId> marketIds() {
        Arbitrary<Character> first = Arbitraries.chars().range('A', 'Z');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').withChars('_')
                .ofMinLength(2).ofMaxLength(63);
        return Combinators.combine(first, rest).as((f, r) -> MarketId.of(f + r));
    }

    public static Arbitrary<OutcomeId> outcomeIds() {
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').withChars('_').ofMinLength(1)
                .ofMaxLength(32).map(OutcomeId::of);
    }

    public static Arbitrary<Hash32> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash32::of);
    }

    /** Distributions with 1..8 outcomes from random positive weights, with intervals around each p. */
    public static Arbitrary<Distribution> distributions() {
        return outcomeIds().set().ofMinSize(1).ofMaxSize(8).flatMap(ids -> {
            int n = ids.size();
            Arbitrary<List<Double>> weights = Arbitraries.doubles().between(1e-6, 1.0).ofScale(12).list().ofSize(n);
            Arbitrary<List<Double>> widths = Arbitraries.doubles().between(0.0, 0.2).ofScale(12).list().ofSize(n);
            return Combinators.combine(weights, widths).as((w, wd) -> fromWeights(new ArrayList<>(ids), w, wd));
        });
    }

    public static Distribution fromWeights(List<OutcomeId> ids, List<Double> weights, List<Double> widths) {
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        List<Distribution.DoubleOutcome> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            double p = weights.get(i) / total;
            double lo = Math.max(0.0, p - widths.get(i));
            double hi = Math.min(1.0, p + widths.get(i));
            out.add(new Distribution.DoubleOutcome(ids.get(i), p, lo, hi));
        }
        return Distribution.fromDoubles(out);
    }

    public static Arbitrary<BundleItem> items(MarketId market) {
        Arbitrary<Long> windows = Arbitraries.of(60_000L, 3_600_000L, 86_400_000L);
        Arbitrary<Long> epochs = Arbitraries.longs().between(0, 1_000_000L);
        Arbitrary<Long> ticks = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Integer> ci = Arbitraries.of(9000, 9500, 9900);
        Arbitrary<Integer> risk = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Long> flags = Arbitraries.longs().between(0, QualityFlag.DEFINED_MASK);
        Arbitrary<ModelRef> model = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.').ofMinLength(1).ofMaxLength(20)
                        .map(s -> "m" + s),
                Arbitraries.strings().withCharRange('0', '9').withChars('.').ofMinLength(0).ofMaxLength(10)
                        .map(s -> "1" + s))
                .as(ModelRef::of);
        Arbitrary<Optional<Hash32>> optHash = hashes().optional();
        return Combinators.combine(windows, epochs, ticks, distributions(), ci, risk, flags, model)
                .flatAs((w, e, t, d, c, r, f, m) -> Combinators.combine(optHash, optHash).as((cal, feat) ->
                        new BundleItem(market, e, t, e * w, e * w + w, d, c, r, f, m, cal, feat)));
    }

    public static Arbitrary<BundleHeader> headers() {
        return Combinators.combine(
                Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 4_000_000_000_000L),
                Arbitraries.longs().between(1, 600_000L),
                Arbitraries.longs().between(0, 60_000L))
                .as((set, seq, start, len, lag) -> new BundleHeader(set, seq, start, start + len, start + len + lag));
    }

    /** Bundles of 1..{@code maxItems} markets. */
    public static Arbitrary<Bundle> bundles(int maxItems) {
        return marketIds().set().ofMinSize(1).ofMaxSize(maxItems).flatMap(markets -> {
            Set<MarketId> sorted = new TreeSet<>(markets);
            List<Arbitrary<BundleItem>> parts = new ArrayList<>();
            for (MarketId m : sorted) {
                parts.add(items(m));
            }
            return Combinators.combine(headers(), Combinators.combine(parts).as(list -> list))
                    .as(Bundle::new);
        });
    }
}
