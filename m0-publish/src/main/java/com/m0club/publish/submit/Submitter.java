package com.m0club.publish.submit;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.LedgerReader;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.LedgerWriter;
import com.m0club.chain.RevealReceipt;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.Commitment;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.TraceScope;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.view.PublishStatus;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one signed bundle through commit and reveal on the ledger, idempotently: the salt and commitment are stored
 * before the commit is sent, every ledger call is idempotent, and each step's result is stored before the next, so a
 * crash at any point resumes where it stopped and never commits a bundle twice under two salts.
 *
 * <p>Ledger rejections split in two: "retry later" reasons (a reveal one slot too early) are retried; the others
 * mark the bundle FAILED with the ledger's reason. Transport failures are retried with backoff up to
 * {@link SubmitterSettings#maxAttempts}, then FAILED, unless the commit is on the ledger and its reveal window is
 * still open: such a bundle is never failed, it is left COMMITTED ({@link Outcome.Deferred}) for the next resume
 * pass. A database write that fails after a ledger call is retried with the same backoff; if it keeps failing the
 * bundle is left as it is in the store ({@link StoreUnavailable}) and the resume pass picks it up again: the ledger
 * calls are idempotent, so resuming repeats nothing.
 *
 * <p>Tracing: each submission is a {@code submit} span in the bundle's trace (the {@code traceparent} the bundler
 * stored with it, so a resumed bundle continues its trace too), with a {@code commit} and a {@code reveal} child span
 * around the ledger calls and the store writes that follow them.
 *
 * <p>Not thread-safe by design: one submitter thread per signer set keeps reveals in sequence order, which the
 * ledger requires (a sequence must exceed the set's last accepted one).
 */
public final class Submitter {
    private static final Logger LOG = LoggerFactory.getLogger(Submitter.class);

    private final LedgerWriter ledger;
    private final LedgerReader reader;
    private final PublishStore store;
    private final InstantSource clock;
    private final SecureRandom random;
    private final SubmitterSettings settings;
    private final Sleeper sleeper;
    private final Counter outcomes;
    private final Counter rejections;
    private final Counter retries;
    private final Histogram commitToReveal;
    private final Counter storeFailures;
    private final Tracing tracing;

    /** Waits between attempts; tests pass a recording sleeper, production {@link Thread#sleep}. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * Decides when a committed bundle may be revealed, so that with several bundles in flight the ledger still sees
     * each signer set's reveals in rising sequence order. {@link #ALWAYS} is for one bundle at a time.
     */
    @FunctionalInterface
    public interface RevealTurn {
        /** Every bundle may reveal as soon as it is committed. */
        RevealTurn ALWAYS = (set, sequence) -> true;

        /**
         * Waits until {@code (set, sequence)} may be revealed; false when it should give way instead (a lower sequence
         * of the set needs this worker): the bundle is then left COMMITTED and {@link Outcome.Deferred}.
         */
        boolean awaitTurn(long set, long sequence) throws InterruptedException;
    }

    /** What happened to a bundle. */
    public sealed interface Outcome {
        Hash32 bundleHash();

        record Revealed(Hash32 bundleHash, long commitSlot, long revealSlot) implements Outcome {}

        record Failed(Hash32 bundleHash, String reason) implements Outcome {}

        /**
         * Not finished and not failed: the ledger could not be reached for long enough, but the commitment may still
         * be revealed (its reveal window is open, or the ledger could not say). Left for the resume pass.
         */
        record Deferred(Hash32 bundleHash, String reason) implements Outcome {}

        /** Nothing to do: the bundle is already past the submitter's part, or not signed yet. */
        record Skipped(Hash32 bundleHash, PublishStatus status) implements Outcome {}
    }

    /**
     * @param ledger where commits, reveals and finalizations are sent
     * @param reader what the submitter reads back (a commitment's reveal window, a reveal whose response was lost,
     *     the epochs due for finalization)
     */
    public Submitter(LedgerWriter ledger, LedgerReader reader, PublishStore store, InstantSource clock, SecureRandom random,
            SubmitterSettings settings, Sleeper sleeper, PrometheusRegistry registry) {
        this(ledger, reader, store, clock, random, settings, sleeper, registry, Tracing.off());
    }

    /** A submitter whose submissions are traced with {@code tracing} (see the class comment). */
    public Submitter(LedgerWriter ledger, LedgerReader reader, PublishStore store, InstantSource clock,
            SecureRandom random, SubmitterSettings settings, Sleeper sleeper, PrometheusRegistry registry,
            Tracing tracing) {
        this.tracing = java.util.Objects.requireNonNull(tracing, "tracing");
        this.ledger = ledger;
        this.reader = reader;
        this.store = store;
        this.clock = clock;
        this.random = random;
        this.settings = settings;
        this.sleeper = sleeper;
        this.outcomes = Counter.builder().name("m0_submitter_bundles_total")
                .help("Bundles the submitter finished, by outcome").labelNames("outcome").register(registry);
        this.rejections = Counter.builder().name("m0_submitter_ledger_rejections_total")
                .help("Ledger rejections seen by the submitter, by step and reason").labelNames("step", "reason")
                .register(registry);
        this.retries = Counter.builder().name("m0_submitter_retries_total")
                .help("Submitter retries after transport failures or too-early reveals, by step")
                .labelNames("step").register(registry);
        this.commitToReveal = Histogram.builder().name("m0_submitter_commit_to_reveal_seconds")
                .help("Time from sending the commit to the accepted reveal").register(registry);
        this.storeFailures = Counter.builder().name("m0_submitter_store_failures_total")
                .help("Database writes of the submitter that failed after a ledger call, by step (retried, then"
                        + " resumed by the resume pass)").labelNames("step").register(registry);
    }

    /**
     * Thrown when the store kept failing after a ledger call: the bundle is left SIGNED or COMMITTED in the store
     * (what it was before) and must be resumed, never failed.
     */
    public static final class StoreUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Commits and reveals a stored, signed bundle (one bundle at a time: {@link RevealTurn#ALWAYS}). */
    public Outcome submit(Hash32 bundleHash) throws InterruptedException {
        return submit(bundleHash, RevealTurn.ALWAYS);
    }

    /**
     * Commits a stored, signed bundle and reveals it when {@code turn} allows. Commits of several bundles may be in
     * flight at once (a commitment above the set's last revealed sequence is accepted in any order); reveals follow
     * {@code turn}.
     */
    public Outcome submit(Hash32 bundleHash, RevealTurn turn) throws InterruptedException {
        StoredBundle stored = store.find(bundleHash)
                .orElseThrow(() -> new IllegalStateException("bundle " + bundleHash.toHex() + " is not stored"));
        PublishStatus status = stored.status();
        if (status != PublishStatus.SIGNED && status != PublishStatus.COMMITTED) {
            return new Outcome.Skipped(bundleHash, status);
        }
        Context bundleTrace = stored.traceparent()
                .map(t -> TraceHeaders.extract(java.util.Map.of(TraceHeaders.TRACEPARENT, t))).orElse(Context.root());
        try (TraceScope span = tracing.start("submit", bundleTrace)) {
            span.attribute("m0.bundle_hash", bundleHash.toHex()).attribute("m0.sequence", stored.record().sequence())
                    .attribute("m0.signer_set_id", stored.record().signerSetId());
            try {
                Outcome outcome = submitSigned(stored, turn);
                span.attribute("m0.outcome", outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
                if (outcome instanceof Outcome.Failed f) {
                    span.error(f.reason());
                }
                return outcome;
            } catch (RuntimeException e) {
                span.error(e);
                throw e;
            }
        }
    }

    private Outcome submitSigned(StoredBundle stored, RevealTurn turn) throws InterruptedException {
        Hash32 bundleHash = stored.bundleHash();
        byte[] signedBytes = stored.record().signedBundleBytes().orElseThrow(
                () -> new IllegalStateException("bundle " + bundleHash.toHex() + " is SIGNED without signed bytes"));
        SignedBundle signed = BundleCodec.decodeSigned(signedBytes);
        long set = signed.bundle().header().signerSetId();
        long sequence = signed.bundle().header().sequence();

        byte[] fresh = Commitment.freshSalt(random);
        // the first salt ever recorded for this bundle wins, so a resumed submitter re-commits the same hash
        byte[] salt = store.recordCommitment(bundleHash, fresh, Commitment.commitHash(bundleHash, fresh), now());
        Hash32 commitHash = Commitment.commitHash(bundleHash, salt);
        long started = now();
        try {
            CommitReceipt commit;
            try (TraceScope step = tracing.child("commit", SpanKind.CLIENT)) {
                try {
                    commit = withRetries("commit", bundleHash, () -> ledger.commit(commitHash, set, sequence));
                    step.attribute("m0.commit_slot", commit.slot());
                    durably("mark_committed", bundleHash, () -> store.markCommitted(bundleHash, commit.slot(),
                            now()));
                } catch (RuntimeException e) {
                    step.error(e);
                    throw e;
                }
            }
            if (!turn.awaitTurn(set, sequence)) {
                outcomes.labelValues("deferred").inc();
                LOG.debug("bundle {} (set {} sequence {}) committed; its reveal gives way to a lower sequence",
                        bundleHash.toHex(), set, sequence);
                return new Outcome.Deferred(bundleHash, "a lower sequence of set " + set + " is revealed first");
            }
            RevealReceipt reveal;
            try (TraceScope step = tracing.child("reveal", SpanKind.CLIENT)) {
                try {
                    reveal = revealWhenAllowed(bundleHash, signedBytes, salt);
                    step.attribute("m0.reveal_slot", reveal.slot());
                    durably("mark_revealed", bundleHash, () -> store.markRevealed(bundleHash, reveal.slot(), now()));
                } catch (RuntimeException e) {
                    step.error(e);
                    throw e;
                }
            }
            commitToReveal.observe((now() - started) / 1000.0);
            outcomes.labelValues("revealed").inc();
            LOG.debug("bundle revealed: hash={} set={} sequence={} items={} commit_slot={} reveal_slot={}",
                    bundleHash.toHex(), set, sequence, reveal.items().size(), commit.slot(), reveal.slot());
            return new Outcome.Revealed(bundleHash, commit.slot(), reveal.slot());
        } catch (LedgerRejection r) {
            // detail(), not getMessage(): the message already starts with the reason
            String reason = "ledger rejected: " + r.reason() + ": " + r.detail();
            return fail(bundleHash, reason);
        } catch (GaveUp g) {
            Optional<Long> landed = revealSlotOnLedger(bundleHash);
            if (landed.isPresent()) {
                // every response was lost but the reveal itself landed: record what the ledger holds
                durably("mark_revealed", bundleHash, () -> store.markRevealed(bundleHash, landed.get(), now()));
                outcomes.labelValues("revealed").inc();
                return new Outcome.Revealed(bundleHash, stored.commitSlot().orElse(-1L), landed.get());
            }
            if (mayStillReveal(signed, commitHash)) {
                outcomes.labelValues("deferred").inc();
                LOG.warn("bundle deferred (committed, reveal window open; the resume pass retries it): hash={}"
                        + " reason={}", bundleHash.toHex(), g.getMessage());
                return new Outcome.Deferred(bundleHash, g.getMessage());
            }
            return fail(bundleHash, g.getMessage());
        } catch (PublishStore.IllegalTransitionException e) {
            // the reconciler, running alongside, recorded a later state from the ledger (a resumed bundle)
            return movedOn(bundleHash, e.getMessage());
        }
    }

    /** The bundle moved past the submitter's part while it worked on it: nothing left to do. */
    private Outcome movedOn(Hash32 bundleHash, String what) {
        PublishStatus status = store.find(bundleHash).map(StoredBundle::status).orElseThrow();
        LOG.warn("bundle {} is already {} (the reconciler saw it on the ledger); submitter: {}", bundleHash.toHex(),
                status, what);
        return new Outcome.Skipped(bundleHash, status);
    }

    /**
     * Whether a commitment that could not be revealed may still be: true when the ledger holds it unrevealed and its
     * reveal window (the smallest {@code max_reveal_delay_ms} among the bundle's markets) is open, and when the
     * ledger cannot be read (nothing proves the window closed). False when the commit never landed or the window
     * passed: only then may the bundle be failed.
     */
    private boolean mayStillReveal(SignedBundle signed, Hash32 commitHash) {
        try {
            Optional<com.m0club.chain.CommitRecord> record = reader.commitment(commitHash);
            if (record.isEmpty() || record.get().isRevealed()) {
                return false;
            }
            long window = Long.MAX_VALUE;
            for (var item : signed.bundle().bundle().items()) {
                var market = reader.market(item.marketId());
                if (market.isPresent()) {
                    window = Math.min(window, market.get().timing().maxRevealDelayMs());
                }
            }
            return reader.nowMs() - record.get().commit().timeMs() <= window;
        } catch (RuntimeException unreachable) {
            return true;
        }
    }

    /**
     * Runs a store write that follows a ledger call, retrying a failing database with the transport backoff. A
     * state-machine refusal passes straight through (it is not a database failure).
     */
    private void durably(String step, Hash32 bundleHash, Runnable write) throws InterruptedException {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return;
            } catch (PublishStore.IllegalTransitionException e) {
                throw e;
            } catch (RuntimeException db) {
                storeFailures.labelValues(step).inc();
                if (attempt >= settings.maxAttempts()) {
                    LOG.error("store write {} for bundle {} failed {} times; left for the resume pass: {}", step,
                            bundleHash.toHex(), attempt, db.toString());
                    throw new StoreUnavailable("store write " + step + " for bundle " + bundleHash.toHex()
                            + " failed " + attempt + " times: " + db.getMessage(), db);
                }
                LOG.warn("store write {} for bundle {} failed (attempt {}/{}), retrying in {} ms: {}", step,
                        bundleHash.toHex(), attempt, settings.maxAttempts(), backoff.toMillis(), db.toString());
                sleeper.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Asks the ledger once whether the bundle was revealed after all; empty if not, or if the ledger is unreachable. */
    private Optional<Long> revealSlotOnLedger(Hash32 bundleHash) {
        try {
            return reader.revealedBundle(bundleHash).map(r -> r.receipt().slot());
        } catch (RuntimeException unreachable) {
            return Optional.empty();
        }
    }

    private Outcome fail(Hash32 bundleHash, String reason) {
        try {
            store.markFailed(bundleHash, reason, now());
        } catch (PublishStore.IllegalTransitionException e) {
            // the reconciler saw the ledger accept it meanwhile (a reveal whose responses were all lost)
            return movedOn(bundleHash, "gave up (" + reason + ")");
        }
        outcomes.labelValues("failed").inc();
        LOG.warn("bundle failed: hash={} reason={}", bundleHash.toHex(), reason);
        return new Outcome.Failed(bundleHash, reason);
    }

    private RevealReceipt revealWhenAllowed(Hash32 bundleHash, byte[] signedBytes, byte[] salt)
            throws InterruptedException {
        long deadline = now() + settings.revealDeadline().toMillis();
        while (true) {
            try {
                return withRetries("reveal", bundleHash, () -> ledger.reveal(signedBytes, salt));
            } catch (LedgerRejection r) {
                if (!r.reason().retryLater() || now() >= deadline) {
                    throw r;
                }
                retries.labelValues("reveal_too_early").inc();
                sleeper.sleep(settings.revealPoll());
            }
        }
    }

    /** Thrown when transport failures exhausted the attempts. */
    private static final class GaveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GaveUp(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    private interface LedgerCall<T> {
        T call();
    }

    private <T> T withRetries(String step, Hash32 bundleHash, LedgerCall<T> call) throws InterruptedException {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (LedgerRejection r) {
                rejections.labelValues(step, r.reason().name()).inc();
                throw r;
            } catch (RuntimeException transport) {
                recordProblemQuietly(bundleHash, step + " attempt " + attempt + ": " + transport.getMessage());
                if (attempt >= settings.maxAttempts()) {
                    throw new GaveUp("gave up after " + attempt + " " + step + " attempts: " + transport.getMessage(),
                            transport);
                }
                retries.labelValues(step).inc();
                LOG.warn("ledger {} failed (attempt {}/{}), retrying in {} ms: {}", step, attempt,
                        settings.maxAttempts(), backoff.toMillis(), transport.toString());
                sleeper.sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Remembers a failed attempt; a failing database must not turn a ledger retry into a lost bundle. */
    private void recordProblemQuietly(Hash32 bundleHash, String problem) {
        try {
            store.recordProblem(bundleHash, problem, now());
        } catch (RuntimeException db) {
            storeFailures.labelValues("record_problem").inc();
            LOG.warn("could not record the problem of bundle {}: {}", bundleHash.toHex(), db.toString());
        }
    }

    /** Finalizes every epoch the ledger says is due (the permissionless crank); returns how many it finalized. */
    public int finalizeDue() {
        int done = 0;
        for (var due : reader.dueForFinalization()) {
            try {
                ledger.finalizeEpoch(due.market(), due.epochId());
                done++;
            } catch (LedgerRejection r) {
                rejections.labelValues("finalize", r.reason().name()).inc();
                if (!r.reason().retryLater()) {
                    LOG.warn("finalize {} epoch {} rejected: {}", due.market(), due.epochId(), r.getMessage());
                }
            }
        }
        return done;
    }

    /** Signed or committed bundles left from before a restart, oldest sequence first. */
    public java.util.List<Hash32> pending() {
        return store.unfinished().stream()
                .filter(b -> b.status() == PublishStatus.SIGNED || b.status() == PublishStatus.COMMITTED)
                .map(StoredBundle::bundleHash).toList();
    }

    /** A bundle the submitter still has to finish, with its place in the set's sequence order. */
    public record Pending(Hash32 bundleHash, long signerSetId, long sequence) {}

    /** Like {@link #pending()}, with each bundle's (set, sequence): what the resume pass re-queues. */
    public java.util.List<Pending> pendingWithSequence() {
        return store.unfinished().stream()
                .filter(b -> b.status() == PublishStatus.SIGNED || b.status() == PublishStatus.COMMITTED)
                .map(b -> new Pending(b.bundleHash(), b.record().signerSetId(), b.record().sequence())).toList();
    }

    private long now() {
        return clock.millis();
    }
}
