package com.m0club.chain.local;

import com.m0club.chain.LedgerRejection;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The local ledger's metrics, registered in the registry it is given and removed from it on {@link #close}, so a
 * ledger can be reopened against the same registry (a restart inside one process, a test).
 *
 * <p>The slot gauge is computed on scrape from the ledger's clock: it needs no ticker thread and is never stale.
 */
final class LedgerMetrics implements AutoCloseable {
    private final PrometheusRegistry registry;
    private final Counter rejections;
    private final Counter commits;
    private final Counter reveals;
    private final Counter finalized;
    private final Counter listenerErrors;
    private final Counter journalErrors;
    private final Counter tornTails;
    private final GaugeWithCallback slot;
    private final Counter snapshots;
    private final Counter snapshotsUnusable;
    private final Counter filesDeleted;
    private final Counter pruned;

    LedgerMetrics(PrometheusRegistry registry, LongSupplier currentSlot) {
        this.registry = registry;
        this.rejections = Counter.builder().name("m0_ledger_rejections_total")
                .help("Calls the ledger refused, by reason").labelNames("reason").register(registry);
        for (LedgerRejection.Reason r : LedgerRejection.Reason.values()) {
            rejections.labelValues(r.name());
        }
        this.commits = Counter.builder().name("m0_ledger_commits_total").help("Commitments accepted")
                .register(registry);
        this.reveals = Counter.builder().name("m0_ledger_reveals_total").help("Bundles revealed and accepted")
                .register(registry);
        this.finalized = Counter.builder().name("m0_ledger_finalized_epochs_total").help("Epochs finalized")
                .register(registry);
        this.listenerErrors = Counter.builder().name("m0_ledger_listener_errors_total")
                .help("Event listeners that threw; the event was still delivered to the others").register(registry);
        this.journalErrors = Counter.builder().name("m0_ledger_journal_errors_total")
                .help("Journal writes or reads that failed (the ledger stops accepting writes after a write failure)")
                .register(registry);
        this.tornTails = Counter.builder().name("m0_ledger_journal_torn_tail_total")
                .help("Torn journal tails truncated on open (a crash interrupted a write)").register(registry);
        this.slot = GaugeWithCallback.builder().name("m0_ledger_slot").help("The ledger's current slot")
                .callback(cb -> cb.call(currentSlot.getAsLong())).register(registry);
        this.snapshots = Counter.builder().name("m0_ledger_snapshots_total")
                .help("Ledger snapshots written, by result (ok, failed)").labelNames("result").register(registry);
        snapshots.labelValues("ok");
        snapshots.labelValues("failed");
        this.snapshotsUnusable = Counter.builder().name("m0_ledger_snapshot_unusable_total")
                .help("Snapshots skipped on open because they are damaged (the open fell back to an older one)")
                .register(registry);
        this.filesDeleted = Counter.builder().name("m0_ledger_retention_deleted_files_total")
                .help("Journal segments and snapshots deleted by ledger_retention_hours").register(registry);
        this.pruned = Counter.builder().name("m0_ledger_pruned_total")
                .help("State dropped at snapshot time because it is older than ledger_retention_hours, by kind"
                        + " (epochs, bundles, commitments)").labelNames("kind").register(registry);
    }

    void pruned(LedgerState.Pruned p) {
        pruned.labelValues("epochs").inc(p.epochs());
        pruned.labelValues("bundles").inc(p.bundles());
        pruned.labelValues("commitments").inc(p.commitments());
    }

    void snapshotWritten(boolean ok) {
        snapshots.labelValues(ok ? "ok" : "failed").inc();
    }

    void snapshotUnusable() {
        snapshotsUnusable.inc();
    }

    void retentionDeleted(int files) {
        filesDeleted.inc(files);
    }

    void rejected(LedgerRejection.Reason reason) {
        rejections.labelValues(reason.name()).inc();
    }

    void committed() {
        commits.inc();
    }

    void revealed() {
        reveals.inc();
    }

    void finalizedEpoch() {
        finalized.inc();
    }

    void listenerFailed() {
        listenerErrors.inc();
    }

    void journalFailed() {
        journalErrors.inc();
    }

    void tornTailTruncated() {
        tornTails.inc();
    }

    @Override
    public void close() {
        for (Collector c : List.<Collector>of(rejections, commits, reveals, finalized, listenerErrors, journalErrors,
                tornTails, slot, snapshots, snapshotsUnusable, filesDeleted, pruned)) {
            registry.unregister(c);
        }
    }
}
