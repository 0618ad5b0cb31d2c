package com.m0club.engine.quant;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import java.util.Objects;
import java.util.Optional;

/**
 * The quant stage's decision for one market at one tick, emitted on {@code m0.outputs} (keyed by market). Record
 * schema {@value #SCHEMA_VERSION}.
 *
 * <p>Either publishable ({@code distribution} present, {@code blockedReason} empty) or blocked ({@code blockedReason}
 * present, {@code distribution} empty): a blocked market publishes nothing for that tick, and the reason travels to
 * metrics and the API.
 *
 * @param market the market
 * @param epochId epoch of the tick
 * @param tick tick index within the epoch
 * @param windowStartMs epoch window start
 * @param windowEndMs epoch window end, exclusive
 * @param distribution fixed-point probabilities with intervals (from {@link Distribution#fromDoubles}); empty if blocked
 * @param ciLevelBps interval level
 * @param riskScoreBps risk 0..10000
 * @param qualityFlags protocol quality flags, OR-ed over the stages
 * @param model which model produced it
 * @param calibrationHash the calibration artifact applied; empty means identity calibration
 * @param featuresHash the feature vector this was computed from
 * @param producedAtMs when the quant stage produced it (injected clock)
 * @param traceId carried from the feature vector
 * @param blockedReason the guardrail's {@link BlockReason#code()} when blocked
 * @param diagnostics intermediate values, not published
 */
public record ModelOutput(MarketId market, long epochId, long tick, long windowStartMs, long windowEndMs,
        Optional<Distribution> distribution, int ciLevelBps, int riskScoreBps, long qualityFlags, ModelRef model,
        Optional<Hash32> calibrationHash, Hash32 featuresHash, long producedAtMs, String traceId,
        Optional<String> blockedReason, ModelDiagnostics diagnostics) {

    public static final int SCHEMA_VERSION = 1;

    public ModelOutput {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(distribution, "distribution");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(calibrationHash, "calibration_hash");
        Objects.requireNonNull(featuresHash, "features_hash");
        Objects.requireNonNull(traceId, "trace_id");
        Objects.requireNonNull(blockedReason, "blocked_reason");
        Objects.requireNonNull(diagnostics, "diagnostics");
        if (distribution.isPresent() == blockedReason.isPresent()) {
            throw new IllegalArgumentException("distribution, blocked_reason: exactly one must be present (a blocked"
                    + " output carries no distribution), got distribution=" + distribution.isPresent()
                    + " blocked_reason=" + blockedReason);
        }
        if (ciLevelBps != 9000 && ciLevelBps != 9500 && ciLevelBps != 9900) {
            throw new IllegalArgumentException("ci_level_bps: must be 9000, 9500 or 9900, got " + ciLevelBps);
        }
        if (riskScoreBps < 0 || riskScoreBps > 10_000) {
            throw new IllegalArgumentException("risk_score: must be in 0..10000, got " + riskScoreBps);
        }
        if ((qualityFlags & ~QualityFlag.DEFINED_MASK) != 0) {
            throw new IllegalArgumentException("quality_flags: only protocol v1 flag bits 0..11 may be set");
        }
        if (epochId < 0 || tick < 0 || windowEndMs <= windowStartMs || producedAtMs < 0) {
            throw new IllegalArgumentException("epoch_id, tick, window, produced_at_ms: out of range");
        }
    }

    public boolean isBlocked() {
        return blockedReason.isPresent();
    }

    /**
     * The bundle item for this output (features hash included).
     *
     * @throws IllegalStateException if the output is blocked: blocked outputs are never published
     */
    public BundleItem toBundleItem() {
        Distribution d = distribution.orElseThrow(() -> new IllegalStateException("market " + market + " epoch "
                + epochId + " tick " + tick + " is blocked (" + blockedReason.orElse("?")
                + "); blocked outputs are never published"));
        return new BundleItem(market, epochId, tick, windowStartMs, windowEndMs, d, ciLevelBps, riskScoreBps,
                qualityFlags, model, calibrationHash, Optional.of(featuresHash));
    }
}
