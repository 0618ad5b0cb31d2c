package com.m0club.publish.reconcile;

import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.store.postgres.Jdbc;

/**
 * The ledger's view as the reconciler records it in PostgreSQL: each market's latest accepted item, each epoch's
 * canonical item and status, and the event cursor. Writes are idempotent per event, so replaying events after a
 * crash (at-least-once delivery) changes nothing.
 */
public final class LedgerViewStore {
    private final Jdbc jdbc;

    public LedgerViewStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Index of the next event {@code consumer} has to process (0 for a new consumer). */
    public long cursor(String consumer) {
        return jdbc.queryOne("ledger_view.cursor", "SELECT next_index FROM ledger_cursor WHERE consumer = ?",
                rs -> rs.getLong(1), consumer).orElse(0L);
    }

    public void advanceCursor(String consumer, long nextIndex) {
        jdbc.update("ledger_view.advance", """
                INSERT INTO ledger_cursor (consumer, next_index) VALUES (?, ?)
                ON CONFLICT (consumer) DO UPDATE SET next_index = GREATEST(ledger_cursor.next_index, EXCLUDED.next_index)""",
                consumer, nextIndex);
    }

    /** Records the slot of a commitment we made (no-op for commitments we do not know). */
    public void commitLanded(LedgerEvent.Committed e) {
        jdbc.update("ledger_view.committed",
                "UPDATE bundles SET commit_slot = COALESCE(commit_slot, ?) WHERE commit_hash = ?", e.slot(),
                e.commitHash().toByteArray());
    }

    /** The item became its market's latest value and its epoch's latest accepted (so far canonical) item. */
    public void itemAccepted(LedgerEvent.ItemAccepted e) {
        byte[] hash = e.bundleHash().toByteArray();
        jdbc.inTransaction("ledger_view.item_accepted", tx -> {
            tx.update("""
                    INSERT INTO market_latest (market_id, bundle_hash, leaf_index, epoch_id, tick, reveal_slot,
                        revealed_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (market_id) DO UPDATE SET bundle_hash = EXCLUDED.bundle_hash,
                        leaf_index = EXCLUDED.leaf_index, epoch_id = EXCLUDED.epoch_id, tick = EXCLUDED.tick,
                        reveal_slot = EXCLUDED.reveal_slot, revealed_at_ms = EXCLUDED.revealed_at_ms
                    WHERE market_latest.reveal_slot <= EXCLUDED.reveal_slot""",
                    e.market().value(), hash, e.leafIndex(), e.epochId(), e.tick(), e.slot(), e.timeMs());
            tx.update("""
                    INSERT INTO ledger_epochs (market_id, epoch_id, status, canonical_bundle_hash,
                        canonical_leaf_index, last_slot, last_time_ms)
                    VALUES (?, ?, 'REVEALED', ?, ?, ?, ?)
                    ON CONFLICT (market_id, epoch_id) DO UPDATE SET canonical_bundle_hash =
                        EXCLUDED.canonical_bundle_hash, canonical_leaf_index = EXCLUDED.canonical_leaf_index,
                        last_slot = EXCLUDED.last_slot, last_time_ms = EXCLUDED.last_time_ms
                    WHERE ledger_epochs.status <> 'FINALIZED' AND ledger_epochs.last_slot <= EXCLUDED.last_slot""",
                    e.market().value(), e.epochId(), hash, e.leafIndex(), e.slot(), e.timeMs());
            return null;
        });
    }

    public void epochFinalized(LedgerEvent.EpochFinalized e) {
        jdbc.update("ledger_view.epoch_finalized", """
                INSERT INTO ledger_epochs (market_id, epoch_id, status, canonical_bundle_hash, canonical_leaf_index,
                    last_slot, last_time_ms, finalized_slot)
                VALUES (?, ?, 'FINALIZED', ?, ?, ?, ?, ?)
                ON CONFLICT (market_id, epoch_id) DO UPDATE SET status = 'FINALIZED',
                    canonical_bundle_hash = EXCLUDED.canonical_bundle_hash,
                    canonical_leaf_index = EXCLUDED.canonical_leaf_index, finalized_slot = EXCLUDED.finalized_slot""",
                e.market().value(), e.epochId(), e.canonicalBundleHash().toByteArray(), e.leafIndex(), e.slot(),
                e.timeMs(), e.slot());
    }

    /**
     * Stops serving everything that {@code bundleHash} backs (its markets' latest values and the epochs it is
     * canonical for) and records {@code problem} on each of its markets, in one transaction: used when the ledger
     * does not hold a bundle that PostgreSQL says it does. Returns the markets affected.
     */
    public java.util.List<MarketId> withdraw(Hash32 bundleHash, String problem, long atMs) {
        byte[] hash = bundleHash.toByteArray();
        return jdbc.inTransaction("ledger_view.withdraw", tx -> {
            java.util.List<MarketId> markets = tx.query(
                    "SELECT DISTINCT market_id FROM bundle_items WHERE bundle_hash = ? ORDER BY market_id",
                    rs -> MarketId.of(rs.getString(1)), hash);
            tx.update("DELETE FROM market_latest WHERE bundle_hash = ?", hash);
            tx.update("DELETE FROM ledger_epochs WHERE canonical_bundle_hash = ?", hash);
            for (MarketId m : markets) {
                tx.update("""
                        INSERT INTO market_problems (market_id, problem, at_ms) VALUES (?, ?, ?)
                        ON CONFLICT (market_id) DO UPDATE SET problem = EXCLUDED.problem, at_ms = EXCLUDED.at_ms""",
                        m.value(), problem, atMs);
            }
            return markets;
        });
    }

    /** Sets {@code consumer}'s cursor to {@code nextIndex}, also backwards (after the ledger's events were lost). */
    public void resetCursor(String consumer, long nextIndex) {
        jdbc.update("ledger_view.reset_cursor", """
                INSERT INTO ledger_cursor (consumer, next_index) VALUES (?, ?)
                ON CONFLICT (consumer) DO UPDATE SET next_index = EXCLUDED.next_index""", consumer, nextIndex);
    }

    /** True when our record of the epoch's canonical item equals the ledger's. */
    public boolean epochMatches(MarketId market, long epochId, Hash32 bundleHash, int leafIndex) {
        return jdbc.queryOne("ledger_view.epoch_matches", """
                SELECT canonical_bundle_hash, canonical_leaf_index FROM ledger_epochs
                WHERE market_id = ? AND epoch_id = ?""",
                rs -> Hash32.of(rs.getBytes(1)).equals(bundleHash) && rs.getInt(2) == leafIndex,
                market.value(), epochId).orElse(false);
    }
}
