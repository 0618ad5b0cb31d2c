package com.m0club.api.testing;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
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
import com.m0club.view.BundleRecord;
import com.m0club.view.LedgerStatus;
import com.m0club.view.PublishStatus;
import com.m0club.view.ServedValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small oracle built from real protocol objects: five markets, a real 2-of-3 {@link SignerSet} of Ed25519 keys
 * (fixed seeds, so runs are reproducible), an outsider key, and rounds published as real {@link EncodedBundle}s
 * signed by two members, with real merkle proofs and commit hashes. Everything lands in an {@link InMemoryOracle}.
 *
 * <pre>
 *   OracleFixture f = OracleFixture.seeded();           // round 1 revealed for four markets
 *   Round r = f.round(Map.of(OracleFixture.BTC, OracleFixture.binary(0.61)));
 *   f.reveal(r);                                          // latest + feed listeners
 * </pre>
 */
public final class OracleFixture {
    public static final long SIGNER_SET_ID = 7;
    public static final int THRESHOLD = 2;
    /** 2026-01-01T00:00:00Z: round 1 starts here. */
    public static final long T0 = 1_767_225_600_000L;
    public static final long ROUND_MS = 5_000;
    public static final long EPOCH_WINDOW_MS = 3_600_000;

    public static final MarketId BTC = MarketId.of("CRYPTO_BTC_UP_1H");
    public static final MarketId CPI = MarketId.of("MACRO_US_CPI_ABOVE_3");
    public static final MarketId SENATE = MarketId.of("POLITICS_US_SENATE_2026");
    public static final MarketId EPL = MarketId.of("SPORTS_EPL_ARS_CHE_2026_01_04");
    public static final MarketId NBA = MarketId.of("SPORTS_NBA_LAL_BOS_2026_01_04");

    private final InMemoryOracle oracle = new InMemoryOracle();
    private final List<SigningKey> members;
    private final SigningKey outsider;
    private final SignerSet signerSet;
    private final Map<MarketId, Market> markets = new LinkedHashMap<>();
    private long nextSequence = 1;

    private OracleFixture() {
        members = List.of(key(1), key(2), key(3));
        outsider = key(99);
        signerSet = SignerSet.builder().id(SIGNER_SET_ID).threshold(THRESHOLD)
                .keys(members.stream().map(SigningKey::publicKey).toList()).status(SignerSetStatus.ACTIVE)
                .activationMs(T0 - 86_400_000L).build();
        oracle.register(signerSet);
        market(BTC, Domain.CRYPTO, "Bitcoin closes the hour higher", Tier.FAST, MarketStatus.ACTIVE, "DOWN", "UP");
        market(CPI, Domain.MACRO, "US CPI year-on-year above 3.0% in the next print", Tier.SLOW,
                MarketStatus.ACTIVE, "NO", "YES");
        market(SENATE, Domain.POLITICS, "Party controlling the US Senate after the 2026 midterms", Tier.SLOW,
                MarketStatus.ACTIVE, "DEM", "GOP", "OTHER");
        market(EPL, Domain.SPORTS, "Arsenal v Chelsea, 4 Jan 2026", Tier.NORMAL, MarketStatus.PAUSED, "ARS", "CHE",
                "DRAW");
        market(NBA, Domain.SPORTS, "Lakers at Celtics, 4 Jan 2026", Tier.NORMAL, MarketStatus.ACTIVE, "BOS",
                "LAL");
    }

    /** Markets registered, nothing published. */
    public static OracleFixture empty() {
        return new OracleFixture();
    }

