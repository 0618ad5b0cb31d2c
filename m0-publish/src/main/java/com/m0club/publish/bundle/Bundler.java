package com.m0club.publish.bundle;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.view.PublishStatus;
import com.m0club.store.StoreConflictException;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.TraceScope;
import com.m0club.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes publish rounds into signed bundles. Outputs are {@linkplain #offer offered} as they arrive (the latest per
 * market wins; a market that is not ACTIVE, or an output blocked by guardrails, is recorded as the market's problem
 * and not published). {@link #closeRound} seals the round that just ended, in this order of durable steps: allocate
 * the sequence for the round key in PostgreSQL, assemble and encode, bind the sequence to the bundle hash, store the
 * bundle BUILT, collect m-of-n signatures ({@link SignatureCollector}), store it SIGNED, hand its {@link BundleRef}
 * on ({@link BundleHandOff}). A missed quorum stores it FAILED with the reason, recorded for each of its markets too.
 *
 * <p>A crash between any two steps is resumed: {@link #resume} signs again the bundles a previous run left BUILT (an
 * agent returns the same signature for the same sequence and hash). A round key whose sequence is already bound to
 * another bundle (a run that crashed after allocating, with other outputs) leaves that sequence burned and retries
 * under {@code key#1}, {@code key#2}.
 *
 * <p>Tracing: each closed round is one {@code bundle} span, child of one contributing output's span (the first market
 * with trace context) and linked to the others, with the signature collection as its child {@code sign} span (the
 * {@link SignatureCollector} sends that context to the agents). The bundle span's {@code traceparent} is stored with
 * the bundle (never in its bytes), so the submitter and the reconciler continue the trace; a resumed bundle gets a
 * {@code bundle.resume} span in its stored trace.
 *
 * <p>{@link #offer} may be called from any thread; {@link #closeRound} and {@link #resume} from one thread at a time.
 *
 * @param <T> the output the {@link RoundAssembler} seals (the engine's model output)
 */
public final class Bundler<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Bundler.class);
    /** Round keys tried per round: the key, then {@code key#1}, {@code key#2}. */
    static final int SEQUENCE_ATTEMPTS = 3;

    private final RoundAssembler<T> assembler;
    private final SignatureCollector signatures;
    private final BundleHandOff handOff;
    private final SequenceAllocator sequences;
    private final PublishStore store;
    private final MarketProblemStore problems;
    private final long signerSetId;
    private final Duration roundLength;
    private final InstantSource clock;
    private final Predicate<MarketId> active;
    private final Map<MarketId, RoundEntry<T>> pending = new TreeMap<>();
    private final Counter rounds;
    private final Histogram signSeconds;
    private final Tracing tracing;
    private long lastRoundStart = -1;

    /** What closing a round, or resuming one bundle, ended with. */
    public sealed interface Closed {

        /** No round ended since the last one closed, or nothing arrived during it. */
        record NothingPending() implements Closed {}

        /** Outputs arrived but none could be published; no sequence was bound. */
        record Empty() implements Closed {}

        /** Stored SIGNED and handed on. */
        record Signed(BundleRef ref) implements Closed {}

        /** Stored FAILED: the signer set's quorum was not reached. */
        record QuorumFailed(BundleRef ref, String reason) implements Closed {}
    }

    /**
     * @param roundLength the publish round, > 0; {@link #closeRound} is meant to run once per round length
     * @param active whether a market is ACTIVE now (a paused market's item would make the agents and the ledger
     *     refuse the whole bundle)
     */
    public Bundler(RoundAssembler<T> assembler, SignatureCollector signatures, BundleHandOff handOff,
            SequenceAllocator sequences, PublishStore store, MarketProblemStore problems, long signerSetId,
            Duration roundLength, InstantSource clock, Predicate<MarketId> active, PrometheusRegistry registry) {
        this(assembler, signatures, handOff, sequences, store, problems, signerSetId, roundLength, clock, active,
                registry, Tracing.off());
    }

    /** A bundler whose rounds are traced with {@code tracing} (see the class comment). */
    public Bundler(RoundAssembler<T> assembler, SignatureCollector signatures, BundleHandOff handOff,
            SequenceAllocator sequences, PublishStore store, MarketProblemStore problems, long signerSetId,
            Duration roundLength, InstantSource clock, Predicate<MarketId> active, PrometheusRegistry registry,
            Tracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.assembler = Objects.requireNonNull(assembler, "assembler");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.handOff = Objects.requireNonNull(handOff, "handOff");
        this.sequences = Objects.requireNonNull(sequences, "sequences");
        this.store = Objects.requireNonNull(store, "store");
        this.problems = Objects.requireNonNull(problems, "problems");
        this.signerSetId = com.m0club.protocol.Checks.u32("signerSetId", signerSetId);
        this.roundLength = Objects.requireNonNull(roundLength, "roundLength");
        if (roundLength.isNegative() || roundLength.isZero()) {
            throw new IllegalArgumentException("roundLength: must be > 0, got " + roundLength);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.active = Objects.requireNonNull(active, "active");
        this.rounds = Counter.builder().name("m0_bundler_rounds_total")
                .help("Publish rounds closed by the bundler, by outcome").labelNames("outcome")
                .register(Objects.requireNonNull(registry, "registry"));
        this.signSeconds = Histogram.builder().name("m0_bundler_signature_collection_seconds")
                .help("Time to collect m-of-n signatures for a bundle").register(registry);
    }

    /** Takes one market's output for the current round (or records why it will not be published). */
    public void offer(RoundEntry<T> entry) {
        Objects.requireNonNull(entry, "entry");
        if (!active.test(entry.market())) {
            problems.record(entry.market(), "market is not ACTIVE: not published", clock.millis());
            return;
        }
        if (entry.blockedReason().isPresent()) {
            problems.record(entry.market(), "blocked by guardrails: " + entry.blockedReason().get(), clock.millis());
            return;
        }
        synchronized (pending) {
            RoundEntry<T> previous = pending.get(entry.market());
            if (previous == null || entry.supersedes(previous)) {
                pending.put(entry.market(), entry);
            }
        }
    }

    /** Seals the round that just ended, if any output arrived since the last one closed. */
    public Closed closeRound() throws InterruptedException {
        long now = clock.millis();
        RoundAssembler.Round round = assembler.roundAt(now - roundLength.toMillis(), roundLength, signerSetId);
        if (round.startMs() <= lastRoundStart) {
            return new Closed.NothingPending();
        }
        List<T> batch = new ArrayList<>();
        List<SpanContext> contributors = new ArrayList<>();
        synchronized (pending) {
            if (pending.isEmpty()) {
                return new Closed.NothingPending();
            }
            for (RoundEntry<T> e : pending.values()) {
                batch.add(e.output());
                if (e.trace().isValid()) {
                    contributors.add(e.trace());
                }
            }
            pending.clear();
        }
        lastRoundStart = round.startMs();
        Context parent = contributors.isEmpty() ? Context.root()
                : Context.root().with(Span.wrap(contributors.getFirst()));
        try (TraceScope span = tracing.start("bundle", SpanKind.INTERNAL, parent, contributors)) {
            span.attribute("m0.round_key", round.key()).attribute("m0.outputs", batch.size());
            try {
                Optional<EncodedBundle> built = build(batch, round, now, span.traceparent());
                if (built.isEmpty()) {
                    rounds.labelValues("empty").inc();
                    span.attribute("m0.outcome", "empty");
                    return new Closed.Empty();
                }
                return traced(span, signAndHandOff(built.get()));
            } catch (RuntimeException e) {
                span.error(e);
                throw e;
            }
        }
    }

    private static Closed traced(TraceScope span, Closed closed) {
        switch (closed) {
            case Closed.Signed s -> span.attribute("m0.outcome", "signed");
            case Closed.QuorumFailed q -> {
                span.attribute("m0.outcome", "quorum_failed");
                span.error(q.reason());
            }
            default -> { }
        }
        return closed;
    }

    /**
     * Signs the bundles a previous run stored BUILT but did not get signed, oldest sequence first; stops early (and
     * keeps the interrupt) when interrupted.
     */
    public List<Closed> resume() {
        List<Closed> out = new ArrayList<>();
        for (StoredBundle b : store.unfinished()) {
            if (b.status() != PublishStatus.BUILT) {
                continue;
            }
            Context stored = b.traceparent().map(t -> TraceHeaders.extract(Map.of(TraceHeaders.TRACEPARENT, t)))
                    .orElse(Context.root());
            try (TraceScope span = tracing.start("bundle.resume", stored)) {
                LOG.info("resuming built bundle {} (sequence {})", b.bundleHash().toHex(), b.record().sequence());
                out.add(traced(span, signAndHandOff(BundleCodec.decode(b.record().bundleBytes()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return out;
    }

    private Optional<EncodedBundle> build(List<T> batch, RoundAssembler.Round round, long now,
            Optional<String> traceparent) {
        for (int attempt = 0; attempt < SEQUENCE_ATTEMPTS; attempt++) {
            String roundKey = attempt == 0 ? round.key() : round.key() + "#" + attempt;
            long sequence = sequences.allocate(signerSetId, roundKey);
            Optional<Bundle> bundle = assembler.assemble(batch, signerSetId, sequence, round, now);
            if (bundle.isEmpty()) {
                return Optional.empty();
            }
            EncodedBundle encoded = EncodedBundle.of(bundle.get());
            try {
                sequences.bindHash(signerSetId, sequence, encoded.bundleHash());
            } catch (StoreConflictException e) {
                // the round key was used by a run that crashed after allocating: its sequence stays burned
                LOG.warn("round {} sequence {} is bound to another bundle; allocating a new sequence", roundKey,
                        sequence);
                continue;
            }
            store.insertBuilt(encoded, now, traceparent);
            return Optional.of(encoded);
        }
        throw new IllegalStateException("could not allocate a free sequence for round " + round.key());
    }

    private Closed signAndHandOff(EncodedBundle encoded) throws InterruptedException {
        BundleRef ref = BundleRef.of(encoded);
        Span.current().setAttribute("m0.signer_set_id", encoded.header().signerSetId());
        Span.current().setAttribute("m0.sequence", encoded.header().sequence());
        Span.current().setAttribute("m0.bundle_hash", encoded.bundleHash().toHex());
        Span.current().setAttribute("m0.items", encoded.itemCount());
        long started = System.nanoTime();
        SignatureCollector.Collected collected;
        try (TraceScope sign = tracing.child("sign", SpanKind.CLIENT)) {
            sign.attribute("m0.sequence", encoded.header().sequence());
            try {
                collected = signatures.collect(encoded);
            } catch (RuntimeException e) {
                sign.error(e);
                throw e;
            }
            if (collected instanceof SignatureCollector.Collected.QuorumNotReached q) {
                sign.error(q.detail());
            }
        }
        switch (collected) {
            case SignatureCollector.Collected.Signed s -> {
                signSeconds.observe((System.nanoTime() - started) / 1e9);
                store.markSigned(encoded.bundleHash(), s.bundle().encode(), clock.millis());
                handOff.handOff(ref);
                rounds.labelValues("signed").inc();
                return new Closed.Signed(ref);
            }
            case SignatureCollector.Collected.QuorumNotReached q -> {
                rounds.labelValues("quorum_failed").inc();
                String reason = "signer quorum not reached: " + q.detail();
                store.markFailed(encoded.bundleHash(), reason, clock.millis());
                for (var item : encoded.bundle().items()) {
                    problems.record(item.marketId(), reason, clock.millis());
                }
                LOG.error("bundle {} (sequence {}) not signed: {}", encoded.bundleHash().toHex(),
                        encoded.header().sequence(), q.detail());
                return new Closed.QuorumFailed(ref, reason);
            }
        }
    }
}
