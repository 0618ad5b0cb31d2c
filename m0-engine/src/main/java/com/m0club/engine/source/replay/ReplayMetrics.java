package com.m0club.engine.source.replay;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The replay source's counter, registered once in the registry passed in (never the default registry):
 * {@code m0_replay_lines_total{result="quote|malformed"}}, lines read from the replay file by outcome (blank lines
 * are not counted). Both label values are initialised so a dashboard sees zeros rather than missing series.
 */
public final class ReplayMetrics {
    private final Counter lines;

    public ReplayMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        lines = Counter.builder().name("m0_replay_lines_total")
                .help("Lines read from the quote replay file, by result.")
                .labelNames("result").register(registry);
        lines.initLabelValues("quote");
        lines.initLabelValues("malformed");
    }

    void quote() {
        lines.labelValues("quote").inc();
    }

    void malformed() {
        lines.labelValues("malformed").inc();
    }
}
