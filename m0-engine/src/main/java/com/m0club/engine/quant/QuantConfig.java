package com.m0club.engine.quant;

import com.m0club.protocol.id.ModelRef;
import java.util.Objects;

/**
 * Parameters of the first quant model, {@code logpool-dirichlet} (docs/quant.md lists each with its formula and why
 * it has its default). Built with {@link #builder()}; invalid values fail at build time naming the key.
 *
 * @param model id and version stamped on every output
 * @param ciLevelBps interval level: 9000, 9500 or 9900
 * @param alpha0 prior strength (pseudo-count) of the Dirichlet prior
 * @param evidencePerSource pseudo-count one fresh, agreeing, average-weight source adds
 * @param maxEffectiveSampleSize cap on the evidence pseudo-count (keeps a+b small enough for the Beta quantile)
 * @param priorDecay weight of uniform in the prior mean when the prior is the previous distribution
 * @param probabilityFloor sources' probabilities are clipped to [floor, 1 - floor] before logs and logits
 * @param outlierK a source more than k robust standard deviations from the median logit is rejected
 * @param madFloor lower bound on the robust standard deviation, logit units
 * @param minSourcesForScreening screening runs only with at least this many sources
 * @param divergenceScale mean Jensen-Shannon distance that maps to divergence 1
 * @param divergenceWarn divergence above this raises SOURCE_DIVERGENCE and DEGRADED
 * @param divergenceBlock divergence above this blocks the tick ...
 * @param minSourcesForDivergenceBlock ... when at least this many sources survived screening
 * @param ciWideBps any outcome's interval wider than this raises CI_WIDE
 * @param jumpWarnBps max |p - previous p| above this raises JUMP
 * @param riskWeights weights of the risk score components
 */
public record QuantConfig(ModelRef model, int ciLevelBps, double alpha0, double evidencePerSource,
        double maxEffectiveSampleSize, double priorDecay, double probabilityFloor, double outlierK, double madFloor,
        int minSourcesForScreening, double divergenceScale, double divergenceWarn, double divergenceBlock,
        int minSourcesForDivergenceBlock, int ciWideBps, int jumpWarnBps, RiskWeights riskWeights) {

    public static final ModelRef DEFAULT_MODEL = ModelRef.of("logpool-dirichlet", "0.1.0");
    public static final QuantConfig DEFAULTS = builder().build();

    public QuantConfig {
        Objects.requireNonNull(model, "quant.model");
        Objects.requireNonNull(riskWeights, "quant.risk_weights");
        if (ciLevelBps != 9000 && ciLevelBps != 9500 && ciLevelBps != 9900) {
            throw new IllegalArgumentException("quant.ci_level_bps: must be 9000, 9500 or 9900, got " + ciLevelBps);
        }
        range("quant.alpha0", alpha0, 1e-3, 1e3);
        range("quant.evidence_per_source", evidencePerSource, 0, 1e3);
        range("quant.max_effective_sample_size", maxEffectiveSampleSize, 1, 10_000);
        range("quant.prior_decay", priorDecay, 0, 1);
        range("quant.probability_floor", probabilityFloor, 1e-12, 1e-2);
        range("quant.outlier_k", outlierK, 1, 100);
        range("quant.mad_floor", madFloor, 0, 10);
        if (minSourcesForScreening < 3) {
            throw new IllegalArgumentException("quant.min_sources_for_screening: must be >= 3 (a median of two"
                    + " cannot tell which is wrong), got " + minSourcesForScreening);
        }
        range("quant.divergence_scale", divergenceScale, 1e-3, 1);
        range("quant.divergence_warn", divergenceWarn, 0, 1);
        range("quant.divergence_block", divergenceBlock, 0, 1);
        if (divergenceWarn > divergenceBlock) {
            throw new IllegalArgumentException("quant.divergence_warn: must be <= divergence_block ("
                    + divergenceBlock + "), got " + divergenceWarn);
        }
        if (minSourcesForDivergenceBlock < 2) {
            throw new IllegalArgumentException("quant.min_sources_for_divergence_block: must be >= 2, got "
                    + minSourcesForDivergenceBlock);
        }
        if (ciWideBps < 1 || ciWideBps > 10_000) {
            throw new IllegalArgumentException("quant.ci_wide_bps: must be in 1..10000, got " + ciWideBps);
        }
        if (jumpWarnBps < 1 || jumpWarnBps > 10_000) {
            throw new IllegalArgumentException("quant.jump_warn_bps: must be in 1..10000, got " + jumpWarnBps);
        }
    }

    private static void range(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(field + ": must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private ModelRef model = DEFAULT_MODEL;
        private int ciLevelBps = 9500;
        private double alpha0 = 2.0;
        private double evidencePerSource = 50.0;
        private double maxEffectiveSampleSize = 2_000.0;
        private double priorDecay = 0.1;
        private double probabilityFloor = 1e-6;
        private double outlierK = 3.0;
        private double madFloor = 0.1;
        private int minSourcesForScreening = 3;
        private double divergenceScale = 0.5;
        private double divergenceWarn = 0.5;
        private double divergenceBlock = 0.85;
        private int minSourcesForDivergenceBlock = 3;
        private int ciWideBps = 5_500;
        private int jumpWarnBps = 800;
        private RiskWeights riskWeights = RiskWeights.DEFAULTS;

        private Builder() {}

        public Builder model(ModelRef v) {
            this.model = v;
            return this;
        }

        public Builder ciLevelBps(int v) {
            this.ciLevelBps = v;
            return this;
        }

        public Builder alpha0(double v) {
            this.alpha0 = v;
            return this;
        }

        public Builder evidencePerSource(double v) {
            this.evidencePerSource = v;
            return this;
        }

        public Builder maxEffectiveSampleSize(double v) {
            this.maxEffectiveSampleSize = v;
            return this;
        }

        public Builder priorDecay(double v) {
            this.priorDecay = v;
            return this;
        }

        public Builder probabilityFloor(double v) {
            this.probabilityFloor = v;
            return this;
        }

        public Builder outlierK(double v) {
            this.outlierK = v;
            return this;
        }

        public Builder madFloor(double v) {
            this.madFloor = v;
            return this;
        }

        public Builder minSourcesForScreening(int v) {
            this.minSourcesForScreening = v;
            return this;
        }

        public Builder divergenceScale(double v) {
            this.divergenceScale = v;
            return this;
        }

        public Builder divergenceWarn(double v) {
            this.divergenceWarn = v;
            return this;
        }

        public Builder divergenceBlock(double v) {
            this.divergenceBlock = v;
            return this;
        }

        public Builder minSourcesForDivergenceBlock(int v) {
            this.minSourcesForDivergenceBlock = v;
            return this;
        }

        public Builder ciWideBps(int v) {
            this.ciWideBps = v;
            return this;
        }

        public Builder jumpWarnBps(int v) {
            this.jumpWarnBps = v;
            return this;
        }

        public Builder riskWeights(RiskWeights v) {
            this.riskWeights = v;
            return this;
        }

        public QuantConfig build() {
            return new QuantConfig(model, ciLevelBps, alpha0, evidencePerSource, maxEffectiveSampleSize, priorDecay,
                    probabilityFloor, outlierK, madFloor, minSourcesForScreening, divergenceScale, divergenceWarn,
                    divergenceBlock, minSourcesForDivergenceBlock, ciWideBps, jumpWarnBps, riskWeights);
        }
    }
}
