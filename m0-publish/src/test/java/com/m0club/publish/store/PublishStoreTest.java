package com.m0club.publish.store;

import static com.m0club.publish.support.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.Commitment;
import com.m0club.publish.reconcile.LedgerViewStore;
import com.m0club.publish.state.PublishTransitions;
import com.m0club.publish.store.PublishStore.IllegalTransitionException;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.support.Fixture;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import com.m0club.view.BundleRecord;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The durable publish state on a real PostgreSQL: idempotent inserts, the state machine, salts, and what is left. */
class PublishStoreTest {
    private Database db;
    private Jdbc jdbc;
    private PublishStore store;
    private long nextSequence = 100;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        jdbc = db.jdbc();
        store = new PublishStore(jdbc);
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    private static EncodedBundle bundle(long sequence) {
        return Fixture.bundle(sequence, T0 + sequence * 5_000);
    }

    private long count(String sql, Object... params) {
        return jdbc.queryOne("test.count", sql, rs -> rs.getLong(1), params).orElseThrow();
    }

    private StoredBundle find(Hash32 hash) {
        return store.find(hash).orElseThrow();
    }

    private static List<PublishStatus> statuses(StoredBundle b) {
        return b.record().transitions().stream().map(BundleRecord.Transition::status).toList();
    }

    private byte[] signedBytes(EncodedBundle b) {
        return Fixture.sign(b, Fixture.K1, Fixture.K2).encode();
    }

