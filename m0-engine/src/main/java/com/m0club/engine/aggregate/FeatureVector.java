package com.m0club.engine.aggregate;

import com.m0club.engine.canonical.EngineDigest;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.codec.CanonicalWriter;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the aggregator knows about one market at one tick: each fresh source's latest evidence, coverage, and quality
 * flags. Emitted on {@code m0.features} (keyed by market), at most once per (market, epoch, tick). Record schema
 * {@value #SCHEMA_VERSION}.
 *
 * <p>{@code featuresHash} is {@code sha256("M0_FEATURES_V1" || canonical_features)} (layout in {@link #canonicalBytes}
 * and docs/quant.md). The constructor recomputes it and refuses a record whose hash does not match, so a feature
 * vector read back from the log is verified on arrival; use {@link #of} to build one.
 *
 * @param market the market
 * @param epochId the epoch containing the tick
 * @param tick the tick index within the epoch
 * @param windowStartMs epoch window start (the bundle item's window)
 * @param windowEndMs epoch window end, exclusive
 * @param tickStartMs this tick's start
 * @param tickEndMs this tick's end, exclusive
 * @param asOfMs the time the evidence was read at (ages are measured from it)
 * @param stalenessLimitMs the domain's staleness limit in force
 * @param sources fresh evidence, one per source, ascending by source id
 * @param coverage expected, seen and dropped counts
 * @param qualityFlags LOW_COVERAGE, STALE_SOURCE, LATE_DATA_DROPPED as raised here
 * @param featuresHash hash of everything above except the trace id
 * @param traceId the trace id of the newest contributing event (or derived from the window key when none)
 */
public record FeatureVector(MarketId market, long epochId, long tick, long windowStartMs, long windowEndMs,
        long tickStartMs, long tickEndMs, long asOfMs, long stalenessLimitMs, List<SourceEvidence> sources,
        Coverage coverage, long qualityFlags, Hash32 featuresHash, String traceId) {

    public static final int SCHEMA_VERSION = 1;

    public FeatureVector {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(coverage, "coverage");
        Objects.requireNonNull(featuresHash, "features_hash");
        Objects.requireNonNull(traceId, "trace_id");
        sources = List.copyOf(sources);
        if (epochId < 0 || tick < 0 || tick > 0xFFFF_FFFFL || windowStartMs < 0 || asOfMs < 0) {
            throw new IllegalArgumentException("epoch_id, tick, window_start_ms, as_of_ms: must be >= 0 (tick a u32)");
        }
        if (windowEndMs <= windowStartMs || tickEndMs <= tickStartMs || tickStartMs < windowStartMs
                || tickEndMs > windowEndMs) {
            throw new IllegalArgumentException("window: need window_start <= tick_start < tick_end <= window_end, got"
                    + " window [" + windowStartMs + ", " + windowEndMs + ") tick [" + tickStartMs + ", " + tickEndMs
                    + ")");
        }
        if (stalenessLimitMs <= 0) {
            throw new IllegalArgumentException("staleness_limit_ms: must be > 0, got " + stalenessLimitMs);
        }
        if ((qualityFlags & ~QualityFlag.DEFINED_MASK) != 0) {
            throw new IllegalArgumentException("quality_flags: only protocol v1 flag bits 0..11 may be set");
        }
        if (coverage.sourcesSeen() != sources.size()) {
            throw new IllegalArgumentException("coverage.sources_seen: must equal the number of sources ("
                    + sources.size() + "), got " + coverage.sourcesSeen());
        }
        int outcomes = -1;
        for (int i = 0; i < sources.size(); i++) {
            SourceEvidence s = sources.get(i);
            if (i > 0 && sources.get(i - 1).source().compareTo(s.source()) >= 0) {
                throw new IllegalArgumentException("sources[" + i + "]: must be ascending by source id, unique");
            }
            if (outcomes >= 0 && s.probabilities().size() != outcomes) {
                throw new IllegalArgumentException("sources[" + i + "]: every source must cover the same outcomes");
            }
            outcomes = s.probabilities().size();
        }
        Hash32 expected = EngineDigest.FEATURES.hash(canonicalBytes(market, epochId, tick, windowStartMs, windowEndMs,
                tickStartMs, tickEndMs, asOfMs, stalenessLimitMs, sources, coverage, qualityFlags));
        if (!expected.equals(featuresHash)) {
            throw new IllegalArgumentException("features_hash: does not match the features (expected "
                    + expected.toHex() + ", got " + featuresHash.toHex() + ")");
        }
    }

    /** Builds a feature vector, computing its hash; sources may come in any order. */
    public static FeatureVector of(MarketId market, long epochId, long tick, long windowStartMs, long windowEndMs,
            long tickStartMs, long tickEndMs, long asOfMs, long stalenessLimitMs, List<SourceEvidence> sources,
            Coverage coverage, long qualityFlags, String traceId) {
        List<SourceEvidence> sorted = new ArrayList<>(sources);
        sorted.sort(Comparator.comparing(SourceEvidence::source));
        Hash32 hash = EngineDigest.FEATURES.hash(canonicalBytes(market, epochId, tick, windowStartMs, windowEndMs,
                tickStartMs, tickEndMs, asOfMs, stalenessLimitMs, sorted, coverage, qualityFlags));
        return new FeatureVector(market, epochId, tick, windowStartMs, windowEndMs, tickStartMs, tickEndMs, asOfMs,
                stalenessLimitMs, sorted, coverage, qualityFlags, hash, traceId);
    }

    public int sourcesSeen() {
        return coverage.sourcesSeen();
    }

    public int sourcesExpected() {
        return coverage.sourcesExpected();
    }

    /** {@code sha256("M0_WINDOW_V1" || u16 1 || str market || u64 epoch || u32 tick || u64 start || u64 end)}. */
    public Hash32 windowKey() {
        return windowKey(market, epochId, tick, windowStartMs, windowEndMs);
    }

    public static Hash32 windowKey(MarketId market, long epochId, long tick, long windowStartMs, long windowEndMs) {
        return EngineDigest.WINDOW.hash(new CanonicalWriter(96).u16(SCHEMA_VERSION).str(market.value()).u64(epochId)
                .u32(tick).u64(windowStartMs).u64(windowEndMs));
    }

    /**
     * The features preimage (after the tag), little-endian, reals as round_half_even(x * 10^9):
     *
     * <pre>
     *   u16 schema_version (= 1)
     *   str market_id, u64 epoch_id, u32 tick, u64 window_start_ms, u64 window_end_ms,
     *   u64 tick_start_ms, u64 tick_end_ms, u64 as_of_ms, u64 staleness_limit_ms,
     *   u16 sources_expected, u16 sources_seen, u16 sources_stale, u64 events_seen, u64 late_events_dropped,
     *   u32 quality_flags,
     *   u16 source_count, then per source ascending by source id:
     *     str source_id, [32] event_id, u8 kind, u64 event_time_ms, u64 age_ms, i64 margin_e9, u64 uncertainty_e9,
     *     u16 outcome_count, then per outcome ascending: str outcome_id, u64 p_e9
     * </pre>
     */
    static byte[] canonicalBytes(MarketId market, long epochId, long tick, long windowStartMs, long windowEndMs,
            long tickStartMs, long tickEndMs, long asOfMs, long stalenessLimitMs, List<SourceEvidence> sources,
            Coverage coverage, long qualityFlags) {
        CanonicalWriter w = new CanonicalWriter(256 + sources.size() * 160);
        w.u16(SCHEMA_VERSION).str(market.value()).u64(epochId).u32(tick).u64(windowStartMs).u64(windowEndMs)
                .u64(tickStartMs).u64(tickEndMs).u64(asOfMs).u64(stalenessLimitMs)
                .u16(coverage.sourcesExpected()).u16(coverage.sourcesSeen()).u16(coverage.sourcesStale())
                .u64(coverage.eventsSeen()).u64(coverage.lateEventsDropped())
                .u32(qualityFlags)
                .u16(sources.size());
        for (SourceEvidence s : sources) {
            w.str(s.source().value());
            w.raw(s.eventId().toByteArray());
            w.u8(s.kind().code()).u64(s.eventTimeMs()).u64(s.ageMs()).signedFixed9(s.margin())
                    .fixed9(s.uncertainty()).u16(s.probabilities().size());
            for (Map.Entry<OutcomeId, Double> e : s.probabilities().entrySet()) {
                w.str(e.getKey().value()).fixed9(e.getValue());
            }
        }
        return w.toByteArray();
    }

    /** The canonical preimage of this vector (for tests and the documentation's worked example). */
    public byte[] canonicalBytes() {
        return canonicalBytes(market, epochId, tick, windowStartMs, windowEndMs, tickStartMs, tickEndMs, asOfMs,
                stalenessLimitMs, sources, coverage, qualityFlags);
    }
}
