package com.m0club.engine.quant;

/**
 * Weights of the risk score's components (docs/quant.md, "Risk score"); they must sum to 1 so the score spans
 * 0..10000 bps.
 *
 * @param entropy normalized entropy of p
 * @param ciWidth mean interval width
 * @param divergence divergence score
 * @param coverageGap {@code 1 - min(1, seen / expected)}
 * @param staleness mean age of the used evidence as a fraction of the staleness limit
 */
public record RiskWeights(double entropy, double ciWidth, double divergence, double coverageGap, double staleness) {
    public static final RiskWeights DEFAULTS = new RiskWeights(0.25, 0.25, 0.25, 0.15, 0.10);

    public RiskWeights {
        double[] all = {entropy, ciWidth, divergence, coverageGap, staleness};
        double sum = 0;
        for (double w : all) {
            if (!(w >= 0.0 && w <= 1.0)) {
                throw new IllegalArgumentException("quant.risk_weights: each weight must be in [0, 1], got " + w);
            }
            sum += w;
        }
        if (Math.abs(sum - 1.0) > 1e-9) {
            throw new IllegalArgumentException("quant.risk_weights: must sum to 1, got " + sum);
        }
    }
}
