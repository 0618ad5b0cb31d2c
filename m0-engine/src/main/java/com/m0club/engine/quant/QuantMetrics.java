package com.m0club.engine.quant;

import com.m0club.protocol.bundle.QualityFlag;
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
 *   <li>{@code m0_quant_output_flags_total{flag}}: outputs carrying each quality flag (for example
 *       {@code flag="CONNECTOR_DEGRADED"})</li>
 * </ul>
 */
public final class QuantMetrics {
    private final Counter outputs;
    private final Counter blocked;
    private final Counter rejected;
    private final Counter flags;

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
        flags = Counter.builder().name("m0_quant_output_flags_total")
                .help("Model outputs carrying each quality flag.").labelNames("flag").register(registry);
        for (QualityFlag f : QualityFlag.values()) {
            flags.initLabelValues(f.name());
        }
    }

    void record(ModelOutput out) {
        if (out.isBlocked()) {
            outputs.labelValues("blocked").inc();
            blocked.labelValues(out.blockedReason().orElseThrow()).inc();
        } else {
            outputs.labelValues("published").inc();
        }
        for (QualityFlag f : QualityFlag.decode(out.qualityFlags())) {
            flags.labelValues(f.name()).inc();
        }
        int n = out.diagnostics().rejectedSources().size();
        if (n > 0) {
            rejected.inc(n);
        }
    }
}
