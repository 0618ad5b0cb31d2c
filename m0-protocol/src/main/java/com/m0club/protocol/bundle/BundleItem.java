package com.m0club.protocol.bundle;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import java.util.List;
import java.util.Optional;

/**
 * One market's published value in a bundle: the distribution at one tick of one epoch, with its interval level, risk,
 * quality flags, and what produced it. One item is one merkle leaf, so a consumer can prove a single market from the
 * bundle hash.
 *
 * <p>Window rule (origin 0): {@code window_end_ms - window_start_ms = W > 0} and {@code window_start_ms =
 * epoch_id * W}. Whether {@code W} and the tick match the market's registry entry is checked where the registry is
 * known (the ledger and the signer agents); the codec checks only what the bytes alone can show.
 */
public record BundleItem(
        MarketId marketId,
        long epochId,
        long tick,
        long windowStartMs,
        long windowEndMs,
        Distribution distribution,
        int ciLevelBps,
        int riskScoreBps,
        long qualityFlags,
        ModelRef model,
        Optional<Hash32> calibrationHash,
        Optional<Hash32> featuresHash) {

    public static final int VERSION = 1;
    /** The interval levels protocol v1 allows, in basis points, ascending (immutable). */
    public static final List<Integer> CI_LEVELS_BPS = List.of(9000, 9500, 9900);

    public BundleItem {
        Checks.notNull("market_id", marketId);
        Checks.u64("epoch_id", epochId);
        Checks.u32("tick", tick);
        Checks.u64("window_start_ms", windowStartMs);
        Checks.u64("window_end_ms", windowEndMs);
        Checks.notNull("outcomes", distribution);
        Checks.notNull("model", model);
        Checks.notNull("calibration_hash", calibrationHash);
        Checks.notNull("features_hash", featuresHash);
        if (windowEndMs <= windowStartMs) {
            throw new ProtocolException(ErrorCode.INCONSISTENT_WINDOW, "window_end_ms",
                    "must be greater than window_start_ms (" + windowStartMs + "), got " + windowEndMs);
        }
        long width = windowEndMs - windowStartMs;
        if (windowStartMs % width != 0 || windowStartMs / width != epochId) {
            throw new ProtocolException(ErrorCode.INCONSISTENT_WINDOW, "epoch_id",
                    "must equal window_start_ms / (window_end_ms - window_start_ms) with the window on the epoch grid"
                            + " (origin 0); got epoch_id=" + epochId + " window=[" + windowStartMs + ", "
                            + windowEndMs + ")");
        }
        if (!CI_LEVELS_BPS.contains(ciLevelBps)) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "ci_level_bps",
                    "must be one of 9000, 9500, 9900, got " + ciLevelBps);
        }
        Checks.range("risk_score", riskScoreBps, 0, 10_000);
        Checks.u32("quality_flags", qualityFlags);
        if ((qualityFlags & ~QualityFlag.DEFINED_MASK) != 0) {
            throw new ProtocolException(ErrorCode.RESERVED_BITS, "quality_flags",
                    "bits 12..31 are reserved and must be zero, got 0x" + Long.toHexString(qualityFlags));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for items; every field without a default must be set. */
    public static final class Builder {
        private MarketId marketId;
        private long epochId = -1;
        private long tick = -1;
        private long windowStartMs = -1;
        private long windowEndMs = -1;
        private Distribution distribution;
        private int ciLevelBps = 9500;
        private int riskScoreBps;
        private long qualityFlags;
        private ModelRef model;
        private Optional<Hash32> calibrationHash = Optional.empty();
        private Optional<Hash32> featuresHash = Optional.empty();

        private Builder() {}

        public Builder market(MarketId marketId) {
            this.marketId = marketId;
            return this;
        }

        public Builder market(String marketId) {
            return market(MarketId.of(marketId));
        }

        /** Sets epoch id and window from the epoch. */
        public Builder epoch(long epochId, long windowStartMs, long windowEndMs) {
            this.epochId = epochId;
            this.windowStartMs = windowStartMs;
            this.windowEndMs = windowEndMs;
            return this;
        }

        public Builder tick(long tick) {
            this.tick = tick;
            return this;
        }

        public Builder distribution(Distribution distribution) {
            this.distribution = distribution;
            return this;
        }

        public Builder ciLevelBps(int ciLevelBps) {
            this.ciLevelBps = ciLevelBps;
            return this;
        }

        public Builder riskScoreBps(int riskScoreBps) {
            this.riskScoreBps = riskScoreBps;
            return this;
        }

        public Builder qualityFlags(long qualityFlags) {
            this.qualityFlags = qualityFlags;
            return this;
        }

        public Builder model(String modelId, String modelVersion) {
            this.model = ModelRef.of(modelId, modelVersion);
            return this;
        }

        public Builder calibrationHash(Hash32 hash) {
            this.calibrationHash = Optional.of(hash);
            return this;
        }

        public Builder featuresHash(Hash32 hash) {
            this.featuresHash = Optional.of(hash);
            return this;
        }

        public BundleItem build() {
            require(epochId >= 0, "epoch_id");
            require(tick >= 0, "tick");
            return new BundleItem(marketId, epochId, tick, windowStartMs, windowEndMs, distribution, ciLevelBps,
                    riskScoreBps, qualityFlags, model, calibrationHash, featuresHash);
        }

        private static void require(boolean set, String field) {
            if (!set) {
                throw new ProtocolException(ErrorCode.EMPTY, field, "is required");
            }
        }
    }
}