    /**
     * Round 1 for BTC, SENATE, EPL and NBA, FINALIZED; round 2 for BTC and NBA, REVEALED; CPI has no value; EPL's
     * newer bundle failed (a problem to show).
     */
    public static OracleFixture seeded() {
        OracleFixture f = new OracleFixture();
        Map<MarketId, Distribution> first = new LinkedHashMap<>();
        first.put(BTC, binary(0.55));
        first.put(SENATE, Distribution.fromDoubles(List.of(
                Distribution.DoubleOutcome.of("DEM", 0.41, 0.36, 0.46),
                Distribution.DoubleOutcome.of("GOP", 0.57, 0.52, 0.62),
                Distribution.DoubleOutcome.of("OTHER", 0.02, 0.0, 0.05))));
        first.put(EPL, Distribution.fromDoubles(List.of(
                Distribution.DoubleOutcome.of("ARS", 0.48, 0.43, 0.53),
                Distribution.DoubleOutcome.of("CHE", 0.27, 0.22, 0.32),
                Distribution.DoubleOutcome.of("DRAW", 0.25, 0.2, 0.3))));
        first.put(NBA, Distribution.fromDoubles(List.of(
                Distribution.DoubleOutcome.of("BOS", 0.62, 0.57, 0.67),
                Distribution.DoubleOutcome.of("LAL", 0.38, 0.33, 0.43))));
        Round r1 = f.round(first, QualityFlag.of(QualityFlag.STALE_SOURCE));
        f.finalizeRound(r1);
        Map<MarketId, Distribution> second = new LinkedHashMap<>();
        second.put(BTC, binary(0.58));
        second.put(NBA, Distribution.fromDoubles(List.of(
                Distribution.DoubleOutcome.of("BOS", 0.64, 0.6, 0.68),
                Distribution.DoubleOutcome.of("LAL", 0.36, 0.32, 0.4))));
        f.reveal(f.round(second, QualityFlag.of(QualityFlag.DRIFT, QualityFlag.CI_WIDE)));
        f.oracle.problem(EPL, PublishStatus.FAILED, "market EPL paused by operator: item refused by the ledger");
        return f;
    }

    /** A two-outcome distribution for BTC-style markets: UP with probability {@code up}, CI of +-0.04. */
    public static Distribution binary(double up) {
        return Distribution.fromDoubles(List.of(
                Distribution.DoubleOutcome.of("DOWN", 1 - up, Math.max(0, 1 - up - 0.04), Math.min(1, 1.04 - up)),
                Distribution.DoubleOutcome.of("UP", up, Math.max(0, up - 0.04), Math.min(1, up + 0.04))));
    }

    public InMemoryOracle oracle() {
        return oracle;
    }

    public SignerSet signerSet() {
        return signerSet;
    }

    /** The n members' private keys, in the set's key order. */
    public List<SigningKey> members() {
        return members;
    }

    /** A key that is not in the signer set. */
    public SigningKey outsider() {
        return outsider;
    }

    public Market market(MarketId id) {
        return markets.get(id);
    }

    public List<Market> markets() {
        return List.copyOf(markets.values());
    }

    /** A published round: the real encoded bundle, its signatures, and one served value per item. */
    public record Round(EncodedBundle bundle, SignedBundle signed, Hash32 commitHash, long commitSlot,
            long revealSlot, List<ServedValue> values) {
        public ServedValue value(MarketId market) {
            return values.stream().filter(v -> v.marketId().equals(market)).findFirst().orElseThrow();
        }
    }

    public Round round(Map<MarketId, Distribution> values) {
        return round(values, 0);
    }

