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
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine plane's roles as services over the event log: each one a thin adapter around a pure stage from
 * m0-engine. The stages never see the log, threads or the clock's source; these adapters do.
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
                java.util.Optional<java.util.function.Consumer<SourceQuote>> tap) {
            this.source = source;
            SourceHealthAnnouncer announcer = new SourceHealthAnnouncer();
            this.ticker = new Periodic("ingestor", period, () -> {
                List<SourceQuote> quotes = source.poll(clock.instant());
                List<Outgoing<NormalizedEvent>> accepted = new java.util.ArrayList<>(quotes.size());
                for (SourceQuote q : quotes) {
                    tap.ifPresent(t -> t.accept(q));
                    if (ingestor.ingest(q) instanceof IngestResult.Accepted a) {
                        accepted.add(Outgoing.of(a.event().market().value(), a.event()));
                    }
                }
                // one batch per poll: a log that leaves the process has them all in flight at once
                log.publishAll(events, accepted);
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

        public AggregateRole(Aggregator aggregator, List<MarketId> markets, EventLog log,
                Topic<NormalizedEvent> events, Topic<SourceHealth> health, Topic<FeatureVector> features,
                InstantSource clock, Duration period, Counter taskErrors, Duration stateWindow) {
            this.aggregator = aggregator;
            this.stateWindow = stateWindow;
            this.log = log;
            this.events = events;
            this.health = health;
            this.taskErrors = taskErrors;
            this.ticker = new Periodic("aggregator-tick", period, () -> {
                long now = clock.millis();
                for (MarketId m : markets) {
                    java.util.Optional<FeatureVector> fv;
                    synchronized (aggregator) {
                        fv = aggregator.tick(m, now);
                    }
                    fv.ifPresent(f -> log.publish(features, f.market().value(), f));
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
                synchronized (aggregator) {
                    aggregator.accept(r.value());
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
        private Subscription subscription;

        public QuantRole(QuantModel quant, EventLog log, Topic<FeatureVector> features, Topic<ModelOutput> outputs) {
            this.priors = new PriorFromPrevious(quant);
            this.log = log;
            this.features = features;
            this.outputs = outputs;
        }

        @Override
        public String name() {
            return "quant";
        }

        @Override
        public void start() {
            subscription = log.subscribe(features, "quant", r -> {
                FeatureVector fv = r.value();
                ModelOutput out = priors.evaluate(fv);
                log.publish(outputs, fv.market().value(), out);
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
