package com.m0club.store.registry;

import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import com.m0club.store.postgres.Transaction;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signer sets in PostgreSQL (tables {@code signer_sets} and {@code signer_set_keys}).
 *
 * <p>A signer set is immutable (docs/protocol.md: rotation creates a new id): its <em>content</em> is the id, threshold,
 * keys and activation time. Inserting an id again with the same content is a no-op, so seeding and restarts are
 * idempotent; with different content it is an error, because signatures already made under that id would then mean
 * something else. The status is not content: it moves forward only, PENDING -> ACTIVE -> RETIRED (PENDING may retire
 * without ever activating), through {@link #setStatus}.
 */
public final class SignerSetStore {
    private static final Logger LOG = LoggerFactory.getLogger(SignerSetStore.class);

    private final Jdbc jdbc;
    private final InstantSource clock;

    public SignerSetStore(Database database, InstantSource clock) {
        this.jdbc = Objects.requireNonNull(database, "database").jdbc();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores a new signer set, or checks that an existing one with this id has the same content.
     *
     * @return true when the set was inserted, false when an identical set was already stored (its stored status is
     *     kept)
     * @throws StoreConflictException when the id is stored with another threshold, key list or activation time
     */
    public boolean insert(SignerSet set) {
        Objects.requireNonNull(set, "set");
        String op = "signer_sets.insert";
        return jdbc.inTransaction(op, tx -> {
            long now = clock.millis();
            int inserted = tx.update("INSERT INTO signer_sets (signer_set_id, threshold, status, activation_ms,"
                    + " created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (signer_set_id) DO NOTHING",
                    set.id(), set.threshold(), set.status(), set.activationMs(), now, now);
            if (inserted == 1) {
                List<SignerKey> keys = set.keys();
                for (int i = 0; i < keys.size(); i++) {
                    tx.update("INSERT INTO signer_set_keys (signer_set_id, position, public_key) VALUES (?, ?, ?)",
                            set.id(), i, keys.get(i).toByteArray());
                }
                LOG.info("signer set {} stored: {}-of-{}, status {}, activation {}", set.id(), set.threshold(),
                        set.size(), set.status(), set.activationMs());
                return true;
            }
            SignerSet stored = read(tx, set.id(), true).orElseThrow();
            List<String> differences = new ArrayList<>();
            if (stored.threshold() != set.threshold()) {
                differences.add("threshold " + stored.threshold() + " vs " + set.threshold());
            }
            if (!stored.keys().equals(set.keys())) {
                differences.add("keys " + stored.keys() + " vs " + set.keys());
            }
            if (stored.activationMs() != set.activationMs()) {
                differences.add("activation_ms " + stored.activationMs() + " vs " + set.activationMs());
            }
            if (!differences.isEmpty()) {
                throw jdbc.metrics().conflict(op, "signer set " + set.id() + " is already stored with other"
                        + " content (" + String.join("; ", differences) + "): signer sets are immutable, rotate to a"
                        + " new id instead");
            }
            return false;
        });
    }

    public Optional<SignerSet> get(long id) {
        return jdbc.inTransaction("signer_sets.get", tx -> read(tx, id, false));
    }

    /** Every signer set, by id. */
    public List<SignerSet> list() {
        return jdbc.inTransaction("signer_sets.list", tx -> {
            Map<Long, List<SignerKey>> keys = new LinkedHashMap<>();
            for (KeyRow k : tx.query("SELECT signer_set_id, public_key FROM signer_set_keys"
                    + " ORDER BY signer_set_id, position", row -> new KeyRow(row.getLong(1), row.getBytes(2)))) {
                keys.computeIfAbsent(k.setId(), x -> new ArrayList<>()).add(SignerKey.of(k.key()));
            }
            return tx.query("SELECT signer_set_id, threshold, status, activation_ms FROM signer_sets"
                    + " ORDER BY signer_set_id", row -> new SignerSet(row.getLong(1), row.getInt(2),
                            keys.getOrDefault(row.getLong(1), List.of()), SignerSetStatus.valueOf(row.getString(3)),
                            row.getLong(4)));
        });
    }

    /**
     * Moves a set's status forward (PENDING -> ACTIVE -> RETIRED). The status it already has is a no-op.
     *
     * @return the set as now stored
     * @throws StoreNotFoundException when no set has this id
     * @throws StoreConflictException when the move goes backwards
     */
    public SignerSet setStatus(long id, SignerSetStatus next) {
        Objects.requireNonNull(next, "next");
        String op = "signer_sets.set_status";
        return jdbc.inTransaction(op, tx -> {
            SignerSet stored = read(tx, id, true).orElseThrow(
                    () -> jdbc.metrics().notFound(op, "signer set " + id + " is not registered"));
            if (stored.status() == next) {
                return stored;
            }
            if (next.ordinal() < stored.status().ordinal()) {
                throw jdbc.metrics().conflict(op, "signer set " + id + " cannot move from " + stored.status()
                        + " back to " + next + " (PENDING -> ACTIVE -> RETIRED, forward only)");
            }
            tx.update("UPDATE signer_sets SET status = ?, updated_at_ms = ? WHERE signer_set_id = ?", next,
                    clock.millis(), id);
            LOG.info("signer set {} status {} -> {}", id, stored.status(), next);
            return new SignerSet(stored.id(), stored.threshold(), stored.keys(), next, stored.activationMs());
        });
    }

    private record KeyRow(long setId, byte[] key) {}

    private record Head(int threshold, SignerSetStatus status, long activationMs) {}

    private static Optional<SignerSet> read(Transaction tx, long id, boolean forUpdate) throws SQLException {
        Optional<Head> head = tx.queryOne("SELECT threshold, status, activation_ms FROM signer_sets"
                + " WHERE signer_set_id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                row -> new Head(row.getInt(1), SignerSetStatus.valueOf(row.getString(2)), row.getLong(3)), id);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        List<SignerKey> keys = tx.query("SELECT public_key FROM signer_set_keys WHERE signer_set_id = ?"
                + " ORDER BY position", row -> SignerKey.of(row.getBytes(1)), id);
        Head h = head.get();
        // Built with the record constructor, not the builder: the stored set was validated when it was inserted,
        // including a dev-only threshold of 1.
        return Optional.of(new SignerSet(id, h.threshold(), keys, h.status(), h.activationMs()));
    }
}
