package com.m0club.publish.support;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.time.EpochSchedule;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Keys, the signer set, markets and bundles of the publish tests: all fixed, so a failure reproduces. Markets use
 * one-minute epochs of 5 s ticks and finalize 10 s after an epoch ends, so finalization is a short clock move.
 */
public final class Fixture {
    /** 2026-01-01T00:00:00Z: on every grid the tests use, and the ledger's genesis (slot 0). */
    public static final long T0 = 1_767_225_600_000L;
    public static final long SLOT_MS = 400;

    public static final SigningKey K1 = key(1);
    public static final SigningKey K2 = key(2);
    public static final SigningKey K3 = key(3);

    public static final long SET_ID = 1;
    /** 2-of-{K1, K2, K3}. */
    public static final SignerSet SET = SignerSet.builder().id(SET_ID).threshold(2).key(K1.publicKey())
            .key(K2.publicKey()).key(K3.publicKey()).status(SignerSetStatus.ACTIVE).activationMs(T0).build();

    public static final EpochSchedule SCHEDULE = new EpochSchedule(60_000, 5_000);
    public static final LedgerTiming TIMING = new LedgerTiming(10_000, 600_000, 600_000, 15_000);

    public static final MarketId BTC = MarketId.of("CRYPTO_BTC_UP_1M");
    public static final MarketId NBA = MarketId.of("SPORTS_NBA_LAL_BOS");
    public static final Market BTC_MARKET = market(BTC, Domain.CRYPTO, List.of("DOWN", "UP"));
    public static final Market NBA_MARKET = market(NBA, Domain.SPORTS, List.of("AWAY", "HOME"));

    private Fixture() {}

    /** The registry in id order. */
    public static List<Market> markets() {
        return List.of(BTC_MARKET, NBA_MARKET);
    }

    public static SigningKey key(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        return SigningKey.fromSeed(b);
    }

    private static Market market(MarketId id, Domain domain, List<String> outcomes) {
        return new Market(id, domain, "Market " + id, Tier.NORMAL, outcomes.stream().map(OutcomeId::of).toList(),
                SCHEDULE, TIMING, MarketStatus.ACTIVE);
    }

    /**
     * An item of {@code market} for the tick containing {@code t}, on the market's grid; {@code bias} moves the
     * first outcome's probability so different bundles carry different values.
     */
    public static BundleItem item(Market market, long t, int bias) {
        EpochSchedule.Tick tick = market.schedule().tickAt(t);
        List<String> outcomes = market.outcomes().stream().map(OutcomeId::value).sorted().toList();
        long first = 400_000_000L + (bias % 200) * 1_000_000L;
        List<OutcomeProbability> probs = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            long p = i == 0 ? first : (1_000_000_000L - first) / (outcomes.size() - 1)
                    + (i == 1 ? (1_000_000_000L - first) % (outcomes.size() - 1) : 0);
            probs.add(OutcomeProbability.of(outcomes.get(i), p, Math.max(0, p - 10_000_000),
                    Math.min(1_000_000_000L, p + 10_000_000)));
        }
        return new BundleItem(market.id(), tick.epoch().id(), tick.index(), tick.epoch().startMs(),
                tick.epoch().endMs(), new Distribution(probs), 9500, 1200, 0,
                ModelRef.of("logpool-dirichlet", "1.0.0"), Optional.empty(), Optional.empty());
    }

    /** A bundle of set 1 sealed at {@code producedAtMs}, its round the 5 s before. */
    public static EncodedBundle bundle(long sequence, long producedAtMs, List<BundleItem> items) {
        BundleHeader header = new BundleHeader(SET_ID, sequence, producedAtMs - 5_000, producedAtMs, producedAtMs);
        return EncodedBundle.of(Bundle.of(header, items));
    }

    /** Both markets at {@code t}. */
    public static EncodedBundle bundle(long sequence, long t) {
        int bias = (int) sequence;
        return bundle(sequence, t, List.of(item(BTC_MARKET, t, bias), item(NBA_MARKET, t, bias)));
    }

    /** Signatures of {@code keys} over the bundle's signed message, in canonical order. */
    public static SignedBundle sign(EncodedBundle bundle, SigningKey... keys) {
        List<SignerSignature> sigs = new ArrayList<>();
        for (SigningKey k : keys) {
            sigs.add(SignerSignature.of(k.publicKey(), k.sign(bundle.signedMessage())));
        }
        return SignedBundle.of(bundle, sigs);
    }

    /** A "random" source whose salts are all {@code seed}: two submitters with different seeds draw different salts. */
    public static SecureRandom fixedRandom(int seed) {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) seed);
            }
        };
    }

    public static byte[] salt(int seed) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) seed);
        return s;
    }

    /** The value of a counter data point whose labels include {@code labels} (name, value pairs); 0 when absent. */
    public static double counter(PrometheusRegistry registry, String name, String... labels) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        double sum = 0;
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && (c.getMetadata().getName().equals(base) || c.getMetadata().getName().equals(name))) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    boolean match = true;
                    for (int i = 0; i < labels.length; i += 2) {
                        match &= labels[i + 1].equals(p.getLabels().get(labels[i]));
                    }
                    if (match) {
                        sum += p.getValue();
                    }
                }
            }
        }
        return sum;
    }

    /** The value of an unlabelled gauge; NaN when absent. */
    public static double gauge(PrometheusRegistry registry, String name) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof GaugeSnapshot g && g.getMetadata().getName().equals(name)
                    && !g.getDataPoints().isEmpty()) {
                return g.getDataPoints().getFirst().getValue();
            }
        }
        return Double.NaN;
    }
}
