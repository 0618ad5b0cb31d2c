package com.m0club.store.postgres;

import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The store's failure counters. {@code op} values are fixed operation names chosen in code (for example
 * {@code markets.upsert}, {@code ping}, {@code migrate}), so the label's cardinality is bounded.
 * <ul>
 *   <li>{@code m0_db_errors_total{op}}: the database failed (connection, SQL error, timeout).</li>
 *   <li>{@code m0_store_rejections_total{op}}: a write was refused because it contradicts stored state (illegal
 *       status transition, a second bundle hash for a sequence, a signer set re-inserted with other content).</li>
 * </ul>
 */
public final class StoreMetrics {
    private final Counter dbErrors;
    private final Counter rejections;

    /** Registers the counters in {@code registry}; one instance per registry. */
    public StoreMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        this.dbErrors = Counter.builder()
                .name("m0_db_errors_total")
                .help("Database operations that failed, by operation")
                .labelNames("op")
                .register(registry);
        this.rejections = Counter.builder()
                .name("m0_store_rejections_total")
                .help("Store writes refused because they contradict stored state, by operation")
                .labelNames("op")
                .register(registry);
    }

    public void dbError(String op) {
        dbErrors.labelValues(op).inc();
    }

    public void rejected(String op) {
        rejections.labelValues(op).inc();
    }

    /** Counts a refused write under {@code op} and returns the exception to throw ({@code throw m.conflict(..)}). */
    public StoreConflictException conflict(String op, String message) {
        rejected(op);
        return new StoreConflictException(op, message);
    }

    /** Counts a write naming something not stored under {@code op} and returns the exception to throw. */
    public StoreNotFoundException notFound(String op, String message) {
        rejected(op);
        return new StoreNotFoundException(op, message);
    }

    /** Current count, for tests and diagnostics. */
    public long dbErrors(String op) {
        return (long) dbErrors.labelValues(op).get();
    }

    /** Current count, for tests and diagnostics. */
    public long rejections(String op) {
        return (long) rejections.labelValues(op).get();
    }
}
