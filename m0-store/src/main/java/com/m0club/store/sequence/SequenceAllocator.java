package com.m0club.store.sequence;

import com.m0club.protocol.Checks;
import com.m0club.protocol.hash.Hash32;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import com.m0club.store.postgres.RowMapper;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Allocates bundle sequences: per signer set a u64 that is durable, strictly increasing, gap-free, and never reused
 * for a different bundle hash (docs/protocol.md, section 17 "Signer sets and replay protection").
 *
 * <p>A publish round asks with its {@code roundKey} (a deterministic id of the round, for example
 * {@code "2026-01-04T12:00:05Z/FAST"}): asking again with the same key, from a retry or after a restart, returns the
 * sequence the round got the first time. Concurrent callers, in one process or many, serialize on the set's counter
 * row ({@code SELECT ... FOR UPDATE}); the round key is checked again under that lock, so two callers racing on one
 * round get one sequence. Once the bundle is built its hash is bound to the sequence ({@link #bindHash}); binding a
 * different hash later is refused, here and by a trigger in the database.
 *
 * <p>Sequences start at 1 (the ledger accepts a sequence above the set's last accepted one, initially 0). The signer
 * set must be registered ({@code SignerSetStore}) and not RETIRED.
 */
public final class SequenceAllocator {
    /** Longest accepted round key. */
    public static final int MAX_ROUND_KEY_LENGTH = 200;

    private final Jdbc jdbc;
    private final InstantSource clock;

    public SequenceAllocator(Database database, InstantSource clock) {
        this.jdbc = Objects.requireNonNull(database, "database").jdbc();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A sequence and what it was allocated to. */
    public record Allocation(long signerSetId, long sequence, String roundKey, Optional<Hash32> bundleHash) {}

    /**
     * The sequence of the round {@code roundKey} under signer set {@code signerSetId}: the one it already has, or the
     * next one.
     *
     * @throws StoreNotFoundException when the signer set is not registered
     * @throws StoreConflictException when the signer set is RETIRED (existing rounds still get their sequence)
     */
    public long allocate(long signerSetId, String roundKey) {
        Checks.u32("signer_set_id", signerSetId);
        validateRoundKey(roundKey);
        Optional<Allocation> known = find(signerSetId, roundKey);
        if (known.isPresent()) {
            return known.get().sequence();
        }
        String op = "sequences.allocate";
        return jdbc.inTransaction(op, tx -> {
            Optional<String> status = tx.queryOne("SELECT status FROM signer_sets WHERE signer_set_id = ?",
                    row -> row.getString(1), signerSetId);
            if (status.isEmpty()) {
                throw jdbc.metrics().notFound(op, "signer set " + signerSetId + " is not registered: store it"
                        + " (SignerSetStore.insert; there is no m0 command for it yet) before allocating sequences for it");
            }
            tx.update("INSERT INTO signer_set_sequences (signer_set_id, last_sequence) VALUES (?, 0)"
                    + " ON CONFLICT (signer_set_id) DO NOTHING", signerSetId);
            long last = tx.queryOne("SELECT last_sequence FROM signer_set_sequences WHERE signer_set_id = ?"
                    + " FOR UPDATE", row -> row.getLong(1), signerSetId).orElseThrow();
            // Under the lock: a concurrent caller may have allocated this round while we waited.
            Optional<Long> raced = tx.queryOne("SELECT sequence FROM bundle_sequences WHERE signer_set_id = ?"
                    + " AND round_key = ?", row -> row.getLong(1), signerSetId, roundKey);
            if (raced.isPresent()) {
                return raced.get();
            }
            if ("RETIRED".equals(status.get())) {
                throw jdbc.metrics().conflict(op, "signer set " + signerSetId + " is RETIRED: new rounds must be"
                        + " signed by the active set");
            }
            long next = Math.addExact(last, 1);
            tx.update("UPDATE signer_set_sequences SET last_sequence = ? WHERE signer_set_id = ?", next, signerSetId);
            tx.update("INSERT INTO bundle_sequences (signer_set_id, sequence, round_key, allocated_at_ms)"
                    + " VALUES (?, ?, ?, ?)", signerSetId, next, roundKey, clock.millis());
            return next;
        });
    }

    /**
     * Binds the bundle hash to an allocated sequence. Binding the same hash again is a no-op (a retry).
     *
     * @throws StoreNotFoundException when the sequence was never allocated
     * @throws StoreConflictException when the sequence is already bound to another hash: signing it would give one
     *     sequence two bundles
     */
    public void bindHash(long signerSetId, long sequence, Hash32 bundleHash) {
        Checks.u32("signer_set_id", signerSetId);
        Objects.requireNonNull(bundleHash, "bundleHash");
        String op = "sequences.bind_hash";
        jdbc.inTransaction(op, tx -> {
            Optional<Optional<Hash32>> bound = tx.queryOne("SELECT bundle_hash FROM bundle_sequences"
                    + " WHERE signer_set_id = ? AND sequence = ? FOR UPDATE",
                    row -> Optional.ofNullable(row.getBytes(1)).map(Hash32::of), signerSetId, sequence);
            if (bound.isEmpty()) {
                throw jdbc.metrics().notFound(op, "sequence " + sequence + " of signer set " + signerSetId
                        + " was never allocated");
            }
            if (bound.get().isPresent()) {
                if (bound.get().get().equals(bundleHash)) {
                    return null;
                }
                throw jdbc.metrics().conflict(op, "sequence " + sequence + " of signer set " + signerSetId
                        + " is bound to bundle " + bound.get().get().toHex() + "; refusing to bind "
                        + bundleHash.toHex() + " (a sequence is never reused for a different bundle hash)");
            }
            tx.update("UPDATE bundle_sequences SET bundle_hash = ?, bound_at_ms = ? WHERE signer_set_id = ?"
                    + " AND sequence = ?", bundleHash.toByteArray(), clock.millis(), signerSetId, sequence);
            return null;
        });
    }

    /** The allocation of a round, if it has one. */
    public Optional<Allocation> find(long signerSetId, String roundKey) {
        return jdbc.queryOne("sequences.find", "SELECT signer_set_id, sequence, round_key, bundle_hash"
                + " FROM bundle_sequences WHERE signer_set_id = ? AND round_key = ?", ALLOCATION, signerSetId,
                roundKey);
    }

    /** The allocation of a sequence, if it was allocated. */
    public Optional<Allocation> get(long signerSetId, long sequence) {
        return jdbc.queryOne("sequences.get", "SELECT signer_set_id, sequence, round_key, bundle_hash"
                + " FROM bundle_sequences WHERE signer_set_id = ? AND sequence = ?", ALLOCATION, signerSetId,
                sequence);
    }

    /** The last sequence handed out for the set; 0 when none was. */
    public long lastSequence(long signerSetId) {
        return jdbc.queryOne("sequences.last", "SELECT last_sequence FROM signer_set_sequences"
                + " WHERE signer_set_id = ?", row -> row.getLong(1), signerSetId).orElse(0L);
    }

    private static final RowMapper<Allocation> ALLOCATION = row -> new Allocation(row.getLong(1), row.getLong(2),
            row.getString(3), Optional.ofNullable(row.getBytes(4)).map(Hash32::of));

    private static void validateRoundKey(String roundKey) {
        if (roundKey == null || roundKey.isBlank()) {
            throw new IllegalArgumentException("round_key: is required and must not be blank");
        }
        if (roundKey.length() > MAX_ROUND_KEY_LENGTH) {
            throw new IllegalArgumentException("round_key: at most " + MAX_ROUND_KEY_LENGTH + " characters, got "
                    + roundKey.length());
        }
        for (int i = 0; i < roundKey.length(); i++) {
            char c = roundKey.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("round_key: printable ASCII only, found code " + (int) c
                        + " at index " + i);
            }
        }
    }
}
