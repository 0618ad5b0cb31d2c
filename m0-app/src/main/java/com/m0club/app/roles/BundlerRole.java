package com.m0club.app.roles;

import com.m0club.engine.bundle.BundleAssembler;
import com.m0club.engine.bundle.PublishRound;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.runtime.lifecycle.Service;
import com.m0club.signer.client.QuorumException;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.store.StoreConflictException;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundler role: collects model outputs from {@code m0.outputs} and, once per publish round, seals them into one
 * bundle. Order of durable steps per round: allocate the sequence for the round key in PostgreSQL, assemble and
 * encode, bind the sequence to the bundle hash, store the bundle BUILT, collect m-of-n signatures from the agents,
 * store it SIGNED, hand it to the submitter on {@code m0.bundles}. A crash between any two steps is resumed on start
 * (BUILT bundles are signed again: an agent returns the same signature for the same sequence and hash).
 */
public final class BundlerRole implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(BundlerRole.class);

    private final EventLog eventLog;
    private final Topic<ModelOutput> outputs;
    private final Topic<SignedBundle> bundles;
    private final SequenceAllocator sequences;
    private final PublishStore store;
    private final MarketProblemStore problems;
    private final ThresholdSigner signer;
    private final long signerSetId;
    private final Duration roundLength;
    private final InstantSource clock;
    private final BundleAssembler assembler = new BundleAssembler();
    private final Map<MarketId, ModelOutput> pending = new TreeMap<>();
    private final Periodic ticker;
    private final Counter rounds;
    private final Histogram signSeconds;
    private final java.util.function.Predicate<MarketId> active;
    private Subscription subscription;
    private long lastRoundStart = -1;

    public BundlerRole(EventLog eventLog, Topic<ModelOutput> outputs, Topic<SignedBundle> bundles,
            SequenceAllocator sequences, PublishStore store, MarketProblemStore problems, ThresholdSigner signer,
            long signerSetId, Duration roundLength, InstantSource clock, PrometheusRegistry registry,
            Counter taskErrors, java.util.function.Predicate<MarketId> active) {
        this.active = active;
        this.eventLog = eventLog;
        this.outputs = outputs;
        this.bundles = bundles;
        this.sequences = sequences;
        this.store = store;
        this.problems = problems;
        this.signer = signer;
        this.signerSetId = signerSetId;
        this.roundLength = roundLength;
        this.clock = clock;
        this.ticker = new Periodic("bundler-round", roundLength, this::closeRound, taskErrors);
        this.rounds = Counter.builder().name("m0_bundler_rounds_total")
                .help("Publish rounds closed by the bundler, by outcome").labelNames("outcome").register(registry);
        this.signSeconds = Histogram.builder().name("m0_bundler_signature_collection_seconds")
                .help("Time to collect m-of-n signatures for a bundle").register(registry);
    }

    @Override
    public String name() {
        return "bundler";
    }

    @Override
    public void start() {
        resumeBuilt();
        subscription = eventLog.subscribe(outputs, "bundler", r -> accept(r.value()));
        ticker.start();
    }

    private void accept(ModelOutput output) {
        if (!active.test(output.market())) {
            // a paused market's item would make agents and the ledger refuse the whole bundle
            problems.record(output.market(), "market is not ACTIVE: not published", clock.millis());
            return;
        }
        if (output.isBlocked()) {
            problems.record(output.market(), "blocked by guardrails: " + output.blockedReason().orElse("?"),
                    clock.millis());
            return;
        }
        synchronized (pending) {
            ModelOutput previous = pending.get(output.market());
            if (previous == null || previous.epochId() < output.epochId()
                    || (previous.epochId() == output.epochId() && previous.tick() <= output.tick())) {
                pending.put(output.market(), output);
            }
        }
    }

    /** Seals the round that just ended, if any output arrived during it. */
    void closeRound() throws InterruptedException {
        long now = clock.millis();
        PublishRound round = PublishRound.roundAt(now - roundLength.toMillis(), roundLength.toMillis());
        if (round.startMs() <= lastRoundStart) {
            return;
        }
        List<ModelOutput> batch;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending.values());
            pending.clear();
        }
        lastRoundStart = round.startMs();
        Optional<EncodedBundle> built = build(batch, round, now);
        if (built.isEmpty()) {
            rounds.labelValues("empty").inc();
            return;
        }
        signAndHandOff(built.get());
    }

    private Optional<EncodedBundle> build(List<ModelOutput> batch, PublishRound round, long now) {
        String key = round.key(signerSetId);
        for (int attempt = 0; attempt < 3; attempt++) {
            String roundKey = attempt == 0 ? key : key + "#" + attempt;
            long sequence = sequences.allocate(signerSetId, roundKey);
            Optional<Bundle> bundle = assembler.assemble(batch, signerSetId, sequence, round.startMs(),
                    round.endMs(), now);
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
            store.insertBuilt(encoded, now);
            return Optional.of(encoded);
        }
        throw new IllegalStateException("could not allocate a free sequence for round " + key);
    }

    private void signAndHandOff(EncodedBundle encoded) throws InterruptedException {
        long started = System.nanoTime();
        try {
            SignedBundle signed = signer.collectBlocking(encoded);
            signSeconds.observe((System.nanoTime() - started) / 1e9);
            store.markSigned(encoded.bundleHash(), signed.encode(), clock.millis());
            eventLog.publish(bundles, Long.toString(encoded.header().sequence()), signed);
            rounds.labelValues("signed").inc();
        } catch (QuorumException e) {
            rounds.labelValues("quorum_failed").inc();
            String reason = "signer quorum not reached: " + e.getMessage();
            store.markFailed(encoded.bundleHash(), reason, clock.millis());
            for (var item : encoded.bundle().items()) {
                problems.record(item.marketId(), reason, clock.millis());
            }
            LOG.error("bundle {} (sequence {}) not signed: {}", encoded.bundleHash().toHex(),
                    encoded.header().sequence(), e.getMessage());
        }
    }

    /** Signs bundles a previous run stored BUILT but did not get signed. */
    private void resumeBuilt() {
        for (StoredBundle b : store.unfinished()) {
            if (b.status() != PublishStatus.BUILT) {
                continue;
            }
            LOG.info("resuming built bundle {} (sequence {})", b.bundleHash().toHex(), b.record().sequence());
            try {
                signAndHandOff(BundleCodec.decode(b.record().bundleBytes()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        ticker.close();
        if (subscription != null) {
            subscription.close();
        }
    }
}
