package com.m0club.publish.submit;

import static com.m0club.publish.support.Fixture.T0;
import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.RevealReceipt;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.Commitment;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.submit.Submitter.Outcome;
import com.m0club.publish.support.FaultyLedger.Call;
import com.m0club.publish.support.FaultyLedger.Fault;
import com.m0club.publish.support.FaultyLedger.SimulatedCrash;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.publish.support.PublishWorld.Built;
import com.m0club.view.BundleRecord;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submitter against a real local ledger with faults injected in front of it: transport failures, responses lost
 * after the ledger acted, process crashes between steps, permanent rejections, too-early reveals and exhaustion.
 * The clock is manual and only the injected sleeper moves it, so nothing here sleeps for real.
 */
class SubmitterFaultInjectionTest {
    private static final String BUNDLES = "m0_submitter_bundles_total";
    private static final String RETRIES = "m0_submitter_retries_total";
    private static final String REJECTIONS = "m0_submitter_ledger_rejections_total";

    @TempDir
    Path dir;
    private PublishWorld world;
    private PrometheusRegistry metrics;

    @BeforeEach
    void setUp() throws IOException {
        world = new PublishWorld(dir.resolve("ledger"));
        metrics = new PrometheusRegistry();
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    private StoredBundle stored(Hash32 h) {
        return world.store.find(h).orElseThrow();
    }

    private static List<PublishStatus> statuses(StoredBundle b) {
        return b.record().transitions().stream().map(BundleRecord.Transition::status).toList();
    }

    private static List<Duration> millis(long... values) {
        return Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }

    @Test
    void happyPathCommitsThenRevealsOneSlotLaterWithTheStoredSalt() throws Exception {
        Built b = world.signed(1);
        Submitter submitter = world.submitter(metrics, 7);

        Outcome outcome = submitter.submit(b.hash());

        // commit in slot 0; the reveal is too early until the clock (moved only by the sleeper) reaches slot 1
        assertThat(outcome).isEqualTo(new Outcome.Revealed(b.hash(), 0, 1));
        assertThat(world.sleeps).isEqualTo(Collections.nCopies(4, Duration.ofMillis(100)));
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(statuses(s)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED,
                PublishStatus.REVEALED);
        assertThat(s.salt()).hasValue(Fixture.salt(7));
        Hash32 commitHash = Commitment.commitHash(b.hash(), Fixture.salt(7));
        assertThat(s.record().commitHash()).hasValue(commitHash);
        assertThat(s.commitSlot()).hasValue(0L);
        assertThat(s.revealSlot()).hasValue(1L);
        assertThat(s.attempts()).isZero();
        assertThat(s.record().problem()).isEmpty();

        CommitRecord onLedger = world.ledger.commitment(commitHash).orElseThrow();
        assertThat(onLedger.reveal()).map(RevealReceipt::bundleHash).hasValue(b.hash());
        assertThat(world.ledger.lastSequence(Fixture.SET_ID)).isEqualTo(1);
        assertThat(counter(metrics, BUNDLES, "outcome", "revealed")).isEqualTo(1);
        assertThat(counter(metrics, RETRIES, "step", "reveal_too_early")).isEqualTo(4);
        assertThat(counter(metrics, REJECTIONS, "step", "reveal", "reason", "REVEAL_TOO_EARLY")).isEqualTo(4);
        assertThat(counter(metrics, RETRIES, "step", "commit")).isZero();
    }

    @Test
    void aRevealTooEarlyIsRetriedUntilTheNextSlot() throws Exception {
        world.clock.set(T0 + 250); // mid-slot 0
        Built b = world.signed(1);
        Submitter submitter = world.submitter(metrics, 1);

        Outcome.Revealed outcome = (Outcome.Revealed) submitter.submit(b.hash());

        assertThat(outcome.commitSlot()).isZero();
        assertThat(outcome.revealSlot()).isEqualTo(outcome.commitSlot() + 1);
        assertThat(world.sleeps).isEqualTo(millis(100, 100)); // T0+250 and T0+350 are slot 0, T0+450 is slot 1
        assertThat(counter(metrics, RETRIES, "step", "reveal_too_early")).isEqualTo(2);
        assertThat(world.ledger.revealedBundle(b.hash()).orElseThrow().receipt().timeMs()).isEqualTo(T0 + 450);
    }

    @Test
    void aRevealStillTooEarlyAtTheDeadlineFails() throws Exception {
        Built b = world.signed(1);
        SubmitterSettings impatient = new SubmitterSettings(4, Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofMillis(100), Duration.ofMillis(250));

        Outcome outcome = world.submitter(metrics, 1, impatient).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).startsWith("ledger rejected: REVEAL_TOO_EARLY: reveal of");
        assertThat(world.sleeps).isEqualTo(millis(100, 100, 100));
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.FAILED);
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isEqualTo(1);
    }

    @Test
    void transientTransportFailuresAreRetriedWithBackoffAndTheBundleIsRevealed() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.TRANSPORT, 2).inject(Call.REVEAL, Fault.TRANSPORT, 1);

        Outcome outcome = world.submitter(metrics, 3).submit(b.hash());

        // commit: fails at T0 and T0+200, lands at T0+600 (slot 1); reveal fails at T0+600, lands at T0+800 (slot 2)
        assertThat(outcome).isEqualTo(new Outcome.Revealed(b.hash(), 1, 2));
        assertThat(world.sleeps).isEqualTo(millis(200, 400, 200));
        assertThat(world.faulty.attempts(Call.COMMIT)).isEqualTo(3);
        assertThat(world.faulty.attempts(Call.REVEAL)).isEqualTo(2);
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.record().problem()).hasValue("reveal attempt 1: injected: REVEAL request failed");
        assertThat(counter(metrics, RETRIES, "step", "commit")).isEqualTo(2);
        assertThat(counter(metrics, RETRIES, "step", "reveal")).isEqualTo(1);
        assertThat(counter(metrics, RETRIES)).isEqualTo(3);
        assertThat(counter(metrics, BUNDLES, "outcome", "revealed")).isEqualTo(1);
        assertThat(world.commitsFor(1)).isEqualTo(1);
    }

    @Test
    void lostResponsesAreRecoveredByTheIdempotentLedger() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.LOST_RESPONSE, 1).inject(Call.REVEAL, Fault.LOST_RESPONSE, 1);

        Outcome outcome = world.submitter(metrics, 5).submit(b.hash());

        Hash32 commitHash = Commitment.commitHash(b.hash(), Fixture.salt(5));
        List<Object> lost = world.faulty.lostResponses();
        assertThat(lost).hasSize(2);
        CommitReceipt lostCommit = (CommitReceipt) lost.get(0);
        RevealReceipt lostReveal = (RevealReceipt) lost.get(1);
        // the retries got the very receipts that were lost, and the ledger holds one commit and one reveal
        CommitRecord onLedger = world.ledger.commitment(commitHash).orElseThrow();
        assertThat(onLedger.commit()).isEqualTo(lostCommit);
        assertThat(onLedger.reveal()).hasValue(lostReveal);
        assertThat(outcome).isEqualTo(new Outcome.Revealed(b.hash(), lostCommit.slot(), lostReveal.slot()));
        assertThat(world.commitsOf(commitHash)).isEqualTo(1);
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);

        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(s.commitSlot()).hasValue(lostCommit.slot());
        assertThat(s.revealSlot()).hasValue(lostReveal.slot());
        assertThat(s.attempts()).isEqualTo(2);
        assertThat(s.record().problem()).hasValue("reveal attempt 1: injected: REVEAL response lost");
        assertThat(counter(metrics, RETRIES, "step", "commit")).isEqualTo(1);
        assertThat(counter(metrics, RETRIES, "step", "reveal")).isEqualTo(1);
    }

    @Test
    void aCrashAfterTheSaltWasStoredResumesWithTheSameSaltAndCommitsOnce() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.CRASH_BEFORE, 1);

        assertThatThrownBy(() -> world.submitter(metrics, 1).submit(b.hash())).isInstanceOf(SimulatedCrash.class);

        StoredBundle afterCrash = stored(b.hash());
        assertThat(afterCrash.status()).isEqualTo(PublishStatus.SIGNED);
        assertThat(afterCrash.salt()).hasValue(Fixture.salt(1));
        assertThat(world.commitsFor(1)).isZero();

        // the restarted process: new submitter, new salts, same store and ledger
        PrometheusRegistry restarted = new PrometheusRegistry();
        Submitter resumed = world.submitter(restarted, 2);
        assertThat(resumed.pending()).containsExactly(b.hash());
        Outcome outcome = resumed.submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Revealed.class);
        Hash32 firstCommit = Commitment.commitHash(b.hash(), Fixture.salt(1));
        assertThat(stored(b.hash()).record().commitHash()).hasValue(firstCommit);
        assertThat(stored(b.hash()).salt()).hasValue(Fixture.salt(1));
        assertThat(world.ledger.commitment(firstCommit).orElseThrow().isRevealed()).isTrue();
        assertThat(world.ledger.commitment(Commitment.commitHash(b.hash(), Fixture.salt(2)))).isEmpty();
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(counter(restarted, BUNDLES, "outcome", "revealed")).isEqualTo(1);
        assertThat(resumed.pending()).isEmpty();
    }

    @Test
    void aCrashAfterTheCommitLandedResumesWithTheSameCommit() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.CRASH_AFTER, 1);

        assertThatThrownBy(() -> world.submitter(metrics, 1).submit(b.hash())).isInstanceOf(SimulatedCrash.class);
        CommitReceipt landed = (CommitReceipt) world.faulty.lostResponses().getFirst();
        assertThat(stored(b.hash()).status()).as("the crash came before markCommitted").isEqualTo(
                PublishStatus.SIGNED);
        world.clock.advance(5_000); // the restart takes a while

        Outcome outcome = world.submitter(new PrometheusRegistry(), 2).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Revealed.class);
        assertThat(((Outcome.Revealed) outcome).commitSlot()).isEqualTo(landed.slot());
        assertThat(stored(b.hash()).commitSlot()).hasValue(landed.slot());
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(world.commitsOf(landed.commitHash())).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
    }

    @Test
    void aCrashAfterTheRevealLandedResumesWithTheSameReveal() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.CRASH_AFTER, 1);

        assertThatThrownBy(() -> world.submitter(metrics, 1).submit(b.hash())).isInstanceOf(SimulatedCrash.class);
        RevealReceipt landed = (RevealReceipt) world.faulty.lostResponses().getFirst();
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.COMMITTED);
        world.clock.advance(5_000);

        Submitter resumed = world.submitter(new PrometheusRegistry(), 2);
        assertThat(resumed.pending()).containsExactly(b.hash());
        Outcome outcome = resumed.submit(b.hash());

        assertThat(outcome).isEqualTo(new Outcome.Revealed(b.hash(), 0, landed.slot()));
        assertThat(stored(b.hash()).revealSlot()).hasValue(landed.slot());
        assertThat(statuses(stored(b.hash()))).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED,
                PublishStatus.COMMITTED, PublishStatus.REVEALED);
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
    }

    @Test
    void aMarketPausedBeforeTheRevealFailsTheBundleWithTheLedgersReason() throws Exception {
        Built b = world.signed(1);
        // the operator pauses NBA while the submitter waits for the reveal slot
        world.onSleep(() -> world.ledger.setMarketStatus(Fixture.NBA, MarketStatus.PAUSED));

        Outcome outcome = world.submitter(metrics, 1).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        String reason = ((Outcome.Failed) outcome).reason();
        assertThat(reason).startsWith("ledger rejected: MARKET_NOT_ACTIVE: reveal of bundle " + b.hash().toHex())
                .contains("market " + Fixture.NBA + " is PAUSED");
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.FAILED);
        assertThat(s.record().problem()).hasValue(reason);
        assertThat(statuses(s)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED,
                PublishStatus.FAILED);
        assertThat(s.record().transitions().getLast().reason()).hasValue(reason);
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isEqualTo(1);
        assertThat(counter(metrics, BUNDLES, "outcome", "revealed")).isZero();
        assertThat(counter(metrics, REJECTIONS, "step", "reveal", "reason", "MARKET_NOT_ACTIVE")).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isZero();
        assertThat(world.faulty.attempts(Call.REVEAL)).as("a permanent rejection is not retried").isEqualTo(5);
    }

    @Test
    void aBundleBelowTheThresholdFailsWithTheLedgersReason() throws Exception {
        Built b = world.signed(1, Fixture.K1); // one signature of a 2-of-3 set

        Outcome outcome = world.submitter(metrics, 1).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).startsWith("ledger rejected: BELOW_THRESHOLD: ")
                .contains("threshold is 2");
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.FAILED);
        assertThat(stored(b.hash()).record().problem()).hasValue(((Outcome.Failed) outcome).reason());
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isEqualTo(1);
        assertThat(counter(metrics, REJECTIONS, "step", "reveal", "reason", "BELOW_THRESHOLD")).isEqualTo(1);
        assertThat(world.ledger.lastSequence(Fixture.SET_ID)).isZero();
    }

    @Test
    void exhaustingTheAttemptsFailsTheBundle() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.COMMIT, Fault.TRANSPORT, PublishWorld.SETTINGS.maxAttempts());

        Outcome outcome = world.submitter(metrics, 1).submit(b.hash());

        assertThat(outcome).isEqualTo(new Outcome.Failed(b.hash(),
                "gave up after 4 commit attempts: injected: COMMIT request failed"));
        assertThat(world.sleeps).as("backoff doubles up to max_backoff").isEqualTo(millis(200, 400, 500));
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.FAILED);
        assertThat(s.attempts()).isEqualTo(4);
        assertThat(s.record().problem()).hasValue("gave up after 4 commit attempts: injected: COMMIT request failed");
        assertThat(counter(metrics, RETRIES, "step", "commit")).isEqualTo(3);
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isEqualTo(1);
        assertThat(world.commitsFor(1)).isZero();
        assertThat(world.submitter(new PrometheusRegistry(), 1).pending()).isEmpty();
    }

    @Test
    void bundlesNotSignedOrAlreadyRevealedAreSkipped() throws Exception {
        Built revealed = world.signed(1);
        Submitter submitter = world.submitter(metrics, 1);
        submitter.submit(revealed.hash());
        var builtOnly = Fixture.bundle(2, world.clock.millis());
        world.store.insertBuilt(builtOnly, world.clock.millis());

        assertThat(submitter.submit(revealed.hash())).isEqualTo(new Outcome.Skipped(revealed.hash(),
                PublishStatus.REVEALED));
        assertThat(submitter.submit(builtOnly.bundleHash())).isEqualTo(new Outcome.Skipped(builtOnly.bundleHash(),
                PublishStatus.BUILT));
        assertThat(submitter.pending()).isEmpty();
        assertThatThrownBy(() -> submitter.submit(Fixture.bundle(9, T0).bundleHash()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not stored");
        assertThat(world.commitsFor(1)).isEqualTo(1);
    }

    @Test
    void pendingListsSignedAndCommittedBundlesInSequenceOrder() throws Exception {
        Built second = world.signed(2);
        Built first = world.signed(1);
        world.store.insertBuilt(Fixture.bundle(3, world.clock.millis()), world.clock.millis());
        Submitter submitter = world.submitter(metrics, 1);

        assertThat(submitter.pending()).containsExactly(first.hash(), second.hash());
        for (Hash32 h : submitter.pending()) {
            assertThat(submitter.submit(h)).isInstanceOf(Outcome.Revealed.class);
        }
        assertThat(world.ledger.lastSequence(Fixture.SET_ID)).isEqualTo(2);
        assertThat(counter(metrics, BUNDLES, "outcome", "revealed")).isEqualTo(2);
    }

    @Test
    void finalizeDueFinalizesEpochsOnceTheWindowAndTheDelayHavePassed() throws Exception {
        Built b = world.signed(1);
        Submitter submitter = world.submitter(metrics, 1);
        submitter.submit(b.hash());
        long epochId = b.bundle().bundle().items().getFirst().epochId();
        long finalizableAt = Fixture.SCHEDULE.epoch(epochId).endMs() + Fixture.TIMING.finalizationDelayMs();

        world.clock.set(finalizableAt - 1);
        assertThat(submitter.finalizeDue()).isZero();
        assertThat(world.ledger.epoch(Fixture.BTC, epochId).orElseThrow().isFinalized()).isFalse();

        world.clock.set(finalizableAt);
        assertThat(submitter.finalizeDue()).isEqualTo(2);
        for (var market : List.of(Fixture.BTC, Fixture.NBA)) {
            var epoch = world.ledger.epoch(market, epochId).orElseThrow();
            assertThat(epoch.isFinalized()).isTrue();
            assertThat(epoch.canonicalBundleHash()).hasValue(b.hash());
        }
        assertThat(submitter.finalizeDue()).as("nothing left due").isZero();
        assertThat(counter(metrics, REJECTIONS, "step", "finalize")).isZero();
    }

    // ------------------------------------------------------------------ database faults after a ledger call (issue 6, item 5)

    private static final String STORE_FAILURES = "m0_submitter_store_failures_total";

    /** A real database error: a trigger refuses every move of a bundle to COMMITTED until it is dropped. */
    private void failMovesToCommitted() {
        world.jdbc.update("test.fail_fn", """
                CREATE OR REPLACE FUNCTION test_refuse_committed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected: the database refused the write'; END $$""");
        world.jdbc.update("test.fail_trigger", """
                CREATE TRIGGER test_refuse_committed BEFORE UPDATE ON bundles FOR EACH ROW
                WHEN (NEW.status = 'COMMITTED' AND OLD.status <> 'COMMITTED')
                EXECUTE FUNCTION test_refuse_committed()""");
    }

    private void healTheDatabase() {
        world.jdbc.update("test.heal", "DROP TRIGGER IF EXISTS test_refuse_committed ON bundles");
    }

    @Test
    void aDatabaseWriteFailingAfterTheCommitIsRetriedAndTheBundleIsRevealed() throws Exception {
        Built b = world.signed(1);
        failMovesToCommitted();
        int[] sleeps = {0};
        world.onSleep(() -> {
            if (++sleeps[0] == 2) {
                healTheDatabase(); // a transient outage: two failed writes, then the database is back
            }
        });

        Outcome outcome = world.submitter(metrics, 1).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Revealed.class);
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(statuses(s)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED, PublishStatus.COMMITTED,
                PublishStatus.REVEALED);
        assertThat(counter(metrics, STORE_FAILURES, "step", "mark_committed")).isEqualTo(2);
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
    }

    @Test
    void aDatabaseThatStaysDownLeavesTheCommittedBundleForTheResumePassNotFailed() throws Exception {
        Built b = world.signed(1);
        failMovesToCommitted();
        Submitter submitter = world.submitter(metrics, 1);

        assertThatThrownBy(() -> submitter.submit(b.hash())).isInstanceOf(Submitter.StoreUnavailable.class)
                .hasMessageContaining("store write mark_committed for bundle " + b.hash().toHex() + " failed 4 times");
        assertThat(stored(b.hash()).status()).as("left as it was, not FAILED").isEqualTo(PublishStatus.SIGNED);
        assertThat(world.commitsFor(1)).as("the commit landed on the ledger").isEqualTo(1);
        assertThat(counter(metrics, STORE_FAILURES, "step", "mark_committed")).isEqualTo(4);
        assertThat(submitter.pending()).containsExactly(b.hash());

        // the database comes back; the resume pass (same process, no restart) submits the bundle again
        healTheDatabase();
        world.clock.advance(30_000);
        Outcome outcome = submitter.submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Revealed.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(world.commitsFor(1)).as("the idempotent commit was not repeated").isEqualTo(1);
        assertThat(world.revealsOf(b.hash())).isEqualTo(1);
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isZero();
    }

    @Test
    void aRestartWithACommittedButSignedBundleInsideItsRevealWindowRevealsIt() throws Exception {
        Built b = world.signed(1);
        failMovesToCommitted();
        assertThatThrownBy(() -> world.submitter(metrics, 1).submit(b.hash()))
                .isInstanceOf(Submitter.StoreUnavailable.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.SIGNED);
        healTheDatabase();
        // the restart takes five minutes: inside the 10-minute reveal window of both markets
        world.clock.advance(5 * 60_000);

        PrometheusRegistry restarted = new PrometheusRegistry();
        Submitter resumed = world.submitter(restarted, 2);
        assertThat(resumed.pending()).containsExactly(b.hash());
        Outcome outcome = resumed.submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Revealed.class);
        StoredBundle s = stored(b.hash());
        assertThat(s.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(s.salt()).as("the first salt, the one committed").hasValue(Fixture.salt(1));
        assertThat(world.commitsFor(1)).isEqualTo(1);
        assertThat(counter(restarted, BUNDLES, "outcome", "failed")).isZero();
        assertThat(counter(restarted, BUNDLES, "outcome", "revealed")).isEqualTo(1);
    }

    @Test
    void aLedgerUnreachableForTheRevealWhileTheWindowIsOpenDefersTheBundleInsteadOfFailingIt() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.TRANSPORT, PublishWorld.SETTINGS.maxAttempts());
        Submitter submitter = world.submitter(metrics, 1);

        Outcome first = submitter.submit(b.hash());

        assertThat(first).isInstanceOf(Outcome.Deferred.class);
        assertThat(((Outcome.Deferred) first).reason()).startsWith("gave up after 4 reveal attempts");
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.COMMITTED);
        assertThat(counter(metrics, BUNDLES, "outcome", "deferred")).isEqualTo(1);
        assertThat(counter(metrics, BUNDLES, "outcome", "failed")).isZero();
        assertThat(submitter.pending()).containsExactly(b.hash());

        Outcome resumed = submitter.submit(b.hash());

        assertThat(resumed).isInstanceOf(Outcome.Revealed.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.REVEALED);
    }

    @Test
    void aCommittedBundleWhoseRevealWindowPassedIsFailed() throws Exception {
        Built b = world.signed(1);
        world.faulty.inject(Call.REVEAL, Fault.TRANSPORT, PublishWorld.SETTINGS.maxAttempts());
        // every wait is long: the fourth failed reveal comes after the 10-minute window closed
        SubmitterSettings slow = new SubmitterSettings(4, Duration.ofMinutes(4), Duration.ofMinutes(4),
                Duration.ofMillis(100), Duration.ofSeconds(30));

        Outcome outcome = world.submitter(metrics, 1, slow).submit(b.hash());

        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(stored(b.hash()).status()).isEqualTo(PublishStatus.FAILED);
    }
}
