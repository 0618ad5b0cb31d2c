package com.m0club.engine.quant;

import com.m0club.protocol.id.SourceId;
import java.util.List;
import java.util.Objects;

/**
 * Intermediate values of one evaluation, for the API, dashboards and tests; never hashed or published on chain.
 *
 * @param sourcesUsed sources that went into the pool
 * @param rejectedSources sources screened out as outliers this tick
 * @param pooled the pooled vector before the Dirichlet step (canonical outcome order; empty when no evidence)
 * @param divergence divergence score in [0, 1]
 * @param effectiveSampleSize evidence pseudo-count added to the prior
 * @param normalizedEntropy entropy of p divided by ln(n), in [0, 1]
 * @param meanCiWidth mean of ci_high - ci_low over outcomes
 * @param jump max over outcomes of |p - previous p| (0 without a previous distribution)
 */
public record ModelDiagnostics(int sourcesUsed, List<SourceId> rejectedSources, List<Double> pooled,
        double divergence, double effectiveSampleSize, double normalizedEntropy, double meanCiWidth, double jump) {

    public ModelDiagnostics {
        rejectedSources = List.copyOf(Objects.requireNonNull(rejectedSources, "rejected_sources"));
        pooled = List.copyOf(Objects.requireNonNull(pooled, "pooled"));
    }

    static ModelDiagnostics none() {
        return new ModelDiagnostics(0, List.of(), List.of(), 0, 0, 0, 0, 0);
    }
}
