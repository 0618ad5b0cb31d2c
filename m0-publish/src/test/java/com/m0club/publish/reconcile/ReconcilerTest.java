package com.m0club.publish.reconcile;

import static com.m0club.publish.support.Fixture.BTC;
import static com.m0club.publish.support.Fixture.NBA;
import static com.m0club.publish.support.Fixture.T0;
import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.EpochRecord;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.Commitment;
import com.m0club.protocol.sign.QuorumVerifier;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.support.FaultyLedger.Call;
import com.m0club.publish.support.FaultyLedger.Fault;
import com.m0club.publish.support.FaultyLedger.SimulatedCrash;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.publish.support.PublishWorld.Built;
import com.m0club.view.BundleRecord;
import com.m0club.view.LedgerStatus;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.PublishStatus;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler over a real local ledger and PostgreSQL: the durable cursor, healing a crashed submitter's state,
 * the ledger's view (latest values, epochs, finalization), mismatches, the published feed, and a read model whose
 * every served value verifies with the protocol's own checks.
 */
class ReconcilerTest {
    private static final String EVENTS = "m0_reconciler_events_total";
    private static final String MISMATCHES = "m0_reconciler_mismatches_total";
    /** The epoch of everything published before the clock passes T0 + 60 s. */
    private static final long E = Fixture.SCHEDULE.epochAt(T0).id();

    @TempDir
    Path dir;
    private PublishWorld world;
    private Submitter submitter;
    private PrometheusRegistry reconcilerMetrics;
    private Reconciler reconciler;

