package com.m0club.engine.ingest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * Ingest's counters, registered once in the registry passed in (never the default registry, so tests use a fresh
 * one). Every label value is initialised so a dashboard sees zeros rather than missing series.
 *
 * <ul>
 *   <li>{@code m0_ingest_events_total{result="accepted|duplicate|rejected"}}</li>
 *   <li>{@code m0_ingest_rejections_total{reason}}: one per {@link RejectReason}</li>
 *   <li>{@code m0_ingest_demargin_total{method="shin|power|normalized_mid"}}</li>
 *   <li>{@code m0_ingest_shin_fallbacks_total}: Shin did not converge and the power method was used</li>
 * </ul>
 */
public final class IngestMetrics {
    private final Counter events;
    private final Counter rejections;
    private final Counter demargin;
    private final Counter shinFallbacks;

    public IngestMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        events = Counter.builder().name("m0_ingest_events_total")
                .help("Quotes seen by ingest, by result.")
                .labelNames("result").register(registry);
        events.initLabelValues("accepted");
        events.initLabelValues("duplicate");
        events.initLabelValues("rejected");
        rejections = Counter.builder().name("m0_ingest_rejections_total")
                .help("Quotes rejected by ingest, by reason.")
                .labelNames("reason").register(registry);
        for (RejectReason r : RejectReason.values()) {
            rejections.initLabelValues(r.label());
        }
        demargin = Counter.builder().name("m0_ingest_demargin_total")
                .help("Accepted quotes by de-margining method.")
                .labelNames("method").register(registry);
        for (DemarginMethod m : DemarginMethod.values()) {
            demargin.initLabelValues(m.label());
        }
        shinFallbacks = Counter.builder().name("m0_ingest_shin_fallbacks_total")
                .help("Bookmaker quotes where Shin's method did not converge and the power method was used.")
                .register(registry);
    }

    void record(IngestResult result) {
        events.labelValues(result.label()).inc();
        switch (result) {
            case IngestResult.Rejected r -> rejections.labelValues(r.reason().label()).inc();
            case IngestResult.Accepted a -> {
                DemarginMethod m = a.event().payload().method();
                demargin.labelValues(m.label()).inc();
                if (m == DemarginMethod.POWER) {
                    shinFallbacks.inc();
                }
            }
            case IngestResult.Duplicate d -> {
                // counted in events_total only
            }
        }
    }
}
