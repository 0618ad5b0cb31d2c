package com.m0club.publish.store;

import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publish-history retention on a real PostgreSQL: final bundles older than the retention go with their items,
 * transitions and sequence bindings; what is not final, each market's latest value and recent history stay.
 */
class PublishRetentionTest {
    private static final long HOUR = 3_600_000L;

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

    /** A bundle built at {@code atMs}, forced to {@code status} as of {@code atMs}. */
    private Hash32 bundle(long sequence, long atMs, String status) {
        EncodedBundle b = Fixture.bundle(sequence, atMs);
        world.store.insertBuilt(b, atMs);
        world.jdbc.update("test.status", "UPDATE bundles SET status = ?, updated_at_ms = ? WHERE bundle_hash = ?",
                status, atMs, b.bundleHash().toByteArray());
        return b.bundleHash();
    }

    private boolean exists(Hash32 h) {
        return world.store.find(h).isPresent();
    }

    private long rows(String table) {
        return world.jdbc.queryOne("test.count", "SELECT COUNT(*) FROM " + table, rs -> rs.getLong(1)).orElseThrow();
    }

    @Test
    void finalHistoryOlderThanTheRetentionIsPurgedAndTheRestIsKept() {
        long t0 = Fixture.T0;
        Hash32 oldFinalized = bundle(1, t0, "FINALIZED");
        Hash32 oldFailed = bundle(2, t0 + 1_000, "FAILED");
        Hash32 oldRevealed = bundle(3, t0 + 2_000, "REVEALED");
        Hash32 oldCommitted = bundle(4, t0 + 3_000, "COMMITTED");
        Hash32 latestOfEachMarket = bundle(5, t0 + 4_000, "FINALIZED");
        Hash32 recentFinalized = bundle(6, t0 + 3 * HOUR, "FINALIZED");
        Hash32 newest = bundle(7, t0 + 3 * HOUR + 1_000, "FINALIZED");
        // the ledger view: market_latest points at bundle 5 for BTC; old epochs, one referenced, one not
        world.jdbc.update("test.latest", """
                INSERT INTO market_latest (market_id, bundle_hash, leaf_index, epoch_id, tick, reveal_slot,
                    revealed_at_ms) VALUES (?, ?, 0, 1, 0, 1, ?)""", Fixture.BTC.value(),
                latestOfEachMarket.toByteArray(), t0 + 4_000);
        world.jdbc.update("test.epoch", """
                INSERT INTO ledger_epochs (market_id, epoch_id, status, canonical_bundle_hash, canonical_leaf_index,
                    last_slot, last_time_ms, finalized_slot) VALUES (?, 2, 'FINALIZED', ?, 0, 1, ?, 2)""",
                Fixture.NBA.value(), oldFinalized.toByteArray(), t0);
        world.jdbc.update("test.sequence", """
                INSERT INTO signer_sets (signer_set_id, threshold, status, activation_ms, created_at_ms, updated_at_ms)
                VALUES (?, 2, 'ACTIVE', 0, 0, 0)""", Fixture.SET_ID);
        world.jdbc.update("test.sequence", "INSERT INTO signer_set_sequences VALUES (?, 7)", Fixture.SET_ID);
        world.jdbc.update("test.sequence", """
                INSERT INTO bundle_sequences (signer_set_id, sequence, round_key, bundle_hash, allocated_at_ms)
                VALUES (?, 1, 'r1', ?, 0)""", Fixture.SET_ID, oldFinalized.toByteArray());
        world.clock.set(t0 + 3 * HOUR + 2_000);

        PublishRetention retention = new PublishRetention(world.jdbc, Duration.ofHours(2), world.clock, metrics);
        Map<String, Long> purged = retention.purge();

        assertThat(exists(oldFinalized)).isFalse();
        assertThat(exists(oldFailed)).isFalse();
        assertThat(exists(oldRevealed)).as("not final").isTrue();
        assertThat(exists(oldCommitted)).as("not final").isTrue();
        assertThat(exists(latestOfEachMarket)).as("the latest value of BTC").isTrue();
        assertThat(exists(recentFinalized)).as("inside the retention").isTrue();
        assertThat(exists(newest)).isTrue();
        assertThat(purged).containsEntry("bundles", 2L).containsEntry("bundle_items", 4L)
                .containsEntry("publish_transitions", 2L).containsEntry("bundle_sequences", 1L)
                .containsEntry("ledger_epochs", 1L);
        assertThat(rows("bundles")).isEqualTo(5);
        assertThat(counter(metrics, "m0_publish_retention_purged_rows_total", "table", "bundles")).isEqualTo(2);
        assertThat(counter(metrics, "m0_publish_retention_purged_rows_total", "table", "bundle_items"))
                .isEqualTo(4);
        assertThat(rows("signer_set_sequences")).as("the sequence counter is never purged").isEqualTo(1);

        assertThat(retention.purge())
                .as("a second pass finds nothing").isEmpty();
    }

    @Test
    void aRetentionOfZeroIsRefused() {
        assertThatThrownBy(() -> new PublishRetention(world.jdbc, Duration.ZERO, world.clock, metrics))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publish_retention_hours");
    }
}
