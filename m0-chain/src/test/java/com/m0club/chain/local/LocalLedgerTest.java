package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static com.m0club.chain.local.Fixture.BTC;
import static com.m0club.chain.local.Fixture.NBA;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.EpochStatus;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection.Reason;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSetStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLedgerTest {
    @TempDir
    Path dir;

    /** The harness every test uses: the local ledger itself here; a front over it where another suite extends this. */
    Harness harness() throws IOException {
        return new Harness(dir);
    }

    @Test
    void commitRevealFinalizeWithTwoOfThree() throws Exception {
        try (Harness h = harness()) {
            List<LedgerEvent> pushed = new ArrayList<>();
            h.ledger.subscribe(pushed::add);
            h.clock.advance(2_000);
            Harness.Prepared p = h.prepare(1);

            CommitReceipt commit = h.commit(p);
            assertThat(commit.slot()).isEqualTo(5); // 2000 ms after genesis / 400
            assertThat(commit.timeMs()).isEqualTo(T0 + 2_000);
            assertThat(h.ledger.commitment(p.commitHash())).hasValueSatisfying(c -> assertThat(c.isRevealed())
                    .isFalse());

            h.clock.advance(400);
            RevealReceipt reveal = h.reveal(p);
            assertThat(reveal.bundleHash()).isEqualTo(p.bundle().bundleHash());
            assertThat(reveal.slot()).isEqualTo(6);
            assertThat(reveal.items()).extracting(RevealReceipt.Item::market).containsExactly(BTC, NBA);
            assertThat(h.ledger.lastSequence(1)).isEqualTo(1);
            assertThat(h.ledger.commitment(p.commitHash())).hasValueSatisfying(c -> assertThat(c.reveal())
                    .contains(reveal));

            MarketValue nba = h.ledger.latest(NBA).orElseThrow();
            assertThat(nba.bundleHash()).isEqualTo(p.bundle().bundleHash());
            assertThat(nba.sequence()).isEqualTo(1);
            assertThat(nba.leafIndex()).isEqualTo(1);
            assertThat(nba.epochId()).isEqualTo(T0 / 3_600_000);
            assertThat(nba.tick()).isEqualTo(0);
            assertThat(nba.slot()).isEqualTo(6);
            long epochId = nba.epochId();
            EpochRecord open = h.ledger.epoch(NBA, epochId).orElseThrow();
            assertThat(open.status()).isEqualTo(EpochStatus.REVEALED);
            assertThat(open.canonicalBundleHash()).contains(p.bundle().bundleHash());
            assertThat(h.ledger.epoch(NBA, epochId + 1).orElseThrow().status()).isEqualTo(EpochStatus.OPEN);

            RevealedBundle stored = h.ledger.revealedBundle(p.bundle().bundleHash()).orElseThrow();
            assertThat(stored.signedBundleBytes()).isEqualTo(p.signed());
            assertThat(stored.salt()).isEqualTo(p.salt());
            assertThat(BundleCodec.decodeSigned(stored.signedBundleBytes())
                    .verify(h.ledger.signerSet(1).orElseThrow()).passed()).isTrue();

            // A second bundle later in the same epoch replaces the canonical item.
            h.clock.advance(10_000);
            Harness.Prepared p2 = h.prepare(2);
            h.publish(p2);
            assertThat(h.ledger.epoch(NBA, epochId).orElseThrow().acceptedItems()).isEqualTo(2);

            assertThat(h.ledger.dueForFinalization()).isEmpty();
            assertThatThrownBy(() -> h.ledger.finalizeEpoch(NBA, epochId))
                    .hasFieldOrPropertyWithValue("reason", Reason.FINALIZE_TOO_EARLY);
            h.clock.set(T0 + 3_600_000 + 120_000);
            assertThat(h.ledger.dueForFinalization()).containsExactly(
                    new EpochRef(BTC, epochId, T0 + 3_600_000), new EpochRef(NBA, epochId, T0 + 3_600_000));
            FinalizeReceipt fin = h.ledger.finalizeEpoch(NBA, epochId);
            assertThat(fin.canonicalBundleHash()).isEqualTo(p2.bundle().bundleHash());
            assertThat(fin.canonicalSequence()).isEqualTo(2);
            assertThat(h.ledger.finalizeEpoch(NBA, epochId)).isEqualTo(fin);
            EpochRecord closed = h.ledger.epoch(NBA, epochId).orElseThrow();
            assertThat(closed.status()).isEqualTo(EpochStatus.FINALIZED);
            assertThat(closed.finalizedSlot()).hasValue(fin.slot());
            assertThat(h.ledger.dueForFinalization()).containsExactly(new EpochRef(BTC, epochId, T0 + 3_600_000));

            List<LedgerEvent> events = h.ledger.events(0, 100);
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                    "Committed", "Revealed", "ItemAccepted", "ItemAccepted",
                    "Committed", "Revealed", "ItemAccepted", "ItemAccepted", "EpochFinalized");
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).index()).isEqualTo(i);
                if (i > 0) {
                    assertThat(events.get(i).slot()).isGreaterThanOrEqualTo(events.get(i - 1).slot());
                }
            }
            assertThat(events.get(1)).isInstanceOfSatisfying(LedgerEvent.Revealed.class, r -> {
                assertThat(r.commitHash()).isEqualTo(p.commitHash());
                assertThat(r.markets()).containsExactly(BTC, NBA);
                assertThat(r.transactionId()).isEqualTo(reveal.transactionId());
            });
            assertThat(events.get(8)).isInstanceOfSatisfying(LedgerEvent.EpochFinalized.class,
                    f -> assertThat(f.canonicalBundleHash()).isEqualTo(p2.bundle().bundleHash()));
            h.settle();
            assertThat(pushed).isEqualTo(events);
            assertThat(h.ledger.events(3, 2)).containsExactlyElementsOf(events.subList(3, 5));
            assertThat(h.ledger.events(9, 10)).isEmpty();
            assertThat(h.ledger.nextEventIndex()).isEqualTo(9);

            assertThat(Fixture.counter(h.registry, "m0_ledger_commits")).isEqualTo(2);
            assertThat(Fixture.counter(h.registry, "m0_ledger_reveals")).isEqualTo(2);
            assertThat(Fixture.counter(h.registry, "m0_ledger_finalized_epochs")).isEqualTo(1);
        }
    }

    @Test
    void slotsFollowTheClockAndTimeNeverRunsBackwards() throws Exception {
        try (Harness h = harness()) {
            assertThat(h.local.genesisMs()).isEqualTo(T0);
            assertThat(h.ledger.currentSlot()).isZero();
            h.clock.advance(399);
            assertThat(h.ledger.currentSlot()).isZero();
            h.clock.advance(1);
            assertThat(h.ledger.currentSlot()).isEqualTo(1);
            h.commit(h.prepare(1));
            h.clock.set(T0 - 10_000);
            assertThat(h.ledger.nowMs()).isEqualTo(T0 + 400);
            assertThat(h.ledger.currentSlot()).isEqualTo(1);
        }
    }

    @Test
    void replayProtection() throws Exception {
        try (Harness h = harness()) {
            Harness.Prepared p5 = h.prepare(5);
            CommitReceipt first = h.commit(p5);
            long events = h.ledger.nextEventIndex();
            long journal = Files.size(dir.resolve(LocalLedger.JOURNAL_FILE));

            // Committing the same (hash, set, sequence) twice returns the original receipt and writes nothing.
            h.clock.advance(1_000);
            assertThat(h.commit(p5)).isEqualTo(first);
            assertThat(h.ledger.nextEventIndex()).isEqualTo(events);
            assertThat(Files.size(dir.resolve(LocalLedger.JOURNAL_FILE))).isEqualTo(journal);

            // Another bundle for the same (set, sequence) while the first is pending.
            Harness.Prepared other5 = h.prepare(5);
            assertThatThrownBy(() -> h.commit(other5))
                    .hasFieldOrPropertyWithValue("reason", Reason.DUPLICATE_COMMIT_SEQUENCE)
                    .hasMessageContaining("set 1 sequence 5");

            RevealReceipt revealed = h.reveal(p5);
            // Revealing twice: the original receipt, no change.
            h.clock.advance(1_000);
            events = h.ledger.nextEventIndex();
            assertThat(h.reveal(p5)).isEqualTo(revealed);
            assertThat(h.ledger.nextEventIndex()).isEqualTo(events);
            // And the commit is still answered idempotently after the reveal.
            assertThat(h.commit(p5)).isEqualTo(first);

            // Sequences at or below the last accepted one are refused at commit...
            for (long seq : new long[] {5, 3}) {
                Harness.Prepared old = h.prepare(seq);
                assertThatThrownBy(() -> h.commit(old))
                        .hasFieldOrPropertyWithValue("reason", Reason.SEQUENCE_NOT_INCREASING)
                        .hasMessageContaining("sequence " + seq).hasMessageContaining("last accepted sequence 5");
            }
            // ...and at reveal, when a higher sequence overtook a pending commitment.
            Harness.Prepared p7 = h.prepare(7);
            Harness.Prepared p8 = h.prepare(8);
            h.commit(p7);
            h.commit(p8);
            h.clock.advance(400);
            h.reveal(p8);
            assertThatThrownBy(() -> h.reveal(p7)).hasFieldOrPropertyWithValue("reason",
                    Reason.SEQUENCE_NOT_INCREASING).hasMessageContaining("sequence 7");
            assertThat(h.ledger.lastSequence(1)).isEqualTo(8);
        }
    }

    @Test
    void rotationRetiresTheOldSet() throws Exception {
        try (Harness h = harness()) {
            h.ledger.registerSignerSet(Fixture.set2(SignerSetStatus.PENDING));
            Harness.Prepared old = h.prepare(1);
            h.commit(old);
            h.ledger.registerSignerSet(Fixture.set1(SignerSetStatus.ACTIVE)); // identical content: no-op
            h.ledger.activateSignerSet(2);
            h.ledger.activateSignerSet(2); // no-op
            assertThat(h.ledger.signerSet(1).orElseThrow().status()).isEqualTo(SignerSetStatus.RETIRED);
            assertThat(h.ledger.signerSet(2).orElseThrow().status()).isEqualTo(SignerSetStatus.ACTIVE);
            h.clock.advance(400);
            assertThatThrownBy(() -> h.reveal(old)).hasFieldOrPropertyWithValue("reason",
                    Reason.SIGNER_SET_NOT_ACTIVE).hasMessageContaining("signer set 1 is RETIRED");
            assertThatThrownBy(() -> h.ledger.activateSignerSet(1))
                    .hasFieldOrPropertyWithValue("reason", Reason.SIGNER_SET_CONFLICT);

            long now = h.clock.millis();
            Harness.Prepared fresh = h.prepare(2, 1, now, List.of(Fixture.item(Fixture.nba(), now)), Fixture.K4,
                    Fixture.K5);
            assertThat(h.publish(fresh).signerSetId()).isEqualTo(2);
        }
    }

    @Test
    void pauseAndResume() throws Exception {
        try (Harness h = harness()) {
            h.ledger.setMarketStatus(NBA, MarketStatus.PAUSED);
            h.ledger.setMarketStatus(NBA, MarketStatus.PAUSED); // no-op
            Harness.Prepared p = h.prepare(1);
            h.commit(p);
            h.clock.advance(400);
            assertThatThrownBy(() -> h.reveal(p)).hasFieldOrPropertyWithValue("reason", Reason.MARKET_NOT_ACTIVE)
                    .hasMessageContaining("items[1]").hasMessageContaining(NBA.value()).hasMessageContaining("PAUSED");
            assertThat(h.ledger.latest(BTC)).isEmpty(); // the whole bundle was refused
            h.ledger.setMarketStatus(NBA, MarketStatus.ACTIVE);
            h.reveal(p);
            assertThat(h.ledger.latest(BTC)).isPresent();
            assertThat(h.ledger.market(NBA).orElseThrow().status()).isEqualTo(MarketStatus.ACTIVE);
        }
    }

    @Test
    void listenersSeeEventsAfterTheChangeAndMayCallTheLedger() throws Exception {
        try (Harness h = harness()) {
            assumeTrue(h.direct(), "delivery on the writer's thread before the write returns is the local ledger's own");
            List<String> seen = new ArrayList<>();
            Ledger.Subscription sub = h.ledger.subscribe(e -> {
                // The state is visible to the listener when it hears of the change.
                if (e instanceof LedgerEvent.Committed c) {
                    seen.add("committed:" + h.ledger.commitment(c.commitHash()).isPresent());
                }
            });
            h.ledger.subscribe(e -> {
                throw new IllegalStateException("a broken listener");
            });
            h.commit(h.prepare(1));
            assertThat(seen).containsExactly("committed:true");
            assertThat(Fixture.counter(h.registry, "m0_ledger_listener_errors")).isEqualTo(1);
            sub.close();
            h.commit(h.prepare(2));
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void oneLedgerPerDirectory() throws Exception {
        try (Harness h = harness()) {
            assumeTrue(h.direct(), "the directory lock is the local ledger's own");
            assertThatThrownBy(() -> Fixture.open(dir, h.clock)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already open");
        }
        // Released on close.
        try (LocalLedger again = Fixture.open(dir, new ManualClock(T0))) {
            assertThat(again.signerSet(1)).isPresent();
        }
    }

    @Test
    void closedLedgerRefusesWritesAndMetricsAreUnregistered() throws IOException {
        Harness h = harness();
        h.close();
        h.close();
        assertThatThrownBy(() -> h.commit(h.prepare(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        // The same registry can host a reopened ledger.
        try (LocalLedger again = Fixture.open(dir, h.clock, h.registry)) {
            assertThat(again.lastSequence(1)).isZero();
        }
    }
}
