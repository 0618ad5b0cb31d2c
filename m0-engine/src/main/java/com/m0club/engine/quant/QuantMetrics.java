package com.m0club.engine.quant;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The quant stage's counters, registered once in the registry passed in.
 *
 * <ul>
 *   <li>{@code m0_quant_outputs_total{result="published|blocked"}}</li>
 *   <li>{@code m0_quant_blocked_total{reason}}: one per {@link BlockReason}</li>
 *   <li>{@code m0_quant_sources_rejected_total}: sources screened out as outliers</li>
 * </ul>
 */
public final class QuantMetrics {
    private final Counter outputs;
    private final Counter blocked;
    private final Counter rejected;

    public QuantMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        outputs = Counter.builder().name("m0_quant_outputs_total")
                .help("Model outputs produced, by result.")
                .labelNames("result").register(registry);
        outputs.initLabelValues("published");
        outputs.initLabelValues("blocked");
        blocked = Counter.builder().name("m0_quant_blocked_total")
                .help("Ticks blocked by the guardrails, by reason.")
                .labelNames("reason").register(registry);
        for (BlockReason r : BlockReason.values()) {
            blocked.initLabelValues(r.code());
        }
        rejected = Counter.builder().name("m0_quant_sources_rejected_total")
                .help("Sources screened out of a tick as outliers.").register(registry);
    }

    void record(ModelOutput out) {
        if (out.isBlocked()) {
            outputs.labelValues("blocked").inc();
            blocked.labelValues(out.blockedReason().orElseThrow()).inc();
        } else {
            outputs.labelValues("published").inc();
        }
        int n = out.diagnostics().rejectedSources().size();
        if (n > 0) {
            rejected.inc(n);
        }
    }
}
