package com.m0club.adapter.source.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one series from a registry (tests). */
final class Metrics {
    private Metrics() {}

    /** The value of {@code name} (without {@code _total}) at the labels given as name, value pairs; 0 when absent. */
    static double value(PrometheusRegistry registry, String name, String... labels) {
        for (MetricSnapshot m : registry.scrape()) {
            if (!m.getMetadata().getName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot p : m.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i < labels.length; i += 2) {
                    match &= labels[i + 1].equals(p.getLabels().get(labels[i]));
                }
                if (match) {
                    if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                        return c.getValue();
                    }
                    if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                        return g.getValue();
                    }
                }
            }
        }
        return 0;
    }
}
