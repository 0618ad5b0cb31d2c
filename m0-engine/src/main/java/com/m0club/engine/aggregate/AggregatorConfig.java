package com.m0club.engine.aggregate;

import com.m0club.engine.market.StalenessLimits;
import com.m0club.protocol.id.MarketId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The aggregator's rules (docs/quant.md, "Aggregate").
 *
 * @param staleness per-domain limit after which a source's latest evidence is dropped (STALE_SOURCE)
 * @param minSources fewer fresh sources than this raise LOW_COVERAGE (default 2)
 * @param defaultSourcesExpected sources a market is expected to have unless overridden (default 3)
 * @param sourcesExpected per-market overrides
 * @param evictAfterStalenessMultiple a source silent for this many staleness limits is forgotten entirely, which
 *     bounds per-market state (default 10)
 * @param sourceHealthTtlMs a degraded connector report ({@code SourceHealth}) raises CONNECTOR_DEGRADED for this
 *     long after it was made (default 10 000 ms; the ingestor repeats it every 2 s while the connector stays degraded)
 */
public record AggregatorConfig(StalenessLimits staleness, int minSources, int defaultSourcesExpected,
        Map<MarketId, Integer> sourcesExpected, int evictAfterStalenessMultiple, long sourceHealthTtlMs) {

    public static final AggregatorConfig DEFAULTS = builder().build();

    public AggregatorConfig {
        Objects.requireNonNull(staleness, "aggregate.staleness");
        if (minSources < 1) {
            throw new IllegalArgumentException("aggregate.min_sources: must be >= 1, got " + minSources);
        }
        expected("aggregate.default_sources_expected", defaultSourcesExpected);
        sourcesExpected = Map.copyOf(Objects.requireNonNull(sourcesExpected, "aggregate.sources_expected"));
        sourcesExpected.forEach((m, n) -> expected("aggregate.sources_expected." + m, n));
        if (evictAfterStalenessMultiple < 1) {
            throw new IllegalArgumentException("aggregate.evict_after_staleness_multiple: must be >= 1, got "
                    + evictAfterStalenessMultiple);
        }
        if (sourceHealthTtlMs < 1 || sourceHealthTtlMs > 3_600_000) {
            throw new IllegalArgumentException("aggregate.source_health_ttl_ms: must be in 1..3600000, got "
                    + sourceHealthTtlMs);
        }
    }

    private static void expected(String field, int n) {
        if (n < 1 || n > 0xFFFF) {
            throw new IllegalArgumentException(field + ": must be in 1..65535, got " + n);
        }
    }

    /** Sources expected for {@code market}. */
    public int sourcesExpectedFor(MarketId market) {
        return sourcesExpected.getOrDefault(market, defaultSourcesExpected);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private StalenessLimits staleness = StalenessLimits.DEFAULTS;
        private int minSources = 2;
        private int defaultSourcesExpected = 3;
        private final Map<MarketId, Integer> sourcesExpected = new HashMap<>();
        private int evictAfterStalenessMultiple = 10;
        private long sourceHealthTtlMs = 10_000;

        private Builder() {}

        public Builder staleness(StalenessLimits v) {
            this.staleness = v;
            return this;
        }

        public Builder minSources(int v) {
            this.minSources = v;
            return this;
        }

        public Builder defaultSourcesExpected(int v) {
            this.defaultSourcesExpected = v;
            return this;
        }

        public Builder sourcesExpected(MarketId market, int n) {
            this.sourcesExpected.put(Objects.requireNonNull(market, "market"), n);
            return this;
        }

        public Builder evictAfterStalenessMultiple(int v) {
            this.evictAfterStalenessMultiple = v;
            return this;
        }

        public Builder sourceHealthTtlMs(long v) {
            this.sourceHealthTtlMs = v;
            return this;
        }

        public AggregatorConfig build() {
            return new AggregatorConfig(staleness, minSources, defaultSourcesExpected, sourcesExpected,
                    evictAfterStalenessMultiple, sourceHealthTtlMs);
        }
    }
}
