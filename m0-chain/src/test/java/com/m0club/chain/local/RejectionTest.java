package com.m0club.chain.local;

import static com.m0club.chain.local.Fixture.BTC;
import static com.m0club.chain.local.Fixture.K1;
import static com.m0club.chain.local.Fixture.K2;
import static com.m0club.chain.local.Fixture.K3;
import static com.m0club.chain.local.Fixture.NBA;
import static com.m0club.chain.local.Fixture.OUTSIDER;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.m0club.chain.LedgerRejection;
import com.m0club.chain.LedgerRejection.Reason;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.time.EpochSchedule;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every rejection reason, triggered on purpose: the reason, a message naming what broke, and the metric. */
class RejectionTest {
    private static final Set<Reason> COVERED = EnumSet.noneOf(Reason.class);
    private static final AtomicInteger RUN = new AtomicInteger();

    @TempDir
    Path dir;
    Harness h;

    /** The harness every test uses: the local ledger itself here; a front over it where another suite extends this. */
    Harness harness() throws java.io.IOException {
        return new Harness(dir);
    }

    @BeforeEach
    void open() throws Exception {
        h = harness();
        h.clock.advance(1_000);
    }

    @AfterEach
    void close() {
        RUN.incrementAndGet();
        h.close();
    }

    /** When the whole class ran, every reason was triggered by some test. */
    @AfterAll
    static void everyReasonHasATest() {
        long tests = Arrays.stream(RejectionTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).count();
        if (RUN.get() == tests) {
            assertThat(COVERED).containsExactlyInAnyOrder(Reason.values());
        }
    }

