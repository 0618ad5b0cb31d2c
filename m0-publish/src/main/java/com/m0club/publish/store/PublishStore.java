package com.m0club.publish.store;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.state.PublishTransitions;
import com.m0club.store.postgres.Jdbc;
import com.m0club.store.postgres.Transaction;
import com.m0club.view.BundleRecord;
import com.m0club.view.PublishStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Durable publish state of every bundle (PostgreSQL, tables from V100__publish.sql). Each transition is one
 * transaction that locks the bundle row, checks the state machine and appends to {@code publish_transitions}, so
 * the submitter, the reconciler and a restarted process can race without losing or reordering a state.
 */
public final class PublishStore {
    private final Jdbc jdbc;

    public PublishStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A stored bundle with the submitter's private fields (salt) that the read model never exposes.
     *
     * @param traceparent the W3C traceparent of the bundler's span for it (the {@code traceparent} column), when
     *     tracing was on: the submitter's spans continue that trace
     */
    public record StoredBundle(BundleRecord record, Optional<byte[]> salt, Optional<Long> commitSlot,
            Optional<Long> revealSlot, int attempts, Optional<String> traceparent) {
        public StoredBundle {
            java.util.Objects.requireNonNull(traceparent, "traceparent");
        }

        /** A stored bundle without trace context. */
        public StoredBundle(BundleRecord record, Optional<byte[]> salt, Optional<Long> commitSlot,
                Optional<Long> revealSlot, int attempts) {
            this(record, salt, commitSlot, revealSlot, attempts, Optional.empty());
        }

        public Hash32 bundleHash() {
            return record.bundleHash();
        }

        public PublishStatus status() {
            return record.status();
        }
    }

