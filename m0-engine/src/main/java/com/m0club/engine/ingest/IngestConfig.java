package com.m0club.engine.ingest;

import com.m0club.engine.market.StalenessLimits;
import java.util.Objects;

/**
 * Ingest's rules (docs/quant.md, "Ingest").
 *
 * @param maxClockSkewMs how far an event time may lie ahead of the ingest clock (default 15 000, the protocol's
 *     production skew)
 * @param staleness per-domain age limit of an event at ingest
 * @param dedupCapacity how many accepted event ids the dedup window remembers (default 100 000)
 * @param maxExchangeSumDeviation largest accepted {@code |sum(mid prices) - 1|} (default 0.25): a book that far off
 *     is a broken feed, not a margin
 */
public record IngestConfig(long maxClockSkewMs, StalenessLimits staleness, int dedupCapacity,
        double maxExchangeSumDeviation) {

    public static final IngestConfig DEFAULTS = builder().build();

    public IngestConfig {
        if (maxClockSkewMs < 0) {
            throw new IllegalArgumentException("ingest.max_clock_skew_ms: must be >= 0, got " + maxClockSkewMs);
        }
        Objects.requireNonNull(staleness, "ingest.staleness");
        if (dedupCapacity < 1) {
            throw new IllegalArgumentException("ingest.dedup_capacity: must be >= 1, got " + dedupCapacity);
        }
        if (!(maxExchangeSumDeviation > 0 && maxExchangeSumDeviation < 1)) {
            throw new IllegalArgumentException("ingest.max_exchange_sum_deviation: must be in (0, 1), got "
                    + maxExchangeSumDeviation);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private long maxClockSkewMs = 15_000;
        private StalenessLimits staleness = StalenessLimits.DEFAULTS;
        private int dedupCapacity = 100_000;
        private double maxExchangeSumDeviation = 0.25;

        private Builder() {}

        public Builder maxClockSkewMs(long v) {
            this.maxClockSkewMs = v;
            return this;
        }

        public Builder staleness(StalenessLimits v) {
            this.staleness = v;
            return this;
        }

        public Builder dedupCapacity(int v) {
            this.dedupCapacity = v;
            return this;
        }

        public Builder maxExchangeSumDeviation(double v) {
            this.maxExchangeSumDeviation = v;
            return this;
        }

        public IngestConfig build() {
            return new IngestConfig(maxClockSkewMs, staleness, dedupCapacity, maxExchangeSumDeviation);
        }
    }
}
