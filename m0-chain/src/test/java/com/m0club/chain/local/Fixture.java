package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.Commitment;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.time.EpochSchedule;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Keys, sets, markets and bundles for ledger tests: everything fixed, so failures reproduce. */
final class Fixture {
    /** 2026-01-01T00:00:00Z: on every epoch grid the tests use. */
    static final long T0 = 1_767_225_600_000L;

    static final SigningKey K1 = key(1);
    static final SigningKey K2 = key(2);
    static final SigningKey K3 = key(3);
    static final SigningKey OUTSIDER = key(9);
    static final SigningKey K4 = key(4);
    static final SigningKey K5 = key(5);

    static final MarketId NBA = MarketId.of("SPORTS_NBA_LAL_BOS");
    static final MarketId BTC = MarketId.of("CRYPTO_BTC_UP_1H");

    static SigningKey key(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        return SigningKey.fromSeed(b);
    }

    /** Set 1: 2-of-{K1, K2, K3}. */
    static SignerSet set1(SignerSetStatus status) {
        return SignerSet.builder().id(1).threshold(2).key(K1.publicKey()).key(K2.publicKey()).key(K3.publicKey())
                .status(status).activationMs(T0).build();
    }

    /** Set 2: 2-of-{K3, K4, K5}, for rotation. */
    static SignerSet set2(SignerSetStatus status) {
        return SignerSet.builder().id(2).threshold(2).key(K3.publicKey()).key(K4.publicKey()).key(K5.publicKey())
                .status(status).activationMs(T0 + 3_600_000).build();
    }

    static Market market(MarketId id, List<String> outcomes, EpochSchedule schedule, LedgerTiming timing) {
        return new Market(id, id == BTC ? Domain.CRYPTO : Domain.SPORTS, "Market " + id, Tier.NORMAL,
                outcomes.stream().map(OutcomeId::of).toList(), schedule, timing, MarketStatus.ACTIVE);
    }

    /** Hourly epochs, 5 s ticks, production timing. */
    static Market nba() {
        return market(NBA, List.of("AWAY", "HOME"), new EpochSchedule(3_600_000, 5_000), LedgerTiming.DEFAULTS);
    }

    static Market btc() {
        return market(BTC, List.of("DOWN", "UP"), new EpochSchedule(3_600_000, 5_000), LedgerTiming.DEFAULTS);
    }

    static LocalLedger open(Path dir, ManualClock clock) throws IOException {
        return open(dir, clock, new PrometheusRegistry());
    }

    static LocalLedger open(Path dir, ManualClock clock, PrometheusRegistry registry) throws IOException {
        return LocalLedger.builder(dir).clock(clock).registry(registry).open();
    }

    /** A ledger that snapshots every {@code every} records and keeps {@code retentionHours} of history. */
    static LocalLedger openCompacting(Path dir, ManualClock clock, long every, long retentionHours)
            throws IOException {
        return LocalLedger.builder(dir).clock(clock).registry(new PrometheusRegistry()).snapshotEveryRecords(every)
                .retentionHours(retentionHours).open();
    }

    /** An item for {@code market} at time {@code t}, on the market's grid, with an even split over its outcomes. */
    static BundleItem item(Market market, long t) {
        EpochSchedule.Tick tick = market.schedule().tickAt(t);
        return item(market.id(), market.outcomes().stream().map(OutcomeId::value).toList(), tick.epoch().id(),
                tick.index(), tick.epoch().startMs(), tick.epoch().endMs());
    }

    static BundleItem item(MarketId market, List<String> outcomes, long epochId, long tick, long start, long end) {
        List<OutcomeProbability> probs = new ArrayList<>();
        long share = 1_000_000_000L / outcomes.size();
        long rest = 1_000_000_000L - share * outcomes.size();
        List<String> sorted = outcomes.stream().sorted().toList();
        for (int i = 0; i < sorted.size(); i++) {
            long p = share + (i == 0 ? rest : 0);
            probs.add(OutcomeProbability.of(sorted.get(i), p, Math.max(0, p - 10_000_000), Math.min(1_000_000_000L,
                    p + 10_000_000)));
        }
        return new BundleItem(market, epochId, tick, start, end, new Distribution(probs), 9500, 1200, 0,
                ModelRef.of("logpool-dirichlet", "1.0.0"), Optional.empty(), Optional.empty());
    }

    static EncodedBundle bundle(long setId, long sequence, long producedAtMs, List<BundleItem> items) {
        BundleHeader header = new BundleHeader(setId, sequence, producedAtMs - 5_000, producedAtMs, producedAtMs);
        return EncodedBundle.of(Bundle.of(header, items));
    }

    static byte[] sign(EncodedBundle bundle, SigningKey... keys) {
        List<SignerSignature> sigs = new ArrayList<>();
        for (SigningKey k : keys) {
            sigs.add(SignerSignature.of(k.publicKey(), k.sign(bundle.signedMessage())));
        }
        return SignedBundle.of(bundle, sigs).encode();
    }

    static byte[] salt(int seed) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) seed);
        s[0] = (byte) (seed >>> 8);
        return s;
    }

    static Hash32 commitHash(EncodedBundle bundle, byte[] salt) {
        return Commitment.commitHash(bundle.bundleHash(), salt);
    }

    /** The value of a counter (labels as name, value pairs) in {@code registry}; 0 when absent. */
    static double counter(PrometheusRegistry registry, String name, String... labels) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    boolean match = true;
                    for (int i = 0; i < labels.length; i += 2) {
                        match &= labels[i + 1].equals(p.getLabels().get(labels[i]));
                    }
                    if (match) {
                        return p.getValue();
                    }
                }
            }
        }
        return 0;
    }

    private Fixture() {}
}