    /** Thrown when a transition would break the state machine; carries both states for the log line. */
    public static final class IllegalTransitionException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        IllegalTransitionException(Hash32 hash, PublishStatus from, PublishStatus to) {
            super("bundle " + hash.toHex() + ": publish state cannot move from " + from + " to " + to);
        }
    }

    /**
     * Records a freshly built bundle as BUILT, with one row per item. Idempotent: a bundle already stored (same hash)
     * is left as it is and {@code false} is returned.
     */
    public boolean insertBuilt(EncodedBundle bundle, long nowMs) {
        return insertBuilt(bundle, nowMs, Optional.empty());
    }

    /**
     * {@link #insertBuilt(EncodedBundle, long)} with the bundler's trace context for the bundle, stored beside it
     * (column {@code traceparent}, never in its bytes).
     */
    public boolean insertBuilt(EncodedBundle bundle, long nowMs, Optional<String> traceparent) {
        byte[] hash = bundle.bundleHash().toByteArray();
        var h = bundle.header();
        String trace = java.util.Objects.requireNonNull(traceparent, "traceparent").orElse(null);
        return jdbc.inTransaction("publish.insert_built", tx -> {
            int inserted = tx.update("""
                    INSERT INTO bundles (bundle_hash, signer_set_id, sequence, round_start_ms, round_end_ms,
                        produced_at_ms, item_count, bundle_bytes, status, created_at_ms, updated_at_ms, traceparent)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'BUILT', ?, ?, ?)
                    ON CONFLICT (bundle_hash) DO NOTHING""", hash, h.signerSetId(), h.sequence(), h.roundStartMs(),
                    h.roundEndMs(), h.producedAtMs(), bundle.itemCount(), bundle.bytes(), nowMs, nowMs, trace);
            if (inserted == 0) {
                return false;
            }
            try (PreparedStatement ps = tx.connection().prepareStatement("""
                    INSERT INTO bundle_items (bundle_hash, leaf_index, market_id, epoch_id, tick, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                List<BundleItem> items = bundle.bundle().items();
                for (int i = 0; i < items.size(); i++) {
                    ps.setBytes(1, hash);
                    ps.setInt(2, i);
                    ps.setString(3, items.get(i).marketId().value());
                    ps.setLong(4, items.get(i).epochId());
                    ps.setLong(5, items.get(i).tick());
                    ps.setLong(6, nowMs);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            appendTransition(tx, hash, PublishStatus.BUILT, nowMs, null);
            return true;
        });
    }

    public void markSigned(Hash32 hash, byte[] signedBytes, long nowMs) {
        transition(hash, PublishStatus.SIGNED, nowMs, null, "signed_bytes", signedBytes);
    }

    /**
     * Stores the salt and commitment before the commit is sent, so a restart reveals what it committed. A bundle
     * keeps the first salt it was given: committing again after a crash reuses it (same commit hash, an idempotent
     * commit on the ledger).
     *
     * @return the salt to use: {@code salt} the first time, the stored one afterwards
     */
    public byte[] recordCommitment(Hash32 hash, byte[] salt, Hash32 commitHash, long nowMs) {
        return jdbc.inTransaction("publish.record_commitment", tx -> {
            Optional<byte[]> existing = tx.queryOne("SELECT salt FROM bundles WHERE bundle_hash = ? FOR UPDATE",
                    rs -> Optional.ofNullable(rs.getBytes(1)), hash.toByteArray())
                    .orElseThrow(() -> new IllegalStateException("bundle " + hash.toHex() + " is not stored"));
            if (existing.isPresent()) {
                return existing.get();
            }
            tx.update("UPDATE bundles SET salt = ?, commit_hash = ?, updated_at_ms = ? WHERE bundle_hash = ?", salt,
                    commitHash.toByteArray(), nowMs, hash.toByteArray());
            return salt;
        });
    }

    public void markCommitted(Hash32 hash, long commitSlot, long nowMs) {
        transition(hash, PublishStatus.COMMITTED, nowMs, null, "commit_slot", commitSlot);
    }

    public void markRevealed(Hash32 hash, long revealSlot, long nowMs) {
        transition(hash, PublishStatus.REVEALED, nowMs, null, "reveal_slot", revealSlot);
    }

    public void markFinalized(Hash32 hash, long nowMs) {
        transition(hash, PublishStatus.FINALIZED, nowMs, null, null, null);
    }

    public void markFailed(Hash32 hash, String reason, long nowMs) {
        transition(hash, PublishStatus.FAILED, nowMs, reason, "problem", reason);
    }

    public void markMismatch(Hash32 hash, String reason, long nowMs) {
        transition(hash, PublishStatus.MISMATCH, nowMs, reason, "problem", reason);
    }

    /** Counts a failed attempt and remembers why, without changing the state. */
    public void recordProblem(Hash32 hash, String problem, long nowMs) {
        jdbc.update("publish.record_problem",
                "UPDATE bundles SET problem = ?, attempts = attempts + 1, updated_at_ms = ? WHERE bundle_hash = ?",
                problem, nowMs, hash.toByteArray());
    }

    public Optional<StoredBundle> find(Hash32 hash) {
        return jdbc.inTransaction("publish.find", tx -> {
            Optional<Row> row = tx.queryOne("SELECT * FROM bundles WHERE bundle_hash = ?", PublishStore::row,
                    hash.toByteArray());
            return row.isEmpty() ? Optional.empty() : Optional.of(withTransitions(tx, row.get()));
        });
    }

    /** The bundle stored under (set, sequence), if any: at most one, a sequence is never reused. */
    public Optional<StoredBundle> findBySequence(long signerSetId, long sequence) {
        return jdbc.inTransaction("publish.find_by_sequence", tx -> {
            Optional<Row> row = tx.queryOne("SELECT * FROM bundles WHERE signer_set_id = ? AND sequence = ?",
                    PublishStore::row, signerSetId, sequence);
            return row.isEmpty() ? Optional.empty() : Optional.of(withTransitions(tx, row.get()));
        });
    }

    /** Bundles not yet revealed nor given up, oldest sequence first: what a (re)started process must finish. */
    public List<StoredBundle> unfinished() {
        return jdbc.inTransaction("publish.unfinished", tx -> {
            List<Row> rows = tx.query("""
                    SELECT * FROM bundles WHERE status IN ('BUILT', 'SIGNED', 'COMMITTED')
                    ORDER BY signer_set_id, sequence""", PublishStore::row);
            var out = new java.util.ArrayList<StoredBundle>(rows.size());
            for (Row r : rows) {
                out.add(withTransitions(tx, r));
            }
            return out;
        });
    }

    /**
     * Bundles PostgreSQL says the ledger holds (COMMITTED, REVEALED or FINALIZED), by set and sequence: what the
     * reconciler checks against the ledger at start. Transitions are not attached.
     */
    public List<StoredBundle> onLedger() {
        return jdbc.query("publish.on_ledger", """
                SELECT * FROM bundles WHERE status IN ('COMMITTED', 'REVEALED', 'FINALIZED')
                ORDER BY signer_set_id, sequence""", rs -> {
            Row r = row(rs);
            return new StoredBundle(r.partial(), r.salt(), r.commitSlot(), r.revealSlot(), r.attempts());
        });
    }

    /** Revealed bundles whose every item's epoch has finalized on the ledger. */
    public List<Hash32> revealedWithAllEpochsFinalized() {
        return jdbc.query("publish.finalizable", """
                SELECT b.bundle_hash FROM bundles b
                WHERE b.status = 'REVEALED' AND NOT EXISTS (
                    SELECT 1 FROM bundle_items i
                    LEFT JOIN ledger_epochs e ON e.market_id = i.market_id AND e.epoch_id = i.epoch_id
                    WHERE i.bundle_hash = b.bundle_hash AND (e.status IS NULL OR e.status <> 'FINALIZED'))""",
                rs -> Hash32.of(rs.getBytes(1)));
    }

    public long countByStatus(PublishStatus status) {
        return jdbc.queryOne("publish.count", "SELECT COUNT(*) FROM bundles WHERE status = ?", rs -> rs.getLong(1),
                status.name()).orElse(0L);
    }

    // ------------------------------------------------------------------ internals

    /**
     * Moves a bundle to {@code to} under a row lock, optionally setting one more column (an internal constant name,
     * never user input). Moving to the current state is a no-op.
     */
    private void transition(Hash32 hash, PublishStatus to, long nowMs, String reason, String column, Object value) {
        byte[] key = hash.toByteArray();
        jdbc.inTransaction("publish.transition", tx -> {
            PublishStatus from = tx.queryOne("SELECT status FROM bundles WHERE bundle_hash = ? FOR UPDATE",
                    rs -> PublishStatus.valueOf(rs.getString(1)), key)
                    .orElseThrow(() -> new IllegalStateException("bundle " + hash.toHex() + " is not stored"));
            if (from == to) {
                return null;
            }
            if (!PublishTransitions.reachable(from, to)) {
                throw new IllegalTransitionException(hash, from, to);
            }
            if (column == null) {
                tx.update("UPDATE bundles SET status = ?, updated_at_ms = ? WHERE bundle_hash = ?", to, nowMs, key);
            } else {
                tx.update("UPDATE bundles SET status = ?, updated_at_ms = ?, " + column + " = ? WHERE bundle_hash = ?",
                        to, nowMs, value, key);
            }
            appendTransition(tx, key, to, nowMs, reason);
            return null;
        });
    }

    private static void appendTransition(Transaction tx, byte[] hash, PublishStatus status, long nowMs, String reason)
            throws SQLException {
        tx.update("INSERT INTO publish_transitions (bundle_hash, status, at_ms, reason) VALUES (?, ?, ?, ?)", hash,
                status, nowMs, reason);
    }

    /** A bundles row before its transitions are attached. */
    private record Row(BundleRecord partial, Optional<byte[]> salt, Optional<Long> commitSlot,
            Optional<Long> revealSlot, int attempts, Optional<String> traceparent) {}

    private static Row row(ResultSet rs) throws SQLException {
        byte[] commit = rs.getBytes("commit_hash");
        long commitSlot = rs.getLong("commit_slot");
        boolean hasCommitSlot = !rs.wasNull();
        long revealSlot = rs.getLong("reveal_slot");
        boolean hasRevealSlot = !rs.wasNull();
        BundleRecord partial = new BundleRecord(Hash32.of(rs.getBytes("bundle_hash")), rs.getLong("signer_set_id"),
                rs.getLong("sequence"), rs.getLong("round_start_ms"), rs.getLong("round_end_ms"),
                rs.getInt("item_count"), rs.getBytes("bundle_bytes"), Optional.ofNullable(rs.getBytes("signed_bytes")),
                PublishStatus.valueOf(rs.getString("status")), List.of(), Optional.ofNullable(commit).map(Hash32::of),
                Optional.ofNullable(rs.getString("problem")));
        return new Row(partial, Optional.ofNullable(rs.getBytes("salt")),
                hasCommitSlot ? Optional.of(commitSlot) : Optional.empty(),
                hasRevealSlot ? Optional.of(revealSlot) : Optional.empty(), rs.getInt("attempts"),
                Optional.ofNullable(rs.getString("traceparent")));
    }

    private static StoredBundle withTransitions(Transaction tx, Row row) throws SQLException {
        BundleRecord p = row.partial();
        List<BundleRecord.Transition> transitions = tx.query(
                "SELECT status, at_ms, reason FROM publish_transitions WHERE bundle_hash = ? ORDER BY id",
                rs -> new BundleRecord.Transition(PublishStatus.valueOf(rs.getString(1)), rs.getLong(2),
                        Optional.ofNullable(rs.getString(3))), p.bundleHash().toByteArray());
        BundleRecord full = new BundleRecord(p.bundleHash(), p.signerSetId(), p.sequence(), p.roundStartMs(),
                p.roundEndMs(), p.itemCount(), p.bundleBytes(), p.signedBundleBytes(), p.status(), transitions,
                p.commitHash(), p.problem());
        return new StoredBundle(full, row.salt(), row.commitSlot(), row.revealSlot(), row.attempts(),
                row.traceparent());
    }
}
