package com.m0club.engine;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads counter values from a registry, by exposed name (with or without the _total suffix). */
public final class TestMetrics {
    private TestMetrics() {}

    public static double counter(PrometheusRegistry registry, String name, String... labelPairs) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        for (MetricSnapshot s : registry.scrape()) {
            if (!s.getMetadata().getName().equals(base) || !(s instanceof CounterSnapshot c)) {
                continue;
            }
            double total = 0;
            for (CounterSnapshot.CounterDataPointSnapshot dp : c.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i < labelPairs.length; i += 2) {
                    if (!labelPairs[i + 1].equals(dp.getLabels().get(labelPairs[i]))) {
                        match = false;
                    }
                }
                if (match) {
                    total += dp.getValue();
                }
            }
            return total;
        }
        throw new AssertionError("no counter " + name + " in the registry");
    }
}
