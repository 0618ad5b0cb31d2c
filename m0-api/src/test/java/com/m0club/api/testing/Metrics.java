package com.m0club.api.testing;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one series from a registry in tests: counter and gauge values, histogram observation counts. */
public final class Metrics {
    private Metrics() {}

    /**
     * The value of {@code name} (without {@code _total}) with exactly the given label pairs, 0 when the series does
     * not exist yet.
     */
    public static double value(PrometheusRegistry registry, String name, String... labelPairs) {
        Labels wanted = Labels.of(labelPairs);
        for (MetricSnapshot m : registry.scrape()) {
            if (!m.getMetadata().getName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot d : m.getDataPoints()) {
                if (!d.getLabels().equals(wanted)) {
                    continue;
                }
                if (d instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                    return c.getValue();
                }
                if (d instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                    return g.getValue();
                }
                if (d instanceof HistogramSnapshot.HistogramDataPointSnapshot h) {
                    return h.getCount();
                }
            }
        }
        return 0;
    }
}
