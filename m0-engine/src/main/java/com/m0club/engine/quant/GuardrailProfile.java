package com.m0club.engine.quant;

/**
 * The global guardrail policy profiles ({@code M0_MARKET_TIER_POLICY}, docs/protocol.md "Statuses"): how readily the
 * quant stage warns and blocks. {@link #NORMAL} is {@link QuantConfig#DEFAULTS}; {@link #STRICT} flags and blocks on
 * less disagreement, a smaller jump and a narrower interval, and screens outliers harder; {@link #PERMISSIVE} the
 * reverse. Each threshold is ordered STRICT &lt;= NORMAL &lt;= PERMISSIVE.
 *
 * <p>Why these three knobs: they are the guardrails a consumer sees (a blocked market, the SOURCE_DIVERGENCE, JUMP
 * and CI_WIDE flags); the estimator itself (pooling, evidence, priors) is the same under every profile. Per-market and
 * per-domain overrides (precedence market &gt; domain &gt; global &gt; built-in) come with the guardrail policies of
 * the forecast-quality work; this is the global layer.
 */
public enum GuardrailProfile {
    PERMISSIVE(0.65, 0.95, 7_000, 1_200, 4.0),
    NORMAL(0.5, 0.85, 5_500, 800, 3.0),
    STRICT(0.35, 0.65, 4_000, 500, 2.5);

    private final double divergenceWarn;
    private final double divergenceBlock;
    private final int ciWideBps;
    private final int jumpWarnBps;
    private final double outlierK;

    GuardrailProfile(double divergenceWarn, double divergenceBlock, int ciWideBps, int jumpWarnBps,
            double outlierK) {
        this.divergenceWarn = divergenceWarn;
        this.divergenceBlock = divergenceBlock;
        this.ciWideBps = ciWideBps;
        this.jumpWarnBps = jumpWarnBps;
        this.outlierK = outlierK;
    }

    /** {@code builder} with this profile's guardrail thresholds set; every other setting is left as it was. */
    public QuantConfig.Builder applyTo(QuantConfig.Builder builder) {
        return builder.divergenceWarn(divergenceWarn).divergenceBlock(divergenceBlock).ciWideBps(ciWideBps)
                .jumpWarnBps(jumpWarnBps).outlierK(outlierK);
    }

    /** The default quant configuration under this profile. */
    public QuantConfig config() {
        return applyTo(QuantConfig.builder()).build();
    }
}
