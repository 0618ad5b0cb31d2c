package com.m0club.publish.submit;

import com.m0club.chain.CommitRecord;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerEvents;
import com.m0club.chain.LedgerReader;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.store.PublishStore;
import com.m0club.store.postgres.Jdbc;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The startup check of the submitter: every commitment the ledger holds must have its publish record (a
 * {@code bundles} row with that commit hash). A whole-node crash with non-durable commits once lost the row of a
 * bundle the ledger had committed; this finds such losses instead of letting them pass silently.
 *
 * <p>For a commitment without a record:
 * <ul>
 *   <li>revealed on the ledger: the record is <b>adopted</b>, rebuilt from what the reveal carried (the signed bundle
 *       and the salt), and moves through BUILT, SIGNED, COMMITTED, REVEALED so the reconciler and the API see it;</li>
 *   <li>committed, never revealed: nothing is left to reveal it with (the signed bundle was only in the lost row):
 *       it is reported <b>missing</b>.</li>
 * </ul>
 * Both log at ERROR, count in {@code m0_publish_ledger_commits_without_record_total{resolution}} and leave a row in
 * {@code ledger_commit_audit}. The set's sequence counter is also raised to the highest sequence the ledger holds,
 * so a lost allocation can never hand out a sequence the ledger already used.
 *
 * <p>Reads the ledger through its read-only ports ({@link LedgerEvents}, {@link LedgerReader}); remembers how far it read
 * ({@code ledger_commit_audit_cursor}), so each start reads only the events appended since the previous one (the
 * only ones whose records a crash can have lost).
 */