    @Test
    void insertBuiltIsIdempotentPerBundleHash() {
        EncodedBundle b = bundle(1);

        assertThat(store.insertBuilt(b, T0)).isTrue();
        assertThat(store.insertBuilt(b, T0 + 1_000)).isFalse();

        assertThat(count("SELECT COUNT(*) FROM bundles")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM bundle_items")).isEqualTo(2);
        StoredBundle stored = find(b.bundleHash());
        assertThat(stored.status()).isEqualTo(PublishStatus.BUILT);
        assertThat(stored.record().transitions()).containsExactly(
                new BundleRecord.Transition(PublishStatus.BUILT, T0, Optional.empty()));
        assertThat(stored.record().bundleBytes()).isEqualTo(b.bytes());
        assertThat(stored.record().signerSetId()).isEqualTo(Fixture.SET_ID);
        assertThat(stored.record().sequence()).isEqualTo(1);
        assertThat(stored.record().itemCount()).isEqualTo(2);
        assertThat(stored.record().roundStartMs()).isEqualTo(b.header().roundStartMs());
        assertThat(stored.record().roundEndMs()).isEqualTo(b.header().roundEndMs());
        assertThat(stored.record().signedBundleBytes()).isEmpty();
        assertThat(stored.salt()).isEmpty();
        assertThat(stored.attempts()).isZero();
    }

    @Test
    void aSecondBundleUnderTheSameSequenceIsRefusedByTheSchema() {
        store.insertBuilt(bundle(1), T0);
        EncodedBundle other = Fixture.bundle(1, T0 + 60_000);

        assertThatThrownBy(() -> store.insertBuilt(other, T0 + 60_000)).hasMessageContaining(
                "bundles_one_hash_per_sequence");
        assertThat(count("SELECT COUNT(*) FROM bundles")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM bundle_items")).isEqualTo(2);
    }

    @Test
    void theHappyPathRecordsEveryTransitionWithItsTimeInOrder() {
        EncodedBundle b = bundle(1);
        Hash32 h = b.bundleHash();
        byte[] signed = signedBytes(b);
        byte[] salt = Fixture.salt(7);
        Hash32 commitHash = Commitment.commitHash(h, salt);

        store.insertBuilt(b, T0 + 1);
        store.markSigned(h, signed, T0 + 2);
        assertThat(store.recordCommitment(h, salt, commitHash, T0 + 3)).isEqualTo(salt);
        store.markCommitted(h, 10, T0 + 4);
        store.markRevealed(h, 11, T0 + 5);
        store.markFinalized(h, T0 + 6);

        StoredBundle stored = find(h);
        assertThat(stored.status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(statuses(stored)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED,
                PublishStatus.COMMITTED, PublishStatus.REVEALED, PublishStatus.FINALIZED);
        assertThat(stored.record().transitions()).extracting(BundleRecord.Transition::atMs)
                .containsExactly(T0 + 1, T0 + 2, T0 + 4, T0 + 5, T0 + 6).isSorted();
        assertThat(stored.record().transitions()).allSatisfy(t -> assertThat(t.reason()).isEmpty());
        assertThat(stored.record().signedBundleBytes()).hasValue(signed);
        assertThat(stored.record().commitHash()).hasValue(commitHash);
        assertThat(stored.salt()).hasValue(salt);
        assertThat(stored.commitSlot()).hasValue(10L);
        assertThat(stored.revealSlot()).hasValue(11L);
        assertThat(stored.record().problem()).isEmpty();
        assertThat(store.countByStatus(PublishStatus.FINALIZED)).isEqualTo(1);
    }

    @Test
    void movingToTheCurrentStateAgainIsANoOp() {
        EncodedBundle b = bundle(1);
        byte[] signed = signedBytes(b);
        store.insertBuilt(b, T0);
        store.markSigned(b.bundleHash(), signed, T0 + 1);
        store.markSigned(b.bundleHash(), signed, T0 + 2);

        assertThat(statuses(find(b.bundleHash()))).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED);
        assertThat(find(b.bundleHash()).record().transitions().getLast().atMs()).isEqualTo(T0 + 1);
    }

    /** Puts a bundle in {@code status} by the normal route. */
    private Hash32 bundleIn(long sequence, PublishStatus status) {
        EncodedBundle b = bundle(sequence);
        Hash32 h = b.bundleHash();
        store.insertBuilt(b, T0);
        switch (status) {
            case BUILT -> { }
            case FAILED -> store.markFailed(h, "given up", T0 + 1);
            default -> {
                store.markSigned(h, signedBytes(b), T0 + 1);
                if (status == PublishStatus.SIGNED) {
                    break;
                }
                store.recordCommitment(h, Fixture.salt(1), Commitment.commitHash(h, Fixture.salt(1)), T0 + 2);
                store.markCommitted(h, 5, T0 + 2);
                if (status == PublishStatus.MISMATCH) {
                    store.markMismatch(h, "disagrees", T0 + 3);
                } else if (status != PublishStatus.COMMITTED) {
                    store.markRevealed(h, 6, T0 + 3);
                    if (status == PublishStatus.FINALIZED) {
                        store.markFinalized(h, T0 + 4);
                    }
                }
            }
        }
        assertThat(find(h).status()).isEqualTo(status);
        return h;
    }

    private void assertIllegal(PublishStatus from, PublishStatus to, Consumer<Hash32> move) {
        Hash32 h = bundleIn(nextSequence++, from);
        StoredBundle before = find(h);

        assertThatThrownBy(() -> move.accept(h)).isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(h.toHex()).hasMessageContaining("from " + from + " to " + to);

        StoredBundle after = find(h);
        assertThat(after.status()).isEqualTo(from);
        assertThat(after.record().transitions()).isEqualTo(before.record().transitions());
        assertThat(after.record().problem()).isEqualTo(before.record().problem());
        assertThat(after.commitSlot()).isEqualTo(before.commitSlot());
        assertThat(after.revealSlot()).isEqualTo(before.revealSlot());
        assertThat(after.record().signedBundleBytes().map(Arrays::hashCode))
                .isEqualTo(before.record().signedBundleBytes().map(Arrays::hashCode));
    }

    @Test
    void illegalTransitionsThrowAndChangeNothing() {
        byte[] otherSigned = signedBytes(bundle(99));
        assertIllegal(PublishStatus.FINALIZED, PublishStatus.SIGNED, h -> store.markSigned(h, otherSigned, T0 + 9));
        assertIllegal(PublishStatus.FAILED, PublishStatus.COMMITTED, h -> store.markCommitted(h, 9, T0 + 9));
        assertIllegal(PublishStatus.MISMATCH, PublishStatus.REVEALED, h -> store.markRevealed(h, 9, T0 + 9));
        assertIllegal(PublishStatus.REVEALED, PublishStatus.COMMITTED, h -> store.markCommitted(h, 9, T0 + 9));
        assertIllegal(PublishStatus.COMMITTED, PublishStatus.SIGNED, h -> store.markSigned(h, otherSigned, T0 + 9));
        // once the ledger accepted the bundle it cannot be given up
        assertIllegal(PublishStatus.REVEALED, PublishStatus.FAILED, h -> store.markFailed(h, "late", T0 + 9));
    }

    @Test
    void theStoreAllowsExactlyWhatTheStateMachineCallsReachable() {
        byte[] signed = signedBytes(bundle(99));
        Map<PublishStatus, Consumer<Hash32>> moves = new EnumMap<>(PublishStatus.class);
        moves.put(PublishStatus.SIGNED, h -> store.markSigned(h, signed, T0 + 9));
        moves.put(PublishStatus.COMMITTED, h -> store.markCommitted(h, 9, T0 + 9));
        moves.put(PublishStatus.REVEALED, h -> store.markRevealed(h, 9, T0 + 9));
        moves.put(PublishStatus.FINALIZED, h -> store.markFinalized(h, T0 + 9));
        moves.put(PublishStatus.FAILED, h -> store.markFailed(h, "failed", T0 + 9));
        moves.put(PublishStatus.MISMATCH, h -> store.markMismatch(h, "mismatch", T0 + 9));
        for (PublishStatus from : PublishStatus.values()) {
            for (var move : moves.entrySet()) {
                PublishStatus to = move.getKey();
                if (PublishTransitions.reachable(from, to)) {
                    Hash32 h = bundleIn(nextSequence++, from);
                    move.getValue().accept(h);
                    assertThat(find(h).status()).as("%s -> %s", from, to).isEqualTo(to);
                } else {
                    assertIllegal(from, to, move.getValue());
                }
            }
        }
    }

    @Test
    void theStoreAllowsTheJumpsTheReconcilerNeedsAfterACrash() {
        Hash32 h = bundleIn(1, PublishStatus.SIGNED);

        store.markRevealed(h, 12, T0 + 10); // the ledger revealed it; the submitter died before recording COMMITTED

        StoredBundle b = find(h);
        assertThat(b.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(b.revealSlot()).hasValue(12L);
        assertThat(statuses(b)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.REVEALED);
    }

    @Test
    void aTransitionOfAnUnknownBundleSaysSo() {
        Hash32 unknown = bundle(5).bundleHash();
        assertThatThrownBy(() -> store.markCommitted(unknown, 1, T0)).isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(IllegalTransitionException.class).hasMessageContaining("is not stored");
        assertThatThrownBy(() -> store.recordCommitment(unknown, Fixture.salt(1), Hash32.of(new byte[32]), T0))
                .hasMessageContaining("is not stored");
        assertThat(store.find(unknown)).isEmpty();
    }

    @Test
    void recordCommitmentKeepsTheFirstSalt() {
        Hash32 h = bundleIn(1, PublishStatus.SIGNED);
        byte[] first = Fixture.salt(1);
        byte[] second = Fixture.salt(2);
        Hash32 firstCommit = Commitment.commitHash(h, first);

        assertThat(store.recordCommitment(h, first, firstCommit, T0 + 5)).isEqualTo(first);
        assertThat(store.recordCommitment(h, second, Commitment.commitHash(h, second), T0 + 6)).isEqualTo(first);

        StoredBundle b = find(h);
        assertThat(b.salt()).hasValue(first);
        assertThat(b.record().commitHash()).hasValue(firstCommit);
        assertThat(b.status()).as("recording the commitment is not a transition").isEqualTo(PublishStatus.SIGNED);
    }

    @Test
    void unfinishedListsBuiltSignedAndCommittedInSequenceOrder() {
        Hash32 committed = bundleIn(4, PublishStatus.COMMITTED);
        bundleIn(3, PublishStatus.REVEALED);
        Hash32 built = bundleIn(6, PublishStatus.BUILT);
        Hash32 signed = bundleIn(2, PublishStatus.SIGNED);
        bundleIn(5, PublishStatus.FAILED);
        bundleIn(1, PublishStatus.FINALIZED);
        bundleIn(7, PublishStatus.MISMATCH);

        List<StoredBundle> unfinished = store.unfinished();

        assertThat(unfinished).extracting(StoredBundle::bundleHash).containsExactly(signed, committed, built);
        assertThat(unfinished).extracting(StoredBundle::status).containsExactly(PublishStatus.SIGNED,
                PublishStatus.COMMITTED, PublishStatus.BUILT);
        assertThat(unfinished.get(1).salt()).isPresent();
        assertThat(unfinished.get(1).record().transitions()).hasSize(3);
    }

    @Test
    void markFailedStoresTheReasonOnTheTransitionAndAsTheProblem() {
        Hash32 h = bundleIn(1, PublishStatus.COMMITTED);

        store.markFailed(h, "ledger rejected: MARKET_NOT_ACTIVE: paused", T0 + 50);

        StoredBundle b = find(h);
        assertThat(b.status()).isEqualTo(PublishStatus.FAILED);
        assertThat(b.record().problem()).hasValue("ledger rejected: MARKET_NOT_ACTIVE: paused");
        assertThat(b.record().transitions().getLast()).isEqualTo(new BundleRecord.Transition(PublishStatus.FAILED,
                T0 + 50, Optional.of("ledger rejected: MARKET_NOT_ACTIVE: paused")));
        assertThat(store.countByStatus(PublishStatus.FAILED)).isEqualTo(1);
        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void markMismatchStoresItsReason() {
        Hash32 h = bundleIn(1, PublishStatus.REVEALED);

        store.markMismatch(h, "the ledger holds another item", T0 + 9);

        assertThat(find(h).status()).isEqualTo(PublishStatus.MISMATCH);
        assertThat(find(h).record().problem()).hasValue("the ledger holds another item");
        assertThat(find(h).record().transitions().getLast().reason()).hasValue("the ledger holds another item");
    }

    @Test
    void recordProblemCountsAttemptsWithoutChangingTheState() {
        Hash32 h = bundleIn(1, PublishStatus.SIGNED);

        store.recordProblem(h, "commit attempt 1: reset", T0 + 1);
        store.recordProblem(h, "commit attempt 2: timeout", T0 + 2);

        StoredBundle b = find(h);
        assertThat(b.attempts()).isEqualTo(2);
        assertThat(b.record().problem()).hasValue("commit attempt 2: timeout");
        assertThat(b.status()).isEqualTo(PublishStatus.SIGNED);
        assertThat(b.record().transitions()).hasSize(2);
    }

    @Test
    void aRevealedBundleIsFinalizableOnlyOnceEveryOneOfItsEpochsIs() {
        Hash32 h = bundleIn(1, PublishStatus.REVEALED);
        EncodedBundle b = bundle(1);
        LedgerViewStore view = new LedgerViewStore(jdbc);
        var btc = b.bundle().items().get(0);
        var nba = b.bundle().items().get(1);

        assertThat(store.revealedWithAllEpochsFinalized()).isEmpty();
        view.epochFinalized(new LedgerEvent.EpochFinalized(0, 100, T0 + 100_000, "local-1", btc.marketId(),
                btc.epochId(), h, 0));
        assertThat(store.revealedWithAllEpochsFinalized()).as("NBA's epoch is still open").isEmpty();
        view.epochFinalized(new LedgerEvent.EpochFinalized(1, 100, T0 + 100_000, "local-2", nba.marketId(),
                nba.epochId(), h, 1));
        assertThat(store.revealedWithAllEpochsFinalized()).containsExactly(h);
    }

    @Test
    void marketProblemsKeepTheNewestPerMarket() {
        MarketProblemStore problems = new MarketProblemStore(jdbc);

        problems.record(Fixture.BTC, "guardrail: spread too wide", T0 + 10);
        problems.record(Fixture.BTC, "older news", T0 + 5);
        problems.record(Fixture.NBA, "quorum not reached", T0 + 7);

        assertThat(jdbc.queryOne("t", "SELECT problem FROM market_problems WHERE market_id = ?", rs -> rs.getString(1),
                Fixture.BTC.value())).hasValue("guardrail: spread too wide");
        problems.clear(Fixture.BTC);
        assertThat(count("SELECT COUNT(*) FROM market_problems")).isEqualTo(1);
    }
}
