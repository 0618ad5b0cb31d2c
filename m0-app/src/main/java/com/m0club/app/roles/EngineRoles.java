package com.m0club.app.roles;

import com.m0club.engine.aggregate.Aggregator;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.ingest.IngestResult;
import com.m0club.engine.ingest.Ingestor;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.engine.ingest.SourceHealthAnnouncer;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.engine.quant.PriorFromPrevious;
import com.m0club.engine.quant.QuantModel;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.SourceQuote;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Outgoing;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.protocol.id.MarketId;
import com.m0club.runtime.lifecycle.Service;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.TraceScope;
import com.m0club.runtime.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine plane's roles as services over the event log: each one a thin adapter around a pure stage from
 * m0-engine. The stages never see the log, threads or the clock's source; these adapters do.
 *
 * <p>Tracing (docs/operations.md, "Tracing"): an {@code ingest} span per polled batch of quotes (the root of a trace;
 * every event it publishes carries its {@code traceparent}), an {@code aggregate} span per feature vector (child of
 * the market's most recent event, linked to the other events since its previous vector), a {@code quant} span per
 * model output (child of its feature vector's span). Each span's context travels in its record's headers.
 */
public final class EngineRoles {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRoles.class);
    private EngineRoles() {}

    /**
     * The ingestor: polls its quote source, validates and de-margins each quote, emits to {@code m0.events}; and
     * reports the source's degraded connectors per market on {@code m0.source-health} ({@link SourceHealthAnnouncer}).
     */
    public static final class IngestRole implements Service {
        private final QuoteSource source;
        private final Periodic ticker;

        public IngestRole(QuoteSource source, Ingestor ingestor, EventLog log, Topic<NormalizedEvent> events,
                Topic<SourceHealth> health, InstantSource clock, Duration period, Counter taskErrors,
                java.util.Optional<java.util.function.Consumer<SourceQuote>> tap, Tracing tracing) {
            this.source = source;
            SourceHealthAnnouncer announcer = new SourceHealthAnnouncer();
            this.ticker = new Periodic("ingestor", period, () -> {
                List<SourceQuote> quotes = source.poll(clock.instant());
                if (!quotes.isEmpty()) {
                    ingest(quotes, ingestor, log, events, tap, tracing);
                }
                for (SourceHealth h : announcer.update(source.degradedSources(), clock.millis())) {
                    try {
                        log.publish(health, h.market().value(), h);
                    } catch (RuntimeException e) {
                        // the quotes above are out; a lost report is repeated within 2 s while the connector stays
                        // degraded
                        taskErrors.labelValues("ingestor-health").inc();
                        LOG.warn("ingestor: connector health report for {} on {} not published: {}", h.source(),
                                h.market(), e.getMessage());
                    }
                }
            }, taskErrors);
        }

        /** One polled batch under one {@code ingest} span, each accepted event published with its context. */
        private static void ingest(List<SourceQuote> quotes, Ingestor ingestor, EventLog log,
                Topic<NormalizedEvent> events, java.util.Optional<java.util.function.Consumer<SourceQuote>> tap,
                Tracing tracing) {
            try (TraceScope span = tracing.start("ingest", SpanKind.PRODUCER, Context.root())) {
                Map<String, String> headers = span.headers();
                List<Outgoing<NormalizedEvent>> accepted = new java.util.ArrayList<>(quotes.size());
                for (SourceQuote q : quotes) {
                    tap.ifPresent(t -> t.accept(q));
                    if (ingestor.ingest(q) instanceof IngestResult.Accepted a) {
                        accepted.add(new Outgoing<>(a.event().market().value(), a.event(), headers));
                    }
                }
                // one batch per poll: a log that leaves the process has them all in flight at once
                log.publishAll(events, accepted);
                span.attribute("m0.quotes", quotes.size()).attribute("m0.events", accepted.size())
                        .attribute("messaging.destination.name", events.name());
            }
        }

        @Override
        public String name() {
            return "ingestor";
        }

        @Override
        public void start() {
            source.start();
            ticker.start();
        }

        @Override
        public void close() {
            ticker.close();
            source.close();
        }
    }

    /**
     * The aggregator: keeps each market's per-source state from {@code m0.events} and, every engine tick, emits the
     * market's feature vector for its current publish tick to {@code m0.features} (at most one per tick).
     *
     * Connector health reports from {@code m0.source-health} are folded in too (CONNECTOR_DEGRADED).
     *
     * <p>In one process the event consumer and the tick timer are two threads touching one market's state, so each
     * market's state is guarded by the aggregator's monitor; split deployments own a market on one partition thread.
     */
    public static final class AggregateRole implements Service {
        private final Aggregator aggregator;
        private final EventLog log;
        private final Topic<NormalizedEvent> events;
        private final Topic<SourceHealth> health;
        private final Periodic ticker;
        private final Duration stateWindow;
        private Subscription subscription;
        private Subscription healthSubscription;
        private final Counter taskErrors;
        private final Tracing tracing;
        /** Per market, the spans of the events since its last vector, newest last (guarded by the aggregator). */
        private final Map<MarketId, ArrayDeque<SpanContext>> contributors = new HashMap<>();
        /** Per market, the span of its most recent event (guarded by the aggregator). */
        private final Map<MarketId, SpanContext> latest = new HashMap<>();

        public AggregateRole(Aggregator aggregator, List<MarketId> markets, EventLog log,
                Topic<NormalizedEvent> events, Topic<SourceHealth> health, Topic<FeatureVector> features,
                InstantSource clock, Duration period, Counter taskErrors, Duration stateWindow, Tracing tracing) {
            this.aggregator = aggregator;
            this.tracing = tracing;
            this.stateWindow = stateWindow;
            this.log = log;
            this.events = events;
            this.health = health;
            this.taskErrors = taskErrors;
            this.ticker = new Periodic("aggregator-tick", period, () -> {
                long now = clock.millis();
                for (MarketId m : markets) {
                    java.util.Optional<FeatureVector> fv;
                    SpanContext parent;
                    List<SpanContext> links;
                    synchronized (aggregator) {
                        fv = aggregator.tick(m, now);
                        parent = latest.getOrDefault(m, SpanContext.getInvalid());
                        ArrayDeque<SpanContext> since = fv.isPresent() ? contributors.remove(m) : null;
                        links = since == null ? List.of() : List.copyOf(since);
                    }
                    if (fv.isEmpty()) {
                        continue;
                    }
                    FeatureVector f = fv.get();
                    Context context = parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
                    try (TraceScope span = tracing.start("aggregate", SpanKind.PRODUCER, context, links)) {
                        span.attribute("m0.market_id", f.market().value()).attribute("m0.epoch_id", f.epochId())
                                .attribute("m0.tick", f.tick()).attribute("m0.source_trace_id", f.traceId())
                                .attribute("messaging.destination.name", features.name());
                        log.publish(features, f.market().value(), f, span.headers());
                    }
                }
            }, taskErrors);
        }

        @Override
        public String name() {
            return "aggregator";
        }

        @Override
        public void start() {
            // Replays the staleness window on every partition it is given (start, restart, rebalance), so its
            // per-source state is rebuilt; redelivered events are DUPLICATE or LATE and change nothing.
            subscription = log.subscribe(events, "aggregator", SubscribeFrom.replay(stateWindow), r -> {
                SpanContext event = tracing.enabled() ? TraceHeaders.spanContext(r.headers())
                        : SpanContext.getInvalid();
                synchronized (aggregator) {
                    aggregator.accept(r.value());
                    if (event.isValid()) {
                        MarketId market = r.value().market();
                        latest.put(market, event);
                        ArrayDeque<SpanContext> since = contributors.computeIfAbsent(market, k -> new ArrayDeque<>());
                        if (since.size() == Tracing.MAX_LINKS) {
                            since.removeFirst();
                        }
                        since.addLast(event);
                    }
                }
            });
            try {
                healthSubscription = log.subscribe(health, "aggregator", SubscribeFrom.replay(stateWindow), r -> {
                    synchronized (aggregator) {
                        aggregator.health(r.value());
                    }
                });
            } catch (IllegalStateException e) {
                // an event log whose topics are created ahead (Kafka) may not have m0.source-health yet: aggregate
                // without connector health rather than not at all, and say so
                taskErrors.labelValues("aggregator-health").inc();
                LOG.warn("aggregator: connector health ({}) is not folded in, so CONNECTOR_DEGRADED is not raised: {}",
                        health.name(), e.getMessage());
            }
            ticker.start();
        }

        @Override
        public void close() {
            ticker.close();
            if (healthSubscription != null) {
                healthSubscription.close();
            }
            if (subscription != null) {
                subscription.close();
            }
        }
    }

    /**
     * The quant role: turns each feature vector from {@code m0.features} into a model output on
     * {@code m0.outputs}, with the market's previous published distribution as the prior.
     */
    public static final class QuantRole implements Service {
        private final PriorFromPrevious priors;
        private final EventLog log;
        private final Topic<FeatureVector> features;
        private final Topic<ModelOutput> outputs;
        private final Tracing tracing;
        private Subscription subscription;

        public QuantRole(QuantModel quant, EventLog log, Topic<FeatureVector> features, Topic<ModelOutput> outputs,
                Tracing tracing) {
            this.priors = new PriorFromPrevious(quant);
            this.log = log;
            this.features = features;
            this.outputs = outputs;
            this.tracing = tracing;
        }

        @Override
        public String name() {
            return "quant";
        }

        @Override
        public void start() {
            subscription = log.subscribe(features, "quant", r -> {
                FeatureVector fv = r.value();
                try (TraceScope span = tracing.start("quant", SpanKind.PRODUCER, TraceHeaders.extract(r.headers()))) {
                    ModelOutput out = priors.evaluate(fv);
                    span.attribute("m0.market_id", fv.market().value()).attribute("m0.epoch_id", fv.epochId())
                            .attribute("m0.tick", fv.tick()).attribute("m0.source_trace_id", fv.traceId())
                            .attribute("messaging.destination.name", outputs.name());
                    out.blockedReason().ifPresent(reason -> span.attribute("m0.blocked_reason", reason));
                    log.publish(outputs, fv.market().value(), out, span.headers());
                }
            });
        }

        @Override
        public void close() {
            if (subscription != null) {
                subscription.close();
            }
        }
    }
}