public final class LedgerCommitAudit {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerCommitAudit.class);
    private static final int PAGE = 1_000;

    private final LedgerReader ledger;
    private final LedgerEvents ledgerEvents;
    private final PublishStore store;
    private final Jdbc jdbc;
    private final InstantSource clock;
    private final Counter withoutRecord;
    private final Counter skippedEvents;

    /** What one run found. */
    public record Report(long eventsRead, int commitsChecked, int adopted, int missing) {}

    public LedgerCommitAudit(LedgerReader ledger, LedgerEvents ledgerEvents, PublishStore store, Jdbc jdbc, InstantSource clock,
            PrometheusRegistry registry) {
        this.ledger = ledger;
        this.ledgerEvents = ledgerEvents;
        this.store = store;
        this.jdbc = jdbc;
        this.clock = clock;
        this.withoutRecord = Counter.builder().name("m0_publish_ledger_commits_without_record_total")
                .help("Ledger commitments found at startup without a publish record, by resolution: adopted (rebuilt"
                        + " from the ledger's reveal), missing (committed, never revealed, the bundle is lost), or"
                        + " sequence_floor_raised (a set's sequence counter was below the ledger's)")
                .labelNames("resolution").register(registry);
        this.skippedEvents = Counter.builder().name("m0_publish_ledger_commit_audit_skipped_events_total")
                .help("Ledger events the startup commit audit could not check because the ledger no longer kept"
                        + " them (sequence floors were raised from the ledger's state instead)")
                .register(registry);
        withoutRecord.labelValues("adopted");
        withoutRecord.labelValues("missing");
        withoutRecord.labelValues("sequence_floor_raised");
    }

    /** Checks every ledger event appended since the last run. */
    public Report run() {
        long from = jdbc.queryOne("audit.cursor", "SELECT next_index FROM ledger_commit_audit_cursor WHERE id = 1",
                rs -> rs.getLong(1)).orElse(0L);
        long next = from;
        long oldest = ledgerEvents.oldestEventIndex();
        if (next < oldest) {
            // The ledger no longer holds the events between the cursor and its oldest kept one (a reopen from a
            // snapshot, or its in-memory bound). Their commitments cannot be checked one by one; what matters most
            // is kept: no set's sequence counter stays below what the ledger accepted.
            LOG.warn("ledger commit audit: ledger events {}..{} are no longer kept by the ledger; their commitments"
                    + " are not checked one by one, each signer set's sequence floor is raised to the ledger's last"
                    + " sequence instead", next, oldest - 1);
            skippedEvents.inc(oldest - next);
            for (long set : jdbc.query("audit.sets", """
                    SELECT signer_set_id FROM signer_set_sequences UNION SELECT DISTINCT signer_set_id FROM bundles""",
                    rs -> rs.getLong(1))) {
                long last = ledger.lastSequence(set);
                if (last > 0) {
                    raiseSequenceFloor(set, last);
                }
            }
            next = oldest;
        }
        int checked = 0;
        int adopted = 0;
        int missing = 0;
        java.util.Map<Long, Long> highestBySet = new java.util.HashMap<>();
        while (true) {
            List<LedgerEvent> page = ledgerEvents.events(next, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (LedgerEvent e : page) {
                if (e instanceof LedgerEvent.Committed c) {
                    checked++;
                    highestBySet.merge(c.signerSetId(), c.sequence(), Math::max);
                    switch (check(c)) {
                        case ADOPTED -> adopted++;
                        case MISSING -> missing++;
                        case PRESENT -> { }
                    }
                }
            }
            next = page.getLast().index() + 1;
        }
        highestBySet.forEach(this::raiseSequenceFloor);
        long cursor = next;
        jdbc.update("audit.advance", """
                INSERT INTO ledger_commit_audit_cursor (id, next_index) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET next_index = GREATEST(ledger_commit_audit_cursor.next_index,
                    EXCLUDED.next_index)""", cursor);
        Report report = new Report(next - from, checked, adopted, missing);
        if (adopted + missing > 0) {
            LOG.error("ledger commit audit: {} ledger commitments had no publish record ({} adopted from the ledger,"
                    + " {} missing); see the table ledger_commit_audit", adopted + missing, adopted, missing);
        } else {
            LOG.info("ledger commit audit: {} commitments checked, each has its publish record", checked);
        }
        return report;
    }

    private enum Result { PRESENT, ADOPTED, MISSING }

    private Result check(LedgerEvent.Committed c) {
        byte[] commitHash = c.commitHash().toByteArray();
        boolean present = jdbc.queryOne("audit.has_record", "SELECT 1 FROM bundles WHERE commit_hash = ? LIMIT 1",
                rs -> Boolean.TRUE, commitHash).isPresent();
        if (present) {
            return Result.PRESENT;
        }
        Optional<CommitRecord> commitment = ledger.commitment(c.commitHash());
        if (commitment.isEmpty()) {
            // the ledger pruned it: beyond its retention (ledger_retention_hours >= publish_retention_hours, so the
            // publish record was purged by the publish retention, not lost)
            return Result.PRESENT;
        }
        Optional<RevealReceipt> reveal = commitment.flatMap(CommitRecord::reveal);
        Optional<RevealedBundle> revealed = reveal.flatMap(r -> ledger.revealedBundle(r.bundleHash()));
        if (revealed.isPresent()) {
            Optional<String> refused = adopt(c, revealed.get());
            if (refused.isEmpty()) {
                record(c, "ADOPTED", "revealed on the ledger as bundle " + reveal.get().bundleHash().toHex()
                        + "; record rebuilt from the reveal");
                withoutRecord.labelValues("adopted").inc();
                LOG.error("ledger commitment {} (set {} sequence {}) had no publish record; adopted bundle {} from"
                        + " the ledger's reveal", c.commitHash().toHex(), c.signerSetId(), c.sequence(),
                        reveal.get().bundleHash().toHex());
                return Result.ADOPTED;
            }
            return missing(c, "revealed as bundle " + reveal.get().bundleHash().toHex() + " but not adoptable: "
                    + refused.get());
        }
        return missing(c, "committed at slot " + c.slot() + ", never revealed; the signed bundle and salt were only"
                + " in the lost publish record");
    }

    private Result missing(LedgerEvent.Committed c, String detail) {
        record(c, "MISSING", detail);
        withoutRecord.labelValues("missing").inc();
        LOG.error("ledger commitment {} (set {} sequence {}) has no publish record: {}", c.commitHash().toHex(),
                c.signerSetId(), c.sequence(), detail);
        return Result.MISSING;
    }

    /** Rebuilds the record from the reveal; empty on success, else why it could not be. */
    private Optional<String> adopt(LedgerEvent.Committed c, RevealedBundle revealed) {
        long now = clock.millis();
        try {
            SignedBundle signed = BundleCodec.decodeSigned(revealed.signedBundleBytes());
            Hash32 hash = signed.bundle().bundleHash();
            var other = jdbc.queryOne("audit.by_sequence",
                    "SELECT bundle_hash FROM bundles WHERE signer_set_id = ? AND sequence = ?",
                    rs -> Hash32.of(rs.getBytes(1)), c.signerSetId(), c.sequence());
            if (other.isPresent() && !other.get().equals(hash)) {
                return Optional.of("another bundle " + other.get().toHex() + " holds (set " + c.signerSetId()
                        + ", sequence " + c.sequence() + ") in PostgreSQL");
            }
            store.insertBuilt(signed.bundle(), now);
            store.markSigned(hash, revealed.signedBundleBytes(), now);
            store.recordCommitment(hash, revealed.salt(), c.commitHash(), now);
            store.markCommitted(hash, c.slot(), now);
            store.markRevealed(hash, revealed.receipt().slot(), now);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.toString());
        }
    }

    private void record(LedgerEvent.Committed c, String resolution, String detail) {
        jdbc.update("audit.record", """
                INSERT INTO ledger_commit_audit (commit_hash, signer_set_id, sequence, commit_slot, resolution, detail,
                    found_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (commit_hash) DO NOTHING""",
                c.commitHash().toByteArray(), c.signerSetId(), c.sequence(), c.slot(), resolution, detail,
                clock.millis());
    }

    /** Sequences keep rising: the counter never stays below what the ledger already holds for the set. */
    private void raiseSequenceFloor(long signerSetId, long highest) {
        int raised = jdbc.update("audit.sequence_floor", """
                INSERT INTO signer_set_sequences (signer_set_id, last_sequence)
                SELECT s.signer_set_id, ? FROM signer_sets s WHERE s.signer_set_id = ?
                ON CONFLICT (signer_set_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence
                WHERE signer_set_sequences.last_sequence < EXCLUDED.last_sequence""", highest, signerSetId);
        if (raised > 0 && highest > 0) {
            withoutRecord.labelValues("sequence_floor_raised").inc();
            LOG.error("signer set {}: the sequence counter was below the ledger's highest committed sequence {};"
                    + " raised to it", signerSetId, highest);
        }
    }
}
