package com.m0club.engine.aggregate;

import com.m0club.protocol.bundle.QualityFlag;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The aggregator's counters, registered once in the registry passed in.
 *
 * <ul>
 *   <li>{@code m0_aggregate_events_total{result="updated|duplicate|late|unknown_market"}}</li>
 *   <li>{@code m0_aggregate_features_total}: feature vectors emitted</li>
 *   <li>{@code m0_aggregate_stale_sources_total}: sources dropped from a feature vector as stale</li>
 *   <li>{@code m0_aggregate_low_coverage_total}: feature vectors with LOW_COVERAGE</li>
 *   <li>{@code m0_aggregate_connector_degraded_total}: feature vectors with CONNECTOR_DEGRADED (a degraded
 *       connector had quoted the market)</li>
 *   <li>{@code m0_aggregate_health_reports_total{state="degraded|healthy"}}: connector health reports folded in</li>
 * </ul>
 */
public final class AggregatorMetrics {
    private final Counter events;
    private final Counter features;
    private final Counter staleSources;
    private final Counter lowCoverage;
    private final Counter connectorDegraded;
    private final Counter healthReports;

    public AggregatorMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        events = Counter.builder().name("m0_aggregate_events_total")
                .help("Normalized events seen by the aggregator, by result.")
                .labelNames("result").register(registry);
        for (AcceptOutcome o : AcceptOutcome.values()) {
            events.initLabelValues(o.label());
        }
        features = Counter.builder().name("m0_aggregate_features_total")
                .help("Feature vectors emitted.").register(registry);
        staleSources = Counter.builder().name("m0_aggregate_stale_sources_total")
                .help("Sources dropped from a feature vector because their latest evidence was stale.")
                .register(registry);
        lowCoverage = Counter.builder().name("m0_aggregate_low_coverage_total")
                .help("Feature vectors emitted with LOW_COVERAGE.").register(registry);
        connectorDegraded = Counter.builder().name("m0_aggregate_connector_degraded_total")
                .help("Feature vectors emitted with CONNECTOR_DEGRADED.").register(registry);
        healthReports = Counter.builder().name("m0_aggregate_health_reports_total")
                .help("Connector health reports folded into the aggregator, by state.")
                .labelNames("state").register(registry);
        healthReports.initLabelValues("degraded");
        healthReports.initLabelValues("healthy");
    }

    void health(boolean degraded) {
        healthReports.labelValues(degraded ? "degraded" : "healthy").inc();
    }

    void event(AcceptOutcome outcome) {
        events.labelValues(outcome.label()).inc();
    }

    void feature(FeatureVector fv) {
        features.inc();
        if (fv.coverage().sourcesStale() > 0) {
            staleSources.inc(fv.coverage().sourcesStale());
        }
        if (QualityFlag.LOW_COVERAGE.isSet(fv.qualityFlags())) {
            lowCoverage.inc();
        }
        if (QualityFlag.CONNECTOR_DEGRADED.isSet(fv.qualityFlags())) {
            connectorDegraded.inc();
        }
    }
}
