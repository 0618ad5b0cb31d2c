package com.m0club.publish.store;

import com.m0club.store.postgres.Jdbc;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention for publish history in PostgreSQL ({@code publish_retention_hours}): deletes bundles that are final
 * (FINALIZED or FAILED) and were last updated before {@code now - retention}, with their items, transitions and
 * sequence bindings, then the finalized ledger-view epochs no remaining bundle refers to.
 *
 * <p>Never deleted: anything not final (BUILT, SIGNED, COMMITTED, REVEALED, MISMATCH); each market's latest value
 * (the bundle {@code market_latest} points at, and the newest bundle holding an item of the market); a bundle that
 * is canonical for an epoch not yet finalized. Works in batches of {@link #BATCH} bundles, one transaction each, so
 * a purge never holds long locks. Counts what it deleted in {@code m0_publish_retention_purged_rows_total{table}}.
 */
public final class PublishRetention {
    private static final Logger LOG = LoggerFactory.getLogger(PublishRetention.class);
    /** Bundles per purge transaction. */
    public static final int BATCH = 2_000;

    private final Jdbc jdbc;
    private final Duration retention;
    private final InstantSource clock;
    private final Counter purged;

    public PublishRetention(Jdbc jdbc, Duration retention, InstantSource clock, PrometheusRegistry registry) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("publish_retention_hours: must be > 0, got " + retention);
        }
        this.jdbc = jdbc;
        this.retention = retention;
        this.clock = clock;
        this.purged = Counter.builder().name("m0_publish_retention_purged_rows_total")
                .help("Rows deleted by the publish-history retention, by table").labelNames("table")
                .register(registry);
    }

    public Duration retention() {
        return retention;
    }

    /** One purge pass; returns rows deleted per table (tables with nothing deleted are absent). */
    public Map<String, Long> purge() {
        long cutoff = clock.millis() - retention.toMillis();
        Map<String, Long> total = new LinkedHashMap<>();
        while (true) {
            Map<String, Long> batch = purgeBatch(cutoff);
            batch.forEach((table, n) -> total.merge(table, n, Long::sum));
            if (batch.getOrDefault("bundles", 0L) < BATCH) {
                break;
            }
        }
        int epochs = jdbc.update("retention.epochs", """
                DELETE FROM ledger_epochs e WHERE e.status = 'FINALIZED' AND e.last_time_ms < ?
                    AND NOT EXISTS (SELECT 1 FROM bundle_items i WHERE i.market_id = e.market_id
                        AND i.epoch_id = e.epoch_id)
                    AND NOT EXISTS (SELECT 1 FROM market_latest l WHERE l.market_id = e.market_id
                        AND l.epoch_id = e.epoch_id)""", cutoff);
        if (epochs > 0) {
            total.merge("ledger_epochs", (long) epochs, Long::sum);
        }
        total.forEach((table, n) -> purged.labelValues(table).inc(n));
        if (!total.isEmpty()) {
            LOG.info("publish retention ({} h): purged {}", retention.toHours(), total);
        }
        return total;
    }

    private Map<String, Long> purgeBatch(long cutoff) {
        return jdbc.inTransaction("retention.batch", tx -> {
            // a utility statement takes no bind parameters: the two numbers are longs computed here, never input
            tx.update(("""
                    CREATE TEMP TABLE m0_purge_batch ON COMMIT DROP AS
                    SELECT b.bundle_hash FROM bundles b
                    WHERE b.status IN ('FINALIZED', 'FAILED') AND b.updated_at_ms < %d
                      AND NOT EXISTS (SELECT 1 FROM market_latest l WHERE l.bundle_hash = b.bundle_hash)
                      AND NOT EXISTS (SELECT 1 FROM ledger_epochs e WHERE e.canonical_bundle_hash = b.bundle_hash
                          AND e.status <> 'FINALIZED')
                      AND NOT EXISTS (SELECT 1 FROM bundle_items i WHERE i.bundle_hash = b.bundle_hash
                          AND i.created_at_ms = (SELECT max(n.created_at_ms) FROM bundle_items n
                              WHERE n.market_id = i.market_id))
                    ORDER BY b.updated_at_ms LIMIT %d""").formatted(cutoff, BATCH));
            Map<String, Long> counts = new LinkedHashMap<>();
            count(counts, "publish_transitions", tx.update(
                    "DELETE FROM publish_transitions WHERE bundle_hash IN (SELECT bundle_hash FROM m0_purge_batch)"));
            count(counts, "bundle_items", tx.update(
                    "DELETE FROM bundle_items WHERE bundle_hash IN (SELECT bundle_hash FROM m0_purge_batch)"));
            count(counts, "bundle_sequences", tx.update(
                    "DELETE FROM bundle_sequences WHERE bundle_hash IN (SELECT bundle_hash FROM m0_purge_batch)"));
            count(counts, "bundles", tx.update(
                    "DELETE FROM bundles WHERE bundle_hash IN (SELECT bundle_hash FROM m0_purge_batch)"));
            return counts;
        });
    }

    private static void count(Map<String, Long> counts, String table, int n) {
        if (n > 0) {
            counts.put(table, (long) n);
        }
    }
}
