package com.m0club.publish.reconcile;

import static com.m0club.publish.support.Fixture.BTC;
import static com.m0club.publish.support.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.support.Fixture;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger's view never moves backwards: late or repeated events leave newer and final records alone. */
class LedgerViewStoreTest {
    private static final long E = Fixture.SCHEDULE.epochAt(T0).id();
    private Database db;
    private LedgerViewStore view;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        view = new LedgerViewStore(db.jdbc());
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    private static Hash32 hash(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return Hash32.of(bytes);
    }

    private static LedgerEvent.ItemAccepted accepted(long index, long slot, long epoch, int bundle) {
        return new LedgerEvent.ItemAccepted(index, slot, T0 + slot * 400, "local-" + index, BTC, epoch, slot % 12,
                hash(bundle), 0);
    }

    private List<String> latest() {
        return db.jdbc().query("t", "SELECT bundle_hash, epoch_id, reveal_slot FROM market_latest",
                rs -> Hash32.of(rs.getBytes(1)).toHex() + "|" + rs.getLong(2) + "|" + rs.getLong(3));
    }

    private List<String> epoch(long epochId) {
        return db.jdbc().query("t", """
                SELECT status, canonical_bundle_hash, last_slot, finalized_slot FROM ledger_epochs
                WHERE market_id = ? AND epoch_id = ?""",
                rs -> rs.getString(1) + "|" + Hash32.of(rs.getBytes(2)).toHex() + "|" + rs.getLong(3) + "|"
                        + rs.getObject(4), BTC.value(), epochId);
    }

    @Test
    void anOlderItemArrivingLateDoesNotReplaceANewerOne() {
        view.itemAccepted(accepted(5, 20, E, 2));
        view.itemAccepted(accepted(2, 10, E, 1));

        assertThat(latest()).containsExactly(hash(2).toHex() + "|" + E + "|20");
        assertThat(epoch(E)).containsExactly("REVEALED|" + hash(2).toHex() + "|20|null");
        assertThat(view.epochMatches(BTC, E, hash(2), 0)).isTrue();
        assertThat(view.epochMatches(BTC, E, hash(1), 0)).isFalse();
        assertThat(view.epochMatches(BTC, E + 1, hash(2), 0)).isFalse();
    }

    @Test
    void aFinalizedEpochKeepsItsCanonicalItemWhateverArrivesAfter() {
        view.itemAccepted(accepted(2, 10, E, 1));
        view.epochFinalized(new LedgerEvent.EpochFinalized(3, 200, T0 + 80_000, "local-3", BTC, E, hash(1), 0));
        view.itemAccepted(accepted(9, 300, E, 3)); // cannot happen on a real ledger; must not matter here either
        view.epochFinalized(new LedgerEvent.EpochFinalized(3, 200, T0 + 80_000, "local-3", BTC, E, hash(1), 0));

        assertThat(epoch(E)).containsExactly("FINALIZED|" + hash(1).toHex() + "|10|200");
    }

    @Test
    void theCursorStartsAtZeroAndNeverMovesBack() {
        assertThat(view.cursor("reconciler")).isZero();
        view.advanceCursor("reconciler", 7);
        view.advanceCursor("reconciler", 3);
        view.advanceCursor("other", 1);

        assertThat(view.cursor("reconciler")).isEqualTo(7);
        assertThat(view.cursor("other")).isEqualTo(1);
    }
}
