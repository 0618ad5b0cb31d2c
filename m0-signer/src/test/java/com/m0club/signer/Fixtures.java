package com.m0club.signer;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.signer.policy.MarketDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shared test data: deterministic keys, a signer set, markets and bundles on their epoch grid. */
public final class Fixtures {
    /** 2026-01-01T00:00:00Z, on an hour boundary. */
    public static final long NOW = 1_767_225_600_000L + 125_000;
    public static final long SET_ID = 7;
    public static final EpochSchedule HOURLY_5S = new EpochSchedule(3_600_000, 5_000);

    public static final MarketId SPORTS = MarketId.of("SPORTS_LAL_BOS");
    public static final MarketId CRYPTO = MarketId.of("CRYPTO_BTC_UP");
    public static final MarketId PAUSED = MarketId.of("POLITICS_PAUSED");

    private Fixtures() {}

        public static SigningKey key(int i) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) (0x40 + i));
        return SigningKey.fromSeed(seed);
    }

    public static List<SigningKey> keys(int n) {
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(key(i));
        }
        return keys;
    }

    public static SignerSet set(long id, int threshold, List<SigningKey> keys) {
        SignerSet.Builder b = SignerSet.builder().id(id).threshold(threshold).status(SignerSetStatus.ACTIVE);
        if (threshold == 1) {
            b.allowSingleSigner();
        }
        for (SigningKey k : keys) {
            b.key(k.publicKey());
        }
        return b.build();
    }

    public static SignerSet set(int threshold, List<SigningKey> keys) {
        return set(SET_ID, threshold, keys);
    }

    public static List<SignerKey> publicKeys(List<SigningKey> keys) {
        return keys.stream().map(SigningKey::publicKey).toList();
    }

    public static Market market(MarketId id, MarketStatus status, List<String> outcomes, EpochSchedule schedule,
            LedgerTiming timing) {
        return new Market(id, Domain.SPORTS, "market " + id, Tier.NORMAL,
                outcomes.stream().map(OutcomeId::of).toList(), schedule, timing, status);
    }

    public static List<Market> markets() {
        return List.of(
                market(SPORTS, MarketStatus.ACTIVE, List.of("AWAY", "HOME"), HOURLY_5S, LedgerTiming.DEFAULTS),
                market(CRYPTO, MarketStatus.ACTIVE, List.of("DOWN", "UP"), new EpochSchedule(60_000, 1_000),
                        new LedgerTiming(120_000, 600_000, 300_000, 5_000)),
                market(PAUSED, MarketStatus.PAUSED, List.of("NO", "YES"), HOURLY_5S, LedgerTiming.DEFAULTS));
    }

    public static MarketDirectory directory() {
        return MarketDirectory.of(markets());
    }

    /** An item for {@code market} at time {@code atMs} on {@code schedule}, with the given outcome ids. */
    public static BundleItem item(MarketId market, EpochSchedule schedule, long atMs, List<String> outcomes) {
        EpochSchedule.Tick tick = schedule.tickAt(atMs);
        List<OutcomeProbability> probs = new ArrayList<>();
        long remaining = 1_000_000_000L;
        for (int i = 0; i < outcomes.size(); i++) {
            long p = i == outcomes.size() - 1 ? remaining : 1_000_000_000L / outcomes.size();
            remaining -= p;
            probs.add(OutcomeProbability.of(outcomes.get(i), p, Math.max(0, p - 10_000_000),
                    Math.min(1_000_000_000L, p + 10_000_000)));
        }
        return BundleItem.builder()
                .market(market)
                .epoch(tick.epoch().id(), tick.epoch().startMs(), tick.epoch().endMs())
                .tick(tick.index())
                .distribution(Distribution.of(probs))
                .model("logpool-dirichlet", "1.0.0")
                .build();
    }

    public static BundleItem sportsItem(long atMs) {
        return item(SPORTS, HOURLY_5S, atMs, List.of("AWAY", "HOME"));
    }

    public static BundleItem cryptoItem(long atMs) {
        return item(CRYPTO, new EpochSchedule(60_000, 1_000), atMs, List.of("DOWN", "UP"));
    }

    public static EncodedBundle bundle(long setId, long sequence, long producedAtMs, List<BundleItem> items) {
        BundleHeader header = new BundleHeader(setId, sequence, producedAtMs - 5_000, producedAtMs, producedAtMs);
        return EncodedBundle.of(Bundle.of(header, items));
    }

    /** A valid bundle for {@link #SET_ID} at {@code sequence}, produced at {@code producedAtMs}. */
    public static EncodedBundle bundle(long sequence, long producedAtMs) {
        return bundle(SET_ID, sequence, producedAtMs, List.of(sportsItem(producedAtMs), cryptoItem(producedAtMs)));
    }

    /** Another valid bundle at the same sequence, with a different hash (different values). */
    public static EncodedBundle otherBundle(long sequence, long producedAtMs) {
        return bundle(SET_ID, sequence, producedAtMs, List.of(sportsItem(producedAtMs)));
    }
}
