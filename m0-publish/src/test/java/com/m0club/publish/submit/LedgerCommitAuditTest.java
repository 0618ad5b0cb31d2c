package com.m0club.publish.submit;

import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.Commitment;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.publish.support.PublishWorld.Built;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The startup check against a real local ledger and a real PostgreSQL: a lost publish record of a revealed bundle is
 * adopted from the ledger, a lost record of a commitment never revealed is reported (counter and a row), and each run
 * reads only the ledger events appended since the previous one.
 */
class LedgerCommitAuditTest {
    private static final String WITHOUT_RECORD = "m0_publish_ledger_commits_without_record_total";

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

    private LedgerCommitAudit audit(PrometheusRegistry registry) {
        return new LedgerCommitAudit(world.ledger, world.ledger, world.store, world.jdbc, world.clock, registry);
    }

    /** What a crash with non-durable commits did: the bundle's rows are gone, the ledger still holds it. */
    private void loseTheRecord(Hash32 hash) {
        byte[] key = hash.toByteArray();
        world.jdbc.update("test.lose", "DELETE FROM publish_transitions WHERE bundle_hash = ?", key);
        world.jdbc.update("test.lose", "DELETE FROM bundle_items WHERE bundle_hash = ?", key);
        world.jdbc.update("test.lose", "DELETE FROM bundles WHERE bundle_hash = ?", key);
    }

    private List<String> auditRows() {
        return world.jdbc.query("test.rows", "SELECT resolution || ' ' || sequence FROM ledger_commit_audit"
                + " ORDER BY sequence", rs -> rs.getString(1));
    }

    @Test
    void everyCommitWithItsRecordPassesAndTheNextRunReadsOnlyNewEvents() throws Exception {
        Built b = world.signed(1);
        assertThat(world.submitter(new PrometheusRegistry(), 1).submit(b.hash()))
                .isInstanceOf(Submitter.Outcome.Revealed.class);

        LedgerCommitAudit.Report first = audit(metrics).run();

        assertThat(first.commitsChecked()).isEqualTo(1);
        assertThat(first.adopted()).isZero();
        assertThat(first.missing()).isZero();
        assertThat(auditRows()).isEmpty();
        assertThat(audit(new PrometheusRegistry()).run().eventsRead()).as("nothing new on the ledger").isZero();
    }

