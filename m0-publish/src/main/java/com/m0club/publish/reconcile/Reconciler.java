package com.m0club.publish.reconcile;

import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerEvents;
import com.m0club.chain.LedgerReader;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.read.PostgresReadModel;
import com.m0club.publish.read.PublishedHub;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.TraceScope;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.view.PublishStatus;
import com.m0club.view.ServedValue;
import io.opentelemetry.api.trace.SpanKind;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ledger's events in order from a durable cursor and makes PostgreSQL agree with them: bundles the ledger
 * revealed become REVEALED (even if the submitter crashed before recording it), each accepted item becomes its
 * market's served value, finalized epochs are recorded and bundles whose epochs are all final become FINALIZED.
 * Anything the ledger holds that we did not build, or that disagrees with what we stored under the same sequence,
 * is a MISMATCH: counted, logged, and stored with the reason.
 *
 * <p>Tracing: each served value it announces (on the hub, and so on {@code m0.published}) is announced inside a
 * {@code publish} span of its bundle's trace (the {@code traceparent} stored with the bundle); values of untraced
 * bundles are announced without one.
 *
 * <p>At-least-once: the cursor advances after an event is applied, and every write is idempotent, so a crash between
 * the two replays one event harmlessly.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final String CONSUMER = "reconciler";

    private final LedgerReader ledger;
    private final LedgerEvents ledgerEvents;
    private final PublishStore store;
    private final LedgerViewStore view;
    private final PostgresReadModel readModel;
    private final PublishedHub hub;
    private final InstantSource clock;
    private final Counter events;
    private final Counter mismatches;
    private final Gauge lag;
    private final Counter resyncs;
    private final long ledgerRetentionMs;
    private final Tracing tracing;

    /**
     * A reconciler for a ledger that keeps every bundle (no retention: the restart check skips nothing).
     *
     * @param ledger the records a bundle is checked against (commitments, revealed bundles)
     * @param ledgerEvents the event index the reconciler follows from its cursor
     */
    public Reconciler(LedgerReader ledger, LedgerEvents ledgerEvents, PublishStore store, LedgerViewStore view,
            PostgresReadModel readModel,
            PublishedHub hub, InstantSource clock, PrometheusRegistry registry) {
        this(ledger, ledgerEvents, store, view, readModel, hub, clock, registry, Optional.empty());
    }

    /**
     * A reconciler for a ledger that prunes finalized history older than {@code ledgerRetention}
     * ({@code ledger_retention_hours}): the restart check does not report a FINALIZED bundle whose round ended
     * before {@code now - ledgerRetention} and whose commitment the ledger no longer holds (it is beyond the ledger's
     * retention, not lost). The configuration keeps {@code ledger_retention_hours >= publish_retention_hours}, so
     * such a row is rare (a market's latest value outlives the publish retention).
     */
    public Reconciler(LedgerReader ledger, LedgerEvents ledgerEvents, PublishStore store, LedgerViewStore view,
            PostgresReadModel readModel, PublishedHub hub, InstantSource clock, PrometheusRegistry registry,
            Optional<Duration> ledgerRetention) {
        this(ledger, ledgerEvents, store, view, readModel, hub, clock, registry, ledgerRetention, Tracing.off());
    }

    /** A reconciler whose announcements are traced with {@code tracing} (see the class comment). */
    public Reconciler(LedgerReader ledger, LedgerEvents ledgerEvents, PublishStore store, LedgerViewStore view,
            PostgresReadModel readModel, PublishedHub hub, InstantSource clock, PrometheusRegistry registry,
            Optional<Duration> ledgerRetention, Tracing tracing) {
        this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
        ledgerRetention.ifPresent(r -> {
            if (r.isNegative() || r.isZero()) {
                throw new IllegalArgumentException("ledgerRetention (ledger_retention_hours) must be > 0, got " + r);
            }
        });
        this.ledgerRetentionMs = ledgerRetention.map(Duration::toMillis).orElse(Long.MAX_VALUE);
        this.ledger = ledger;
        this.ledgerEvents = ledgerEvents;
        this.store = store;
        this.view = view;
        this.readModel = readModel;
        this.hub = hub;
        this.clock = clock;
        this.events = Counter.builder().name("m0_reconciler_events_total")
                .help("Ledger events applied by the reconciler, by type").labelNames("type").register(registry);
        this.mismatches = Counter.builder().name("m0_reconciler_mismatches_total")
                .help("Ledger records that disagree with what this deployment built, by kind").labelNames("kind")
                .register(registry);
        this.lag = Gauge.builder().name("m0_reconciler_lag_events")
                .help("Ledger events not yet applied by the reconciler").register(registry);
        this.resyncs = Counter.builder().name("m0_reconciler_resyncs_total")
                .help("Times the reconciler's cursor was older than the ledger's oldest kept event and it"
                        + " resynchronised from the ledger's state instead").register(registry);
    }

    /** What {@link #checkAgainstLedger()} found: bundles checked and those the ledger does not back. */
    public record StartupCheck(int checked, List<Hash32> missing, boolean cursorAhead) {}

    /**
     * The restart consistency check (issue 6 item 3), run once at start before {@link #poll}: every bundle that
     * PostgreSQL records as COMMITTED, REVEALED or FINALIZED must be on the ledger (its commitment under the same set
     * and sequence; for REVEALED and FINALIZED also its reveal). One that is not, or is there with another set,
     * sequence or commit hash, is a mismatch: {@code m0_reconciler_mismatches_total{kind="missing_on_ledger"}}, an
     * ERROR log, the bundle moved to MISMATCH (a FINALIZED one keeps its state, which is terminal, and gets the
     * problem recorded), and every value it backed withdrawn from serving with a problem on its markets, so the API
     * never serves a value the ledger does not back. A durable cursor beyond the ledger's events (the ledger lost
     * events) is counted as {@code kind="cursor_ahead"} and moved back to the ledger's end so that new events are
     * not skipped.
     */
    public StartupCheck checkAgainstLedger() {
        long now = clock.millis();
        List<Hash32> missing = new java.util.ArrayList<>();
        List<StoredBundle> onLedger = store.onLedger();
        int beyondRetention = 0;
        for (StoredBundle b : onLedger) {
            if (beyondLedgerRetention(b, now)) {
                beyondRetention++;
                continue;
            }
            Optional<String> problem = ledgerProblem(b);
            if (problem.isEmpty()) {
                continue;
            }
            missing.add(b.bundleHash());
            mismatches.labelValues("missing_on_ledger").inc();
            String reason = "restart check: PostgreSQL records bundle " + b.bundleHash().toHex() + " (set "
                    + b.record().signerSetId() + " sequence " + b.record().sequence() + ") as " + b.status()
                    + " but " + problem.get();
            LOG.error("MISMATCH: {}; its values are no longer served (docs/operations.md, \"Runbook: local ledger"
                    + " journal damaged\")", reason);
            if (b.status() == PublishStatus.FINALIZED) {
                store.recordProblem(b.bundleHash(), reason, now);
            } else {
                store.markMismatch(b.bundleHash(), reason, now);
            }
            for (var market : view.withdraw(b.bundleHash(), reason, now)) {
                hub.publishWithdrawal(market, b.bundleHash());
            }
        }
        long cursor = view.cursor(CONSUMER);
        boolean ahead = cursor > ledgerEvents.nextEventIndex();
        if (ahead) {
            mismatches.labelValues("cursor_ahead").inc();
            LOG.error("MISMATCH: the reconciler's cursor is at event {} but the ledger has only {} events (the"
                    + " ledger lost events); resuming from the ledger's end", cursor, ledgerEvents.nextEventIndex());
            view.resetCursor(CONSUMER, ledgerEvents.nextEventIndex());
        }
        LOG.info("reconciler restart check: {} bundles recorded on the ledger, {} not backed by it, {} beyond the"
                + " ledger's retention (not checked)", onLedger.size(), missing.size(), beyondRetention);
        return new StartupCheck(onLedger.size(), List.copyOf(missing), ahead);
    }

    /** A FINALIZED bundle older than the ledger's retention whose commitment the ledger pruned. */
    private boolean beyondLedgerRetention(StoredBundle b, long now) {
        return b.status() == PublishStatus.FINALIZED && ledgerRetentionMs != Long.MAX_VALUE
                && b.record().roundEndMs() < now - ledgerRetentionMs
                && b.record().commitHash().flatMap(ledger::commitment).isEmpty();
    }

    private Optional<String> ledgerProblem(StoredBundle b) {
        Optional<Hash32> commitHash = b.record().commitHash();
        if (commitHash.isEmpty()) {
            return Optional.of("it has no commit hash");
        }
        var commit = ledger.commitment(commitHash.get());
        if (commit.isEmpty()) {
            return Optional.of("the ledger has no commitment " + commitHash.get().toHex());
        }
        var receipt = commit.get().commit();
        if (receipt.signerSetId() != b.record().signerSetId() || receipt.sequence() != b.record().sequence()) {
            return Optional.of("the ledger has commitment " + commitHash.get().toHex() + " under set "
                    + receipt.signerSetId() + " sequence " + receipt.sequence());
        }
        if (b.status() == PublishStatus.COMMITTED) {
            return Optional.empty();
        }
        var revealed = ledger.revealedBundle(b.bundleHash());
        if (revealed.isEmpty()) {
            // the reveal's bytes may be compacted away (ledger_retention_hours); its receipt stays in the state
            boolean hasReceipt = commit.get().reveal().filter(r -> r.bundleHash().equals(b.bundleHash())).isPresent();
            return hasReceipt ? Optional.empty() : Optional.of("the ledger has no reveal of it");
        }
        if (!revealed.get().receipt().commitHash().equals(commitHash.get())) {
            return Optional.of("the ledger revealed it under commitment "
                    + revealed.get().receipt().commitHash().toHex());
        }
        return Optional.empty();
    }

    /**
     * Applies up to {@code max} pending events; returns how many it applied. A cursor older than the ledger's oldest
     * kept event ({@link LedgerEvents#oldestEventIndex}: the events it missed are gone for good) is not retried forever: the
     * reconciler resynchronises from the ledger's state ({@link #resync}) and goes on from the oldest kept event.
     */
    public int poll(int max) {
        long from = view.cursor(CONSUMER);
        long oldest = ledgerEvents.oldestEventIndex();
        if (from < oldest) {
            resync(from, oldest);
            from = oldest;
        }
        List<LedgerEvent> batch = ledgerEvents.events(from, max);
        for (LedgerEvent e : batch) {
            apply(e);
            view.advanceCursor(CONSUMER, e.index() + 1);
        }
        lag.set(Math.max(0, ledgerEvents.nextEventIndex() - (from + batch.size())));
        if (!batch.isEmpty()) {
            finalizeBundles();
        }
        return batch.size();
    }

    /** Applies every pending event. */
    public int drain() {
        int total = 0;
        int n;
        while ((n = poll(512)) > 0) {
            total += n;
        }
        return total;
    }

    /**
     * Rebuilds what the missed events {@code [from, oldest)} would have recorded from the ledger's state: for every
     * bundle PostgreSQL knows with a commitment, the commitment's slot, its reveal (REVEALED, or a mismatch), each of
     * its items as its market's and epoch's value, and each finalized epoch. Every write is the same idempotent write
     * the events make, applied in sequence order, so values end where the events would have left them. Logged once
     * per resync and counted in {@code m0_reconciler_resyncs_total}.
     */
    void resync(long from, long oldest) {
        resyncs.inc();
        LOG.warn("reconciler cursor {} is older than the ledger's oldest kept event {} (events {}..{} are gone:"
                + " ledger_max_events_in_memory, or the ledger reopened from a snapshot); resynchronising from the"
                + " ledger's state", from, oldest, from, oldest - 1);
        java.util.Map<Hash32, StoredBundle> bundles = new java.util.LinkedHashMap<>();
        for (StoredBundle b : store.onLedger()) {
            bundles.put(b.bundleHash(), b);
        }
        for (StoredBundle b : store.unfinished()) {
            bundles.putIfAbsent(b.bundleHash(), b);
        }
        List<StoredBundle> ordered = new java.util.ArrayList<>(bundles.values());
        ordered.sort(java.util.Comparator.comparingLong((StoredBundle b) -> b.record().signerSetId())
                .thenComparingLong(b -> b.record().sequence()));
        java.util.Set<com.m0club.protocol.id.MarketId> touched = new java.util.TreeSet<>();
        int applied = 0;
        for (StoredBundle b : ordered) {
            Optional<Hash32> commitHash = b.record().commitHash();
            Optional<com.m0club.chain.CommitRecord> record = commitHash.flatMap(ledger::commitment);
            if (record.isEmpty()) {
                continue;
            }
            var c = record.get().commit();
            view.commitLanded(new LedgerEvent.Committed(from, c.slot(), c.timeMs(), c.transactionId(),
                    c.commitHash(), c.signerSetId(), c.sequence()));
            if (record.get().reveal().isEmpty()) {
                continue;
            }
            var r = record.get().reveal().get();
            revealed(new LedgerEvent.Revealed(from, r.slot(), r.timeMs(), r.transactionId(), r.bundleHash(),
                    r.signerSetId(), r.sequence(), r.commitHash(),
                    r.items().stream().map(com.m0club.chain.RevealReceipt.Item::market).toList()));
            for (var item : r.items()) {
                view.itemAccepted(new LedgerEvent.ItemAccepted(from, r.slot(), r.timeMs(), r.transactionId(),
                        item.market(), item.epochId(), item.tick(), r.bundleHash(), item.leafIndex()));
                touched.add(item.market());
                ledger.epoch(item.market(), item.epochId()).filter(com.m0club.chain.EpochRecord::isFinalized)
                        .ifPresent(e -> e.canonical().ifPresent(v -> view.epochFinalized(
                                new LedgerEvent.EpochFinalized(from, e.finalizedSlot().orElse(v.slot()),
                                        e.finalizedAtMs().orElse(v.timeMs()), "resync", e.market(), e.epochId(),
                                        v.bundleHash(), v.leafIndex()))));
            }
            applied++;
        }
        view.advanceCursor(CONSUMER, oldest);
        finalizeBundles();
        for (var m : touched) {
            readModel.latest(m).ifPresent(this::announce);
        }
        LOG.info("reconciler resync: {} bundles re-applied from the ledger's state, resuming at event {}", applied,
                oldest);
    }

    private void apply(LedgerEvent event) {
        switch (event) {
            case LedgerEvent.Committed c -> {
                events.labelValues("committed").inc();
                view.commitLanded(c);
            }
            case LedgerEvent.Revealed r -> {
                events.labelValues("revealed").inc();
                revealed(r);
            }
            case LedgerEvent.ItemAccepted i -> {
                events.labelValues("item_accepted").inc();
                if (store.find(i.bundleHash()).isEmpty()) {
                    return; // already counted as a mismatch when its Revealed event was applied
                }
                view.itemAccepted(i);
                readModel.latest(i.market()).ifPresent(this::announce);
            }
            case LedgerEvent.EpochFinalized f -> {
                events.labelValues("epoch_finalized").inc();
                view.epochFinalized(f);
                readModel.latest(f.market()).filter(v -> v.item().epochId() == f.epochId()).ifPresent(this::announce);
            }
        }
    }

    /** Delivers {@code v} to the hub's listeners inside a {@code publish} span of its bundle's trace, if it has one. */
    private void announce(ServedValue v) {
        if (v.traceparent().isEmpty() || !tracing.enabled()) {
            hub.publish(v);
            return;
        }
        var parent = TraceHeaders.extract(java.util.Map.of(TraceHeaders.TRACEPARENT, v.traceparent().get()));
        try (TraceScope span = tracing.start("publish", SpanKind.PRODUCER, parent)) {
            span.attribute("m0.market_id", v.marketId().value()).attribute("m0.epoch_id", v.item().epochId())
                    .attribute("m0.ledger_status", v.ledgerStatus().name());
            hub.publish(v);
        }
    }

    private void revealed(LedgerEvent.Revealed r) {
        Optional<StoredBundle> stored = store.find(r.bundleHash());
        if (stored.isEmpty()) {
            mismatches.labelValues("unknown_bundle").inc();
            LOG.error("MISMATCH: the ledger revealed bundle {} (set {} sequence {}) which this deployment never built",
                    r.bundleHash().toHex(), r.signerSetId(), r.sequence());
            return;
        }
        StoredBundle b = stored.get();
        if (b.record().signerSetId() != r.signerSetId() || b.record().sequence() != r.sequence()) {
            String reason = "ledger revealed it as set " + r.signerSetId() + " sequence " + r.sequence()
                    + ", stored as set " + b.record().signerSetId() + " sequence " + b.record().sequence();
            mismatches.labelValues("sequence").inc();
            store.markMismatch(r.bundleHash(), reason, clock.millis());
            return;
        }
        if (b.status() == PublishStatus.FAILED || b.status() == PublishStatus.MISMATCH) {
            mismatches.labelValues("revealed_after_failure").inc();
            LOG.error("MISMATCH: bundle {} is {} here but the ledger revealed it", r.bundleHash().toHex(), b.status());
            return;
        }
        if (b.status() != PublishStatus.REVEALED && b.status() != PublishStatus.FINALIZED) {
            store.markRevealed(r.bundleHash(), r.slot(), clock.millis());
        }
    }

    private void finalizeBundles() {
        for (Hash32 h : store.revealedWithAllEpochsFinalized()) {
            store.markFinalized(h, clock.millis());
        }
    }
}