    /**
     * Builds, encodes and signs the next round (next sequence of set 7) with members 0 and 1, and stores its bundle
     * record as REVEALED. Nothing is served until {@link #reveal} or {@link #finalize}.
     */
    public Round round(Map<MarketId, Distribution> values, long qualityFlags) {
        long sequence = nextSequence++;
        long start = T0 + (sequence - 1) * ROUND_MS;
        long end = start + ROUND_MS;
        BundleHeader header = new BundleHeader(SIGNER_SET_ID, sequence, start, end, end + 200);
        List<BundleItem> items = new ArrayList<>();
        for (Map.Entry<MarketId, Distribution> e : values.entrySet()) {
            Market m = markets.get(e.getKey());
            EpochSchedule.Tick tick = m.schedule().tickAt(start);
            items.add(BundleItem.builder().market(m.id())
                    .epoch(tick.epoch().id(), tick.epoch().startMs(), tick.epoch().endMs()).tick(tick.index())
                    .distribution(e.getValue()).ciLevelBps(9500).riskScoreBps(1200 + 100 * (int) (sequence % 7))
                    .qualityFlags(qualityFlags).model("logpool-dirichlet", "1.0.0").build());
        }
        EncodedBundle encoded = EncodedBundle.of(Bundle.of(header, items));
        Hash32 digest = encoded.signedMessage();
        SignedBundle signed = SignedBundle.of(encoded, List.of(
                SignerSignature.of(members.get(0).publicKey(), members.get(0).sign(digest)),
                SignerSignature.of(members.get(1).publicKey(), members.get(1).sign(digest))));
        byte[] salt = new byte[Commitment.SALT_LENGTH];
        Arrays.fill(salt, (byte) sequence);
        Hash32 commitHash = Commitment.commitHash(encoded.bundleHash(), salt);
        long commitSlot = 1_000 + sequence * 10;
        long revealSlot = commitSlot + 2;
        List<ServedValue> served = new ArrayList<>();
        for (int i = 0; i < encoded.itemCount(); i++) {
            served.add(new ServedValue(encoded.bundle().items().get(i).marketId(), encoded.bundle().items().get(i),
                    encoded.itemBytes(i), encoded.headerBytes(), encoded.proof(i), encoded.bundleHash(),
                    SIGNER_SET_ID, sequence, THRESHOLD, signed.signatures(), LedgerStatus.REVEALED, commitHash,
                    commitSlot, revealSlot, OptionalLong.empty(), end + 1_500));
        }
        oracle.put(record(encoded, signed, commitHash, PublishStatus.REVEALED, end));
        return new Round(encoded, signed, commitHash, commitSlot, revealSlot, List.copyOf(served));
    }

    /** Serves every value of the round as REVEALED and pushes each through the feed. */
    public void reveal(Round round) {
        for (ServedValue v : round.values()) {
            oracle.reveal(v);
        }
    }

    /** Serves every value of the round as FINALIZED (at reveal slot + 50) and pushes each through the feed. */
    public void finalizeRound(Round round) {
        long end = round.bundle().header().roundEndMs();
        oracle.put(record(round.bundle(), round.signed(), round.commitHash(), PublishStatus.FINALIZED, end));
        for (ServedValue v : round.values()) {
            oracle.reveal(finalized(v));
        }
    }

    /** The same value as the ledger reports it once its epoch finalized. */
    public static ServedValue finalized(ServedValue v) {
        return new ServedValue(v.marketId(), v.item(), v.itemBytes(), v.headerBytes(), v.proof(), v.bundleHash(),
                v.signerSetId(), v.sequence(), v.threshold(), v.signatures(), LedgerStatus.FINALIZED,
                v.commitHash(), v.commitSlot(), v.revealSlot(), OptionalLong.of(v.revealSlot() + 50),
                v.revealedAtMs());
    }

    private static BundleRecord record(EncodedBundle encoded, SignedBundle signed, Hash32 commitHash,
            PublishStatus status, long end) {
        List<BundleRecord.Transition> transitions = new ArrayList<>();
        long at = end + 200;
        for (PublishStatus s : List.of(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED,
                PublishStatus.REVEALED, PublishStatus.FINALIZED)) {
            transitions.add(new BundleRecord.Transition(s, at, Optional.empty()));
            at += 400;
            if (s == status) {
                break;
            }
        }
        BundleHeader h = encoded.header();
        return new BundleRecord(encoded.bundleHash(), h.signerSetId(), h.sequence(), h.roundStartMs(),
                h.roundEndMs(), encoded.itemCount(), encoded.bytes(), Optional.of(signed.encode()), status,
                transitions, Optional.of(commitHash), Optional.empty());
    }

    private void market(MarketId id, Domain domain, String title, Tier tier, MarketStatus status,
            String... outcomes) {
        Market m = new Market(id, domain, title, tier, Arrays.stream(outcomes).map(OutcomeId::of).toList(),
                new EpochSchedule(EPOCH_WINDOW_MS, tier.defaultCadenceMs()), LedgerTiming.DEFAULTS, status);
        markets.put(id, m);
        oracle.register(m);
    }

    private static SigningKey key(int seed) {
        byte[] bytes = new byte[SigningKey.SEED_LENGTH];
        Arrays.fill(bytes, (byte) seed);
        return SigningKey.fromSeed(bytes);
    }
}