    @Test
    void aLostRecordOfARevealedBundleIsAdoptedFromTheLedger() throws Exception {
        Built b = world.signed(1);
        world.submitter(new PrometheusRegistry(), 3).submit(b.hash());
        StoredBundle before = world.store.find(b.hash()).orElseThrow();
        loseTheRecord(b.hash());
        assertThat(world.store.find(b.hash())).isEmpty();

        LedgerCommitAudit.Report report = audit(metrics).run();

        assertThat(report.adopted()).isEqualTo(1);
        assertThat(report.missing()).isZero();
        StoredBundle adopted = world.store.find(b.hash()).orElseThrow();
        assertThat(adopted.status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(adopted.record().signedBundleBytes().orElseThrow()).isEqualTo(b.signed().encode());
        assertThat(adopted.salt()).hasValue(Fixture.salt(3));
        assertThat(adopted.record().commitHash()).isEqualTo(before.record().commitHash());
        assertThat(adopted.commitSlot()).isEqualTo(before.commitSlot());
        assertThat(adopted.revealSlot()).isEqualTo(before.revealSlot());
        assertThat(auditRows()).containsExactly("ADOPTED 1");
        assertThat(counter(metrics, WITHOUT_RECORD, "resolution", "adopted")).isEqualTo(1);
        assertThat(counter(metrics, WITHOUT_RECORD, "resolution", "missing")).isZero();
    }

    @Test
    void aLostRecordOfACommitmentNeverRevealedIsReportedMissing() throws Exception {
        Built b = world.signed(1);
        Hash32 commitHash = Commitment.commitHash(b.hash(), Fixture.salt(9));
        world.ledger.commit(commitHash, Fixture.SET_ID, 1);
        loseTheRecord(b.hash());

        LedgerCommitAudit.Report report = audit(metrics).run();

        assertThat(report.missing()).isEqualTo(1);
        assertThat(report.adopted()).isZero();
        assertThat(auditRows()).containsExactly("MISSING 1");
        assertThat(world.jdbc.queryOne("test.detail", "SELECT detail FROM ledger_commit_audit", rs -> rs.getString(1)))
                .hasValueSatisfying(d -> assertThat(d).contains("never revealed"));
        assertThat(counter(metrics, WITHOUT_RECORD, "resolution", "missing")).isEqualTo(1);
        // reported once: a second start does not count the same loss again
        PrometheusRegistry again = new PrometheusRegistry();
        assertThat(audit(again).run().missing()).isZero();
        assertThat(counter(again, WITHOUT_RECORD, "resolution", "missing")).isZero();
    }

    @Test
    void aSequenceCounterBelowTheLedgerIsRaisedSoSequencesKeepRising() throws Exception {
        Built b = world.signed(5);
        world.submitter(new PrometheusRegistry(), 1).submit(b.hash());
        world.jdbc.update("test.set", "INSERT INTO signer_sets (signer_set_id, threshold, status, activation_ms,"
                + " created_at_ms, updated_at_ms) VALUES (?, 2, 'ACTIVE', 0, 0, 0) ON CONFLICT DO NOTHING",
                Fixture.SET_ID);
        world.jdbc.update("test.seq", "INSERT INTO signer_set_sequences (signer_set_id, last_sequence) VALUES (?, 2)",
                Fixture.SET_ID);

        audit(metrics).run();

        assertThat(world.jdbc.queryOne("test.last", "SELECT last_sequence FROM signer_set_sequences"
                + " WHERE signer_set_id = ?", rs -> rs.getLong(1), Fixture.SET_ID)).hasValue(5L);
        assertThat(counter(metrics, WITHOUT_RECORD, "resolution", "sequence_floor_raised")).isEqualTo(1);
    }

    @Test
    void eventsTheLedgerNoLongerKeepsAreCountedAndTheSequenceFloorStillFollowsTheLedger() throws Exception {
        Submitter submitter = world.submitter(new PrometheusRegistry(), 1);
        for (long seq = 1; seq <= 3; seq++) {
            world.clock.advance(5_000);
            assertThat(submitter.submit(world.signed(seq).hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        }
        long eventsBefore = world.ledger.nextEventIndex();
        new com.m0club.store.registry.SignerSetStore(world.db, world.clock).insert(Fixture.SET);
        world.jdbc.update("test.counter_behind", "DELETE FROM signer_set_sequences WHERE signer_set_id = ?",
                Fixture.SET_ID);
        // the audit never ran; the ledger restarts from a snapshot covering every event (one more record, a pending
        // signer set, is the periodic snapshot point), so the events it would have read are gone
        world.ledger.close();
        try (var snapshotting = com.m0club.chain.local.LocalLedger.builder(dir.resolve("ledger")).clock(world.clock)
                .registry(new PrometheusRegistry()).snapshotEveryRecords(1).open()) {
            snapshotting.registerSignerSet(com.m0club.protocol.sign.SignerSet.builder().id(2)
                    .threshold(Fixture.SET.threshold()).keys(Fixture.SET.keys())
                    .status(com.m0club.protocol.sign.SignerSetStatus.PENDING).activationMs(Long.MAX_VALUE / 2)
                    .build());
        }
        try (var restarted = com.m0club.chain.local.LocalLedger.builder(dir.resolve("ledger")).clock(world.clock)
                .registry(new PrometheusRegistry()).open()) {
            assertThat(restarted.oldestEventIndex()).isPositive().isGreaterThanOrEqualTo(eventsBefore);

            LedgerCommitAudit.Report report = new LedgerCommitAudit(restarted, restarted, world.store, world.jdbc,
                    world.clock, metrics).run();

            assertThat(report.commitsChecked()).isZero();
            assertThat(counter(metrics, "m0_publish_ledger_commit_audit_skipped_events_total"))
                    .isEqualTo((double) restarted.oldestEventIndex());
            assertThat(world.jdbc.queryOne("test.floor", "SELECT last_sequence FROM signer_set_sequences"
                    + " WHERE signer_set_id = ?", rs -> rs.getLong(1), Fixture.SET_ID)).contains(3L);
            assertThat(new LedgerCommitAudit(restarted, restarted, world.store, world.jdbc, world.clock,
                    new PrometheusRegistry()).run().eventsRead()).as("the cursor moved past the gap").isZero();
        }
    }
}
