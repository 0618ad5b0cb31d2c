package com.m0club.bench;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.Distribution.DoubleOutcome;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.TaggedHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Deterministic inputs shared by the benchmarks: a realistic publish round of {@link #MARKETS} three-outcome markets
 * (HOME / DRAW / AWAY), built through the same public API a bundler uses. Nothing here is random, so every run
 * measures the same bytes.
 */
final class BenchData {
    /** Markets per bundle: the size the upstream latency target is stated for. */
    static final int MARKETS = 64;

    static final long SIGNER_SET_ID = 7;
    static final long SEQUENCE = 42;
    /** One-hour epoch window and a 5 s (NORMAL tier) cadence, the registry defaults. */
    static final long EPOCH_WINDOW_MS = 3_600_000L;
    static final long CADENCE_MS = 5_000L;
    /** 2026-01-01T00:00:00Z. */
    static final long ROUND_START_MS = 1_767_225_600_000L;
    static final long ROUND_END_MS = ROUND_START_MS + CADENCE_MS;

    private BenchData() {}

    /** Market ids {@code BENCH_MARKET_000} .. {@code BENCH_MARKET_063}. */
    static String marketId(int i) {
        return String.format("BENCH_MARKET_%03d", i);
    }

    /** The model output for market {@code i}: probabilities that vary per market and sum to 1. */
    static List<DoubleOutcome> modelOutput(int i) {
        double home = 0.30 + 0.004 * (i % 50);
        double draw = 0.25 - 0.001 * (i % 40);
        double away = 1.0 - home - draw;
        return List.of(
                DoubleOutcome.of("HOME", home, Math.max(0.0, home - 0.05), Math.min(1.0, home + 0.05)),
                DoubleOutcome.of("DRAW", draw, Math.max(0.0, draw - 0.04), Math.min(1.0, draw + 0.04)),
                DoubleOutcome.of("AWAY", away, Math.max(0.0, away - 0.05), Math.min(1.0, away + 0.05)));
    }

    /** Model outputs of every market, precomputed so that a benchmark can start from doubles. */
    static List<List<DoubleOutcome>> modelOutputs() {
        return perMarket(BenchData::modelOutput);
    }

    /** Market ids of every market, precomputed: a bundler gets them from the registry, it does not format them. */
    static List<String> marketIds() {
        return perMarket(BenchData::marketId);
    }

    static Hash32 featuresHash(int i) {
        return TaggedHash.of(HashTag.LEAF, ("features/" + marketId(i)).getBytes(StandardCharsets.US_ASCII));
    }

    static List<Hash32> featuresHashes() {
        return perMarket(BenchData::featuresHash);
    }

    /** {@code f(0) .. f(MARKETS - 1)}. */
    private static <T> List<T> perMarket(IntFunction<T> f) {
        List<T> out = new ArrayList<>(MARKETS);
        for (int i = 0; i < MARKETS; i++) {
            out.add(f.apply(i));
        }
        return out;
    }

    static BundleHeader header() {
        return new BundleHeader(SIGNER_SET_ID, SEQUENCE, ROUND_START_MS, ROUND_END_MS, ROUND_END_MS + 250);
    }

    /**
     * Builds the bundle from model doubles: market id validation, fixed-point conversion
     * ({@link Distribution#fromDoubles}), item validation and canonical sort. This is the "construction" half of the upstream build+hash target.
     */
    static Bundle buildBundle(List<String> marketIds, List<List<DoubleOutcome>> outputs, List<Hash32> features) {
        long epochId = ROUND_START_MS / EPOCH_WINDOW_MS;
        long windowStart = epochId * EPOCH_WINDOW_MS;
        long tick = (ROUND_START_MS - windowStart) / CADENCE_MS;
        List<BundleItem> items = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            items.add(BundleItem.builder()
                    .market(marketIds.get(i))
                    .epoch(epochId, windowStart, windowStart + EPOCH_WINDOW_MS)
                    .tick(tick)
                    .distribution(Distribution.fromDoubles(outputs.get(i)))
                    .ciLevelBps(9500)
                    .riskScoreBps(1_200 + 10 * i)
                    .qualityFlags(0)
                    .model("logpool-dirichlet", "1.0.0")
                    .featuresHash(features.get(i))
                    .build());
        }
        return Bundle.of(header(), items);
    }

    static Bundle bundle() {
        return buildBundle(marketIds(), modelOutputs(), featuresHashes());
    }
}
