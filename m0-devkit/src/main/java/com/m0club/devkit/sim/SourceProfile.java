package com.m0club.devkit.sim;

import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.id.SourceId;
import java.util.Objects;

/**
 * One simulated source's character: what it quotes, how well it sees the truth, and how it fails.
 *
 * @param id the source id on every quote
 * @param kind bookmaker odds (with a Shin-model margin) or exchange mid prices (with a spread)
 * @param noiseSd per-quote Gaussian noise on each outcome's logit
 * @param biasSd standard deviation of the source's fixed per-(market, outcome) logit bias
 * @param latencyMs the quote describes the truth this long ago (information lag)
 * @param margin bookmaker overround {@code sum(1/odds) - 1} the quote is built with; ignored for exchanges
 * @param spread exchange bid-ask spread in probability units, reported on the quote; ignored for bookmakers
 * @param updateIntervalMs mean time between quotes (each gap is uniform in [0.5, 1.5] times this)
 * @param outageProbability chance per update of going dark
 * @param meanOutageMs mean length of an outage (exponential)
 * @param behaviour honest or adversarial
 */
public record SourceProfile(SourceId id, QuoteKind kind, double noiseSd, double biasSd, long latencyMs, double margin,
        double spread, long updateIntervalMs, double outageProbability, long meanOutageMs,
        SourceBehaviour behaviour) {

    public SourceProfile {
        Objects.requireNonNull(id, "source.id");
        Objects.requireNonNull(kind, "source.kind");
        Objects.requireNonNull(behaviour, "source.behaviour");
        range("source.noise_sd", noiseSd, 0, 5);
        range("source.bias_sd", biasSd, 0, 5);
        if (latencyMs < 0) {
            throw new IllegalArgumentException("source.latency_ms: must be >= 0, got " + latencyMs);
        }
        range("source.margin", margin, 0, 0.5);
        range("source.spread", spread, 0, 0.5);
        if (updateIntervalMs <= 0) {
            throw new IllegalArgumentException("source.update_interval_ms: must be > 0, got " + updateIntervalMs);
        }
        range("source.outage_probability", outageProbability, 0, 1);
        if (meanOutageMs <= 0) {
            throw new IllegalArgumentException("source.mean_outage_ms: must be > 0, got " + meanOutageMs);
        }
    }

    private static void range(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(field + ": must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    public static Builder builder(String id, QuoteKind kind) {
        return new Builder(SourceId.of(id), kind);
    }

    /** Builder with moderate honest defaults. */
    public static final class Builder {
        private final SourceId id;
        private final QuoteKind kind;
        private double noiseSd = 0.15;
        private double biasSd = 0.05;
        private long latencyMs = 1_000;
        private double margin = 0.05;
        private double spread = 0.02;
        private long updateIntervalMs = 5_000;
        private double outageProbability = 0.005;
        private long meanOutageMs = 20_000;
        private SourceBehaviour behaviour = new SourceBehaviour.Honest();

        private Builder(SourceId id, QuoteKind kind) {
            this.id = id;
            this.kind = kind;
        }

        public Builder noiseSd(double v) {
            this.noiseSd = v;
            return this;
        }

        public Builder biasSd(double v) {
            this.biasSd = v;
            return this;
        }

        public Builder latencyMs(long v) {
            this.latencyMs = v;
            return this;
        }

        public Builder margin(double v) {
            this.margin = v;
            return this;
        }

        public Builder spread(double v) {
            this.spread = v;
            return this;
        }

        public Builder updateIntervalMs(long v) {
            this.updateIntervalMs = v;
            return this;
        }

        public Builder outage(double probabilityPerUpdate, long meanOutageMs) {
            this.outageProbability = probabilityPerUpdate;
            this.meanOutageMs = meanOutageMs;
            return this;
        }

        public Builder behaviour(SourceBehaviour v) {
            this.behaviour = v;
            return this;
        }

        public SourceProfile build() {
            return new SourceProfile(id, kind, noiseSd, biasSd, latencyMs, margin, spread, updateIntervalMs,
                    outageProbability, meanOutageMs, behaviour);
        }
    }
}