    /** Runs {@code call}, expects {@code reason}, checks the message names each of {@code mentions}. */
    private LedgerRejection expect(Reason reason, Executable call, String... mentions) {
        double before = Fixture.counter(h.registry, "m0_ledger_rejections", "reason", reason.name());
        LedgerRejection r = catchThrowableOfType(LedgerRejection.class, call::execute);
        assertThat(r).as("expected a %s rejection", reason).isNotNull();
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.getMessage()).startsWith(reason.name() + ": ");
        for (String m : mentions) {
            assertThat(r.detail()).contains(m);
        }
        assertThat(Fixture.counter(h.registry, "m0_ledger_rejections", "reason", reason.name()))
                .isEqualTo(before + 1);
        COVERED.add(reason);
        return r;
    }

    private Harness.Prepared committed(Harness.Prepared p) {
        h.commit(p);
        h.clock.advance(400);
        return p;
    }

    private Harness.Prepared one(long seq, BundleItem item) {
        return h.prepare(1, seq, h.clock.millis(), List.of(item), K1, K2);
    }

    @Test
    void unknownSignerSet() {
        Harness.Prepared p = h.prepare(1);
        expect(Reason.UNKNOWN_SIGNER_SET, () -> h.ledger.commit(p.commitHash(), 99, 1), "signer set 99");
        expect(Reason.UNKNOWN_SIGNER_SET, () -> h.ledger.activateSignerSet(98), "signer set 98");
    }

    @Test
    void signerSetNotActive() {
        h.ledger.registerSignerSet(Fixture.set2(SignerSetStatus.PENDING));
        Harness.Prepared p = h.prepare(1);
        expect(Reason.SIGNER_SET_NOT_ACTIVE, () -> h.ledger.commit(p.commitHash(), 2, 1), "signer set 2",
                "PENDING");
        h.ledger.activateSignerSet(2);
        expect(Reason.SIGNER_SET_NOT_ACTIVE, () -> h.commit(p), "signer set 1", "RETIRED");
    }

    @Test
    void signerSetConflict() {
        SignerSet edited = SignerSet.builder().id(1).threshold(3).key(K1.publicKey()).key(K2.publicKey())
                .key(K3.publicKey()).status(SignerSetStatus.ACTIVE).activationMs(T0).build();
        expect(Reason.SIGNER_SET_CONFLICT, () -> h.ledger.registerSignerSet(edited), "signer set 1",
                "never edited");
    }

    @Test
    void sequenceNotIncreasing() {
        h.publish(h.prepare(4));
        Harness.Prepared again = h.prepare(4);
        expect(Reason.SEQUENCE_NOT_INCREASING, () -> h.commit(again), "sequence 4", "last accepted sequence 4");
    }

    @Test
    void commitNotFound() {
        Harness.Prepared p = h.prepare(1);
        h.clock.advance(400);
        expect(Reason.COMMIT_NOT_FOUND, () -> h.reveal(p), p.commitHash().toHex(), "set 1 sequence 1");
    }

    @Test
    void commitMismatch() {
        Harness.Prepared p = committed(h.prepare(1));
        byte[] wrongSalt = Fixture.salt(200);
        expect(Reason.COMMIT_MISMATCH, () -> h.ledger.reveal(p.signed(), wrongSalt), p.commitHash().toHex(),
                "set 1 sequence 1");
        // A commitment made for one (set, sequence) opened by a bundle naming another.
        Harness.Prepared p2 = h.prepare(2);
        h.ledger.commit(p2.commitHash(), 1, 3);
        h.clock.advance(400);
        expect(Reason.COMMIT_MISMATCH, () -> h.reveal(p2), "was made for set 1 sequence 3",
                "names set 1 sequence 2");
    }

    @Test
    void commitHashReused() {
        Harness.Prepared p = h.prepare(1);
        h.commit(p);
        expect(Reason.COMMIT_HASH_REUSED, () -> h.ledger.commit(p.commitHash(), 1, 2), p.commitHash().toHex(),
                "set 1 sequence 1");
    }

    @Test
    void duplicateCommitSequence() {
        h.commit(h.prepare(1));
        Harness.Prepared other = h.prepare(1);
        expect(Reason.DUPLICATE_COMMIT_SEQUENCE, () -> h.commit(other), "set 1 sequence 1", "already pending");
    }

    @Test
    void revealTooEarly() {
        Harness.Prepared p = h.prepare(1);
        h.commit(p);
        h.clock.advance(399 - (h.clock.millis() - T0) % 400); // still the commit's slot
        expect(Reason.REVEAL_TOO_EARLY, () -> h.reveal(p), "slot", "min_reveal_delay");
        assertThat(expect(Reason.REVEAL_TOO_EARLY, () -> h.reveal(p)).reason().retryLater()).isTrue();
        h.clock.advance(1);
        h.reveal(p);
    }

    @Test
    void revealTooLate() {
        // The smallest max_reveal_delay_ms among the bundle's markets applies.
        Market quick = Fixture.market(BTC, List.of("DOWN", "UP"), new EpochSchedule(3_600_000, 5_000),
                new LedgerTiming(120_000, 30_000, 600_000, 15_000));
        h.ledger.registerMarket(quick);
        Harness.Prepared p = h.prepare(1);
        h.commit(p);
        h.clock.advance(30_001);
        expect(Reason.REVEAL_TOO_LATE, () -> h.reveal(p), "max_reveal_delay_ms 30000", "market " + BTC);
    }

    @Test
    void belowThreshold() {
        long now = h.clock.millis();
        Harness.Prepared p = committed(h.prepare(1, 1, now, List.of(Fixture.item(Fixture.nba(), now)), K1,
                OUTSIDER));
        expect(Reason.BELOW_THRESHOLD, () -> h.reveal(p), "1 valid signatures", "threshold is 2",
                "1 from keys outside the set ignored");
    }

    @Test
    void marketUnknown() {
        Market ghost = Fixture.market(MarketId.of("SPORTS_GHOST"), List.of("A", "B"),
                new EpochSchedule(3_600_000, 5_000), LedgerTiming.DEFAULTS);
        Harness.Prepared p = committed(h.prepare(1, 1, h.clock.millis(),
                List.of(Fixture.item(Fixture.nba(), h.clock.millis()), Fixture.item(ghost, h.clock.millis())),
                K1, K2));
        expect(Reason.MARKET_UNKNOWN, () -> h.reveal(p), "items[0]", "SPORTS_GHOST");
        expect(Reason.MARKET_UNKNOWN, () -> h.ledger.setMarketStatus(ghost.id(), MarketStatus.PAUSED),
                "SPORTS_GHOST");
        expect(Reason.MARKET_UNKNOWN, () -> h.ledger.finalizeEpoch(ghost.id(), 1), "SPORTS_GHOST");
    }

    @Test
    void marketNotActive() {
        Harness.Prepared p = committed(h.prepare(1));
        h.ledger.setMarketStatus(BTC, MarketStatus.PAUSED);
        expect(Reason.MARKET_NOT_ACTIVE, () -> h.reveal(p), "items[0]", BTC.value(), "PAUSED");
    }

    @Test
    void marketConflict() {
        expect(Reason.MARKET_CONFLICT, () -> h.ledger.setMarketStatus(NBA, MarketStatus.DRAFT), NBA.value(),
                "from ACTIVE to DRAFT");
        Market moved = new Market(NBA, Domain.POLITICS, "x", Fixture.nba().tier(), Fixture.nba().outcomes(),
                Fixture.nba().schedule(), Fixture.nba().timing(), MarketStatus.ACTIVE);
        expect(Reason.MARKET_CONFLICT, () -> h.ledger.registerMarket(moved), NBA.value(), "domain");
    }

    @Test
    void windowInconsistent() {
        long now = h.clock.millis();
        Market nba = Fixture.nba();
        long epoch = now / 3_600_000;
        // A tick past the end of the epoch (720 ticks of 5 s per hour).
        BundleItem lateTick = Fixture.item(NBA, List.of("AWAY", "HOME"), epoch, 720, epoch * 3_600_000,
                (epoch + 1) * 3_600_000);
        Harness.Prepared p = committed(one(1, lateTick));
        expect(Reason.WINDOW_INCONSISTENT, () -> h.reveal(p), "items[0]", NBA.value(), "tick 720",
                "epoch_window_ms 3600000");
        // A window on another grid (30-minute epochs).
        long half = now / 1_800_000;
        BundleItem otherGrid = Fixture.item(NBA, List.of("AWAY", "HOME"), half, 0, half * 1_800_000,
                (half + 1) * 1_800_000);
        Harness.Prepared p2 = committed(one(2, otherGrid));
        expect(Reason.WINDOW_INCONSISTENT, () -> h.reveal(p2), NBA.value(), "epoch_id " + half);
        assertThat(nba.schedule().ticksPerEpoch()).isEqualTo(720);
    }

    @Test
    void outcomesMismatch() {
        long now = h.clock.millis();
        long epoch = now / 3_600_000;
        BundleItem draw = Fixture.item(NBA, List.of("AWAY", "DRAW", "HOME"), epoch, 0, epoch * 3_600_000,
                (epoch + 1) * 3_600_000);
        Harness.Prepared p = committed(one(1, draw));
        expect(Reason.OUTCOMES_MISMATCH, () -> h.reveal(p), "items[0]", NBA.value(), "[AWAY, DRAW, HOME]",
                "[AWAY, HOME]");
    }

    @Test
    void epochFinalized() {
        h.publish(h.prepare(1));
        h.clock.set(T0 + 3_600_000 + 120_000);
        h.ledger.finalizeEpoch(NBA, T0 / 3_600_000);
        // A bundle produced at the end of the epoch, committed in time, revealed after finalization.
        Harness.Prepared p = h.prepare(1, 2, h.clock.millis(), List.of(Fixture.item(Fixture.nba(), T0 + 3_599_000)),
                K1, K2);
        committed(p);
        expect(Reason.EPOCH_FINALIZED, () -> h.reveal(p), "items[0]", NBA.value(), "epoch " + T0 / 3_600_000);
    }

    @Test
    void tooLarge() throws Exception {
        h.close();
        h.registry = new PrometheusRegistry();
        h.replace(() -> LocalLedger.builder(dir.resolve("small")).clock(h.clock).registry(h.registry)
                .maxSignedBundleBytes(300).open());
        Harness.Prepared p = h.prepare(1);
        expect(Reason.TOO_LARGE, () -> h.reveal(p), "bytes", "at most 300", "max_bundle_bytes");
    }

    @Test
    void producedInFuture() {
        long now = h.clock.millis();
        Harness.Prepared p = committed(h.prepare(1, 1, now + 15_001, List.of(Fixture.item(Fixture.nba(), now)),
                K1, K2));
        expect(Reason.PRODUCED_IN_FUTURE, () -> h.reveal(p), "header.produced_at_ms " + (now + 15_001),
                "max_clock_skew_ms 15000", NBA.value());
    }

    @Test
    void stale() {
        long now = h.clock.millis();
        h.clock.advance(600_001);
        Harness.Prepared p = committed(h.prepare(1, 1, now, List.of(Fixture.item(Fixture.nba(), now)), K1, K2));
        expect(Reason.STALE, () -> h.reveal(p), "header.produced_at_ms " + now, "max_commit_staleness_ms 600000");
    }

    @Test
    void malformed() {
        Harness.Prepared p = committed(h.prepare(1));
        byte[] trailing = Arrays.copyOf(p.signed(), p.signed().length + 1);
        expect(Reason.MALFORMED, () -> h.ledger.reveal(trailing, p.salt()), "does not decode", "TRAILING_BYTES", "at byte");
        expect(Reason.MALFORMED, () -> h.ledger.reveal(p.signed(), new byte[31]), "salt", "32 bytes");
        expect(Reason.MALFORMED, () -> h.ledger.commit(p.commitHash(), 1, 0), "sequence");
        expect(Reason.MALFORMED, () -> h.ledger.commit(p.commitHash(), 1L << 33, 1), "signer_set_id");
    }

    @Test
    void finalizeTooEarly() {
        h.publish(h.prepare(1));
        long epoch = T0 / 3_600_000;
        h.clock.set(T0 + 3_600_000 + 119_999);
        LedgerRejection r = expect(Reason.FINALIZE_TOO_EARLY, () -> h.ledger.finalizeEpoch(NBA, epoch),
                NBA.value(), "epoch " + epoch, "finalization_delay_ms 120000");
        assertThat(r.reason().retryLater()).isTrue();
        h.clock.advance(1);
        h.ledger.finalizeEpoch(NBA, epoch);
    }

    @Test
    void nothingToFinalize() {
        long past = T0 / 3_600_000 - 5;
        expect(Reason.NOTHING_TO_FINALIZE, () -> h.ledger.finalizeEpoch(NBA, past), NBA.value(), "epoch " + past,
                "no item");
    }
}
