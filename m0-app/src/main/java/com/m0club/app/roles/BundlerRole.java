package com.m0club.app.roles;

import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.bundle.Bundler;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore;
import com.m0club.runtime.lifecycle.Service;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Predicate;

/**
 * The bundler role, wiring only: the publishing plane's {@link Bundler} fed from {@code m0.outputs}, its rounds
 * closed every round length on its own thread, the engine's bundle stage as its round assembly, the threshold client
 * as its signature collection, and each signed bundle's {@link BundleRef} published on {@code m0.bundles} keyed by
 * signer set id. On start the BUILT bundles of a previous run are resumed first. Traced (when {@code tracing} is on)
 * as {@link Bundler} says: each output's record headers carry its span, each reference goes out under the bundle's.
 */
public final class BundlerRole implements Service {
    private final EventLog eventLog;
    private final Topic<ModelOutput> outputs;
    private final Bundler<ModelOutput> bundler;
    private final Periodic ticker;
    private Subscription subscription;

    public BundlerRole(EventLog eventLog, Topic<ModelOutput> outputs, Topic<BundleRef> bundles,
            SequenceAllocator sequences, PublishStore store, MarketProblemStore problems, ThresholdSigner signer,
            long signerSetId, Duration roundLength, InstantSource clock, PrometheusRegistry registry,
            Counter taskErrors, Predicate<MarketId> active, Tracing tracing) {
        this.eventLog = eventLog;
        this.outputs = outputs;
        this.bundler = new Bundler<>(new EngineRoundAssembler(), new ThresholdSignatureCollector(signer),
                ref -> eventLog.publish(bundles, ref.key(), ref, TraceHeaders.current()), sequences, store, problems,
                signerSetId, roundLength, clock, active, registry, tracing);
        this.ticker = new Periodic("bundler-round", roundLength, bundler::closeRound, taskErrors);
    }

    @Override
    public String name() {
        return "bundler";
    }

    @Override
    public void start() {
        bundler.resume();
        subscription = eventLog.subscribe(outputs, "bundler",
                r -> bundler.offer(EngineRoundAssembler.entry(r.value(), TraceHeaders.spanContext(r.headers()))));
        ticker.start();
    }

    @Override
    public void close() {
        ticker.close();
        if (subscription != null) {
            subscription.close();
        }
    }
}