    @BeforeEach
    void setUp() throws IOException {
        world = new PublishWorld(dir.resolve("ledger"));
        submitter = world.submitter(world.registry, 1);
        reconcilerMetrics = new PrometheusRegistry();
        reconciler = world.reconciler(reconcilerMetrics);
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    /** Builds, signs, commits and reveals a bundle of both markets at the current time. */
    private Built publish(long sequence) throws InterruptedException {
        Built b = world.signed(sequence);
        assertThat(submitter.submit(b.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        return b;
    }

    private StoredBundle stored(Hash32 h) {
        return world.store.find(h).orElseThrow();
    }

    private List<String> rows(String sql) {
        return world.jdbc.query("test.rows", sql, rs -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Object v = rs.getObject(i);
                sb.append(v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : v).append('|');
            }
            return sb.toString();
        });
    }

    private long cursor() {
        return world.view.cursor("reconciler");
    }

    // ------------------------------------------------------------------ cursor

    @Test
    void eventsAreAppliedOnceFromTheDurableCursorAcrossInstances() throws Exception {
        publish(1); // Committed, Revealed, ItemAccepted x2
        assertThat(world.ledger.nextEventIndex()).isEqualTo(4);

        assertThat(reconciler.poll(2)).isEqualTo(2);
        assertThat(cursor()).isEqualTo(2);
        assertThat(Fixture.gauge(reconcilerMetrics, "m0_reconciler_lag_events")).isEqualTo(2);
        assertThat(world.readModel.latest(BTC)).as("ItemAccepted not applied yet").isEmpty();

        // a restarted reconciler continues where the first one stopped
        PrometheusRegistry secondMetrics = new PrometheusRegistry();
        Reconciler second = world.reconciler(secondMetrics);
        assertThat(second.drain()).isEqualTo(2);
        assertThat(cursor()).isEqualTo(4);
        assertThat(counter(secondMetrics, EVENTS)).isEqualTo(2);
        assertThat(counter(secondMetrics, EVENTS, "type", "item_accepted")).isEqualTo(2);
        assertThat(counter(secondMetrics, EVENTS, "type", "committed")).isZero();
        assertThat(world.readModel.latest(BTC)).isPresent();
        assertThat(second.drain()).as("nothing left").isZero();

        publish(2);
        assertThat(reconciler.drain()).isEqualTo(4);
        assertThat(cursor()).isEqualTo(8);
        assertThat(counter(reconcilerMetrics, EVENTS) + counter(secondMetrics, EVENTS))
                .as("every event applied exactly once over both instances").isEqualTo(world.ledger.nextEventIndex());
        assertThat(Fixture.gauge(reconcilerMetrics, "m0_reconciler_lag_events")).isZero();
    }

    @Test
    void replayingEveryEventAfterACrashChangesNothing() throws Exception {
        publish(1);
        world.clock.advance(5_000);
        publish(2);
        world.clock.set(T0 + 70_000);
        publish(3);
        submitter.finalizeDue();
        reconciler.drain();
        List<String> latest = rows("SELECT * FROM market_latest ORDER BY market_id");
        List<String> epochs = rows("SELECT * FROM ledger_epochs ORDER BY market_id, epoch_id");
        List<String> bundles = rows("SELECT bundle_hash, status, commit_slot, reveal_slot, problem FROM bundles"
                + " ORDER BY sequence");
        List<String> transitions = rows("SELECT bundle_hash, status, at_ms FROM publish_transitions ORDER BY id");

        // at-least-once delivery at its worst: the cursor is lost and every event is applied again
        world.jdbc.update("test.reset", "DELETE FROM ledger_cursor");
        world.clock.advance(1_000);
        assertThat(world.reconciler(new PrometheusRegistry()).drain()).isEqualTo(world.ledger.nextEventIndex());

        assertThat(rows("SELECT * FROM market_latest ORDER BY market_id")).isEqualTo(latest);
        assertThat(rows("SELECT * FROM ledger_epochs ORDER BY market_id, epoch_id")).isEqualTo(epochs);
        assertThat(rows("SELECT bundle_hash, status, commit_slot, reveal_slot, problem FROM bundles"
                + " ORDER BY sequence")).isEqualTo(bundles);
        assertThat(rows("SELECT bundle_hash, status, at_ms FROM publish_transitions ORDER BY id"))
                .isEqualTo(transitions);
    }

    // ------------------------------------------------------------------ healing a crashed submitter

    @Test
    void aBundleTheSubmitterCrashedBeforeMarkingRevealedBecomesRevealedFromTheRevealedEvent() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.CRASH_AFTER, 1);
        assertThatThrownBy(() -> submitter.submit(b.hash())).isInstanceOf(SimulatedCrash.class);
        RevealReceipt landed = (RevealReceipt) world.faulty.lostResponses().getFirst();
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.COMMITTED);
        world.clock.advance(3_000);

        reconciler.drain();

        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(s.revealSlot()).hasValue(landed.slot());
        assertThat(s.record().transitions()).extracting(BundleRecord.Transition::status).containsExactly(
                PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED, PublishStatus.REVEALED);
        assertThat(s.record().transitions().getLast().atMs()).isEqualTo(T0 + 400 + 3_000);
        assertThat(world.readModel.latest(NBA)).map(ServedValue::bundleHash).hasValue(b.hash());
        // the restarted submitter finds nothing left to do
        Submitter restarted = world.submitter(new PrometheusRegistry(), 2);
        assertThat(restarted.pending()).isEmpty();
        assertThat(restarted.submit(b.hash())).isEqualTo(new Submitter.Outcome.Skipped(b.hash(),
                PublishStatus.REVEALED));
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
    }

    @Test
    void aCommitThatLandedBeforeACrashGetsItsSlotFromTheCommittedEvent() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.CRASH_AFTER, 1);
        assertThatThrownBy(() -> submitter.submit(b.hash())).isInstanceOf(SimulatedCrash.class);
        assertThat(stored(b.hash()).commitSlot()).isEmpty();

        reconciler.drain();

        assertThat(stored(b.hash()).commitSlot()).hasValue(0L);
        assertThat(stored(b.hash()).status()).as("a commit alone changes no state").isEqualTo(PublishStatus.SIGNED);
        assertThat(counter(reconcilerMetrics, EVENTS, "type", "committed")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ the ledger's view

    @Test
    void latestValuesAndEpochsFollowItemAcceptedAndEpochFinalized() throws Exception {
        Built b1 = publish(1);
        world.clock.advance(5_000); // next tick, same epoch
        Built b2 = publish(2);
        reconciler.drain();

        assertThat(world.readModel.latest(BTC).orElseThrow().bundleHash()).isEqualTo(b2.hash());
        assertThat(world.readModel.latest(BTC).orElseThrow().item().tick()).isEqualTo(1);
        assertThat(rows("SELECT status, canonical_leaf_index FROM ledger_epochs WHERE market_id = '" + NBA.value()
                + "'")).containsExactly("REVEALED|1|");
        ServedValue canonicalSoFar = world.readModel.epochValue(BTC, E).orElseThrow();
        assertThat(canonicalSoFar.bundleHash()).isEqualTo(b2.hash());
        assertThat(canonicalSoFar.ledgerStatus()).isEqualTo(LedgerStatus.REVEALED);
        assertThat(canonicalSoFar.finalizedSlot()).isEmpty();

        world.clock.set(Fixture.SCHEDULE.epoch(E).endMs() + Fixture.TIMING.finalizationDelayMs());
        Built b3 = publish(3); // in epoch E + 1, still open
        assertThat(b3.bundle().bundle().items().getFirst().epochId()).isEqualTo(E + 1);
        assertThat(submitter.finalizeDue()).isEqualTo(2);
        reconciler.drain();

        for (MarketId m : List.of(BTC, NBA)) {
            EpochRecord onLedger = world.ledger.epoch(m, E).orElseThrow();
            ServedValue epochValue = world.readModel.epochValue(m, E).orElseThrow();
            assertThat(epochValue.bundleHash()).isEqualTo(b2.hash());
            assertThat(epochValue.ledgerStatus()).isEqualTo(LedgerStatus.FINALIZED);
            assertThat(epochValue.finalizedSlot()).isEqualTo(onLedger.finalizedSlot());
            assertThat(epochValue.item()).isEqualTo(onLedger.canonical().orElseThrow().item());
            ServedValue latest = world.readModel.latest(m).orElseThrow();
            assertThat(latest.bundleHash()).isEqualTo(b3.hash());
            assertThat(latest.ledgerStatus()).isEqualTo(LedgerStatus.REVEALED);
            assertThat(latest.item()).isEqualTo(world.ledger.latest(m).orElseThrow().item());
        }
        // every epoch of bundles 1 and 2 is final (bundle 1 was replaced as canonical, but its epoch is closed)
        assertThat(stored(b1.hash()).status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(stored(b2.hash()).status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(stored(b3.hash()).status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(stored(b2.hash()).record().transitions()).extracting(BundleRecord.Transition::status)
                .endsWith(PublishStatus.REVEALED, PublishStatus.FINALIZED);
        assertThat(world.readModel.epochValue(BTC, E + 1).orElseThrow().ledgerStatus())
                .isEqualTo(LedgerStatus.REVEALED);
        assertThat(world.readModel.epochValue(BTC, E + 2)).isEmpty();
        assertThat(counter(reconcilerMetrics, EVENTS, "type", "epoch_finalized")).isEqualTo(2);
    }

    // ------------------------------------------------------------------ mismatches

    @Test
    void aBundleRevealedOnTheLedgerThatThisStoreNeverBuiltIsAMismatch() throws Exception {
        Built ours = publish(1);
        world.clock.advance(5_000);
        // someone else holding the set's keys publishes sequence 2 directly on the ledger
        EncodedBundle foreign = Fixture.bundle(2, world.clock.millis());
        byte[] salt = Fixture.salt(42);
        world.ledger.commit(Commitment.commitHash(foreign.bundleHash(), salt), Fixture.SET_ID, 2);
        world.nextSlot();
        world.ledger.reveal(Fixture.sign(foreign, Fixture.K2, Fixture.K3).encode(), salt);

        reconciler.drain();

        assertThat(counter(reconcilerMetrics, MISMATCHES, "kind", "unknown_bundle")).isEqualTo(1);
        assertThat(counter(reconcilerMetrics, MISMATCHES)).isEqualTo(1);
        assertThat(world.store.find(foreign.bundleHash())).isEmpty();
        assertThat(world.readModel.latest(BTC).orElseThrow().bundleHash()).as("only what we built is served")
                .isEqualTo(ours.hash());
        assertThat(cursor()).isEqualTo(world.ledger.nextEventIndex());
    }

    @Test
    void aRevealWhoseResponsesWereAllLostIsConfirmedFromTheLedger() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.LOST_RESPONSE, PublishWorld.SETTINGS.maxAttempts());
        assertThat(submitter.submit(b.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        assertThat(world.ledger.revealedBundle(b.hash())).map(RevealedBundle::receipt).isPresent();

        reconciler.drain();

        assertThat(counter(reconcilerMetrics, MISMATCHES, "kind", "revealed_after_failure")).isZero();
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.REVEALED);
    }

    @Test
    void aBundleThisStoreGaveUpOnButTheLedgerRevealedIsCountedAsMismatch() throws Exception {
        Built b = world.signed(1);
        submitter.submit(b.hash());
        // this store gave up on it (an older process, or an operator) while the ledger holds it revealed
        world.store.markMismatch(b.hash(), "flagged by an operator", 0);
        reconciler.drain();
        assertThat(counter(reconcilerMetrics, MISMATCHES, "kind", "revealed_after_failure")).isEqualTo(1);
    }

    @Test
    void aSubmitterGivingUpAfterTheReconcilerSawTheRevealLeavesTheBundleRevealed() throws Exception {
        Built b = world.signed(1);
        // every reveal response is lost, while the reconciler keeps up with the ledger between the retries
        world.faulty.inject(Call.REVEAL, Fault.LOST_RESPONSE, PublishWorld.SETTINGS.maxAttempts());
        world.onSleep(reconciler::drain);

        Submitter.Outcome outcome = submitter.submit(b.hash());

        // the submitter confirms the reveal from the ledger before giving up
        assertThat(outcome).isInstanceOf(Submitter.Outcome.Revealed.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(stored(b.hash()).record().problem()).hasValueSatisfying(p -> assertThat(p).contains(
                "reveal attempt 4"));
        assertThat(counter(world.registry, "m0_submitter_bundles_total", "outcome", "failed")).isZero();
        assertThat(counter(reconcilerMetrics, MISMATCHES)).isZero();
    }

    @Test
    void aResumedSubmitterRacingTheReconcilerStopsWhereTheLedgerAlreadyIs() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.CRASH_AFTER, 1);
        assertThatThrownBy(() -> submitter.submit(b.hash())).isInstanceOf(SimulatedCrash.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.COMMITTED);

        // the restarted node runs the submitter and the reconciler side by side: the reconciler applies the
        // Revealed event while the resumed submitter is still (re)committing
        world.faulty.inject(Call.COMMIT, Fault.TRANSPORT, 1);
        world.onSleep(reconciler::drain);
        Submitter.Outcome outcome = world.submitter(new PrometheusRegistry(), 2).submit(b.hash());

        assertThat(outcome).isEqualTo(new Submitter.Outcome.Skipped(b.hash(), PublishStatus.REVEALED));
        assertThat(stored(b.hash()).record().transitions()).extracting(BundleRecord.Transition::status)
                .containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED,
                        PublishStatus.REVEALED);
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
    }

    // ------------------------------------------------------------------ feed and read model

    @Test
    void hubListenersReceiveEveryServedValueAndAThrowingListenerHarmsNoOne() throws Exception {
        List<ServedValue> received = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = world.hub.subscribe(received::add);
        world.hub.subscribe(v -> {
            throw new IllegalStateException("listener bug");
        });
        Built b = publish(1);

        reconciler.drain();

        assertThat(received).extracting(ServedValue::marketId).containsExactly(BTC, NBA);
        assertThat(received).allSatisfy(v -> {
            assertThat(v.bundleHash()).isEqualTo(b.hash());
            assertThat(v.ledgerStatus()).isEqualTo(LedgerStatus.REVEALED);
        });

        world.clock.set(Fixture.SCHEDULE.epoch(E).endMs() + Fixture.TIMING.finalizationDelayMs());
        submitter.finalizeDue();
        reconciler.drain();

        assertThat(received).hasSize(4);
        assertThat(received.subList(2, 4)).allSatisfy(v -> {
            assertThat(v.bundleHash()).isEqualTo(b.hash());
            assertThat(v.ledgerStatus()).isEqualTo(LedgerStatus.FINALIZED);
            assertThat(v.finalizedSlot()).isPresent();
        });
        assertThat(counter(world.registry, "m0_published_listener_errors_total")).isEqualTo(4);

        subscription.close();
        world.clock.advance(5_000);
        publish(2);
        reconciler.drain();
        assertThat(received).as("unsubscribed").hasSize(4);
    }

    @Test
    void theReadModelServesValuesWhoseProofAndSignaturesVerify() throws Exception {
        Built b = publish(1);
        reconciler.drain();
        Hash32 commitHash = stored(b.hash()).record().commitHash().orElseThrow();
        RevealReceipt reveal = world.ledger.revealedBundle(b.hash()).orElseThrow().receipt();

        for (int leaf = 0; leaf < 2; leaf++) {
            MarketId market = b.bundle().bundle().items().get(leaf).marketId();
            ServedValue v = world.readModel.latest(market).orElseThrow();
            assertVerifies(v, b, leaf);
            assertThat(v.ledgerStatus()).isEqualTo(LedgerStatus.REVEALED);
            assertThat(v.finalizedSlot()).isEmpty();
            assertThat(v.commitHash()).isEqualTo(commitHash);
            assertThat(v.commitSlot()).isEqualTo(world.ledger.commitment(commitHash).orElseThrow().commit().slot());
            assertThat(v.revealSlot()).isEqualTo(reveal.slot());
            assertThat(v.revealedAtMs()).isEqualTo(reveal.timeMs());
            assertVerifies(world.readModel.epochValue(market, E).orElseThrow(), b, leaf);
        }

        world.clock.set(Fixture.SCHEDULE.epoch(E).endMs() + Fixture.TIMING.finalizationDelayMs());
        submitter.finalizeDue();
        reconciler.drain();

        for (int leaf = 0; leaf < 2; leaf++) {
            MarketId market = b.bundle().bundle().items().get(leaf).marketId();
            ServedValue v = world.readModel.latest(market).orElseThrow();
            assertVerifies(v, b, leaf);
            assertThat(v.ledgerStatus()).isEqualTo(LedgerStatus.FINALIZED);
            assertThat(v.finalizedSlot()).isEqualTo(world.ledger.epoch(market, E).orElseThrow().finalizedSlot());
            assertThat(world.readModel.epochValue(market, E).orElseThrow().ledgerStatus())
                    .isEqualTo(LedgerStatus.FINALIZED);
        }
        assertThat(world.readModel.bundle(b.hash()).orElseThrow().status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(world.readModel.signerSet(Fixture.SET_ID)).hasValue(Fixture.SET);
        assertThat(world.readModel.signerSet(7)).isEmpty();
        assertThat(world.readModel.latest(MarketId.of("MACRO_UNKNOWN"))).isEmpty();
    }

    /** What an independent verifier does with a served value: merkle inclusion, then the m-of-n signatures. */
    private static void assertVerifies(ServedValue v, Built b, int leaf) {
        assertThat(v.marketId()).isEqualTo(b.bundle().bundle().items().get(leaf).marketId());
        assertThat(v.item()).isEqualTo(b.bundle().bundle().items().get(leaf));
        assertThat(v.itemBytes()).isEqualTo(b.bundle().itemBytes(leaf));
        assertThat(v.headerBytes()).isEqualTo(b.bundle().headerBytes());
        assertThat(v.bundleHash()).isEqualTo(b.hash());
        assertThat(v.proof().leafIndex()).isEqualTo(leaf);
        assertThat(EncodedBundle.verifyInclusion(v.itemBytes(), v.proof(), v.headerBytes(), v.bundleHash())).isTrue();
        byte[] tampered = v.itemBytes();
        tampered[tampered.length - 1] ^= 1;
        assertThat(EncodedBundle.verifyInclusion(tampered, v.proof(), v.headerBytes(), v.bundleHash())).isFalse();
        assertThat(v.signerSetId()).isEqualTo(Fixture.SET_ID);
        assertThat(v.sequence()).isEqualTo(b.bundle().header().sequence());
        assertThat(v.threshold()).isEqualTo(2);
        assertThat(v.signatures()).hasSize(2);
        assertThat(QuorumVerifier.verify(Fixture.SET, v.signerSetId(), v.sequence(), v.bundleHash(), v.signatures())
                .passed()).isTrue();
        assertThat(QuorumVerifier.verify(Fixture.SET, v.signerSetId(), v.sequence() + 1, v.bundleHash(),
                v.signatures()).passed()).as("signatures bind the sequence").isFalse();
    }

    @Test
    void marketSnapshotsShowTheLatestValueAndWhyANewerBundleDidNotPublish() throws Exception {
        Built b = publish(1);
        reconciler.drain();

        List<MarketSnapshot> all = world.readModel.markets();
        assertThat(all).extracting(s -> s.market().id()).containsExactly(BTC, NBA);
        assertThat(all).allSatisfy(s -> {
            assertThat(s.latest()).map(ServedValue::bundleHash).hasValue(b.hash());
            assertThat(s.lastPublishStatus()).hasValue(PublishStatus.REVEALED);
            assertThat(s.lastProblem()).isEmpty();
        });

        world.clock.advance(5_000);
        Built weak = world.signed(2, Fixture.K1); // below threshold: the ledger refuses it
        assertThat(submitter.submit(weak.hash())).isInstanceOf(Submitter.Outcome.Failed.class);
        reconciler.drain();
        MarketSnapshot btc = world.readModel.market(BTC).orElseThrow();
        assertThat(btc.latest()).map(ServedValue::bundleHash).as("still the last good value").hasValue(b.hash());
        assertThat(btc.lastPublishStatus()).hasValue(PublishStatus.FAILED);
        assertThat(btc.lastProblem()).hasValueSatisfying(p -> assertThat(p).startsWith(
                "ledger rejected: BELOW_THRESHOLD"));

        new MarketProblemStore(world.jdbc).record(NBA, "guardrail: distribution moved too far", world.clock.millis());
        assertThat(world.readModel.market(NBA).orElseThrow().lastProblem())
                .hasValue("guardrail: distribution moved too far");
        assertThat(world.readModel.market(MarketId.of("MACRO_UNKNOWN"))).isEmpty();
        assertThat(world.readModel.markets()).hasSize(2);
    }

    @Test
    void theCommittedEventOfAnotherDeploymentChangesNothingHere() throws Exception {
        Built ours = publish(1);
        world.ledger.commit(Commitment.commitHash(ours.hash(), Fixture.salt(99)), Fixture.SET_ID, 5);
        reconciler.drain();
        assertThat(stored(ours.hash()).commitSlot()).hasValue(0L);
        assertThat(world.events()).filteredOn(LedgerEvent.Committed.class::isInstance).hasSize(2);
        assertThat(counter(reconcilerMetrics, MISMATCHES)).isZero();
    }
}
