package com.m0club.engine.quant;

/**
 * The risk score in basis points (docs/quant.md, "Risk score"):
 *
 * <pre>
 *   risk = round_half_even(10000 * clamp(wH * H + wW * W + wD * D + wC * C + wS * S, 0, 1))
 * </pre>
 *
 * with H the normalized entropy of p, W the mean interval width, D the divergence score, C the coverage gap and S the
 * mean staleness fraction of the used evidence, each in [0, 1]. It rises with each of them, as the brief requires, and
 * stays in 0..10000 because the weights sum to 1. Pure.
 */
final class RiskScore {
    private RiskScore() {}

    static int bps(RiskWeights w, double entropy, double ciWidth, double divergence, double coverageGap,
            double staleness) {
        double s = w.entropy() * unit(entropy) + w.ciWidth() * unit(ciWidth) + w.divergence() * unit(divergence)
                + w.coverageGap() * unit(coverageGap) + w.staleness() * unit(staleness);
        return (int) Math.rint(10_000.0 * unit(s));
    }

    private static double unit(double v) {
        return Double.isNaN(v) ? 1.0 : Math.min(1.0, Math.max(0.0, v));
    }
}
