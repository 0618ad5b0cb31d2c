package com.m0club.devkit.sim;

import com.m0club.engine.source.QuoteKind;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Market;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The ground-truth market simulator (docs/quant.md, "Ground truth: the simulator"): for each market a hidden true
 * probability path, and a set of sources that observe it with their own noise, bias, latency, margin, update rate and
 * outages, some of them adversarial. It is the default source of {@code m0 dev} and the reference every forecast is
 * scored against.
 *
 * <p>Fully deterministic from the seed: the same seed and markets give the same quotes for the same time, however the
 * caller steps there ({@code advanceTo(60_000)} once equals {@code advanceTo(30_000)} then {@code advanceTo(60_000)}).
 * Every market's truth and every (market, source) pair has its own {@link SplittableRandom} derived from the seed and
 * their ids; no generator is shared.
 *
 * <pre>{@code
 * Simulator sim = Simulator.builder().seed(42).markets(markets).sourcesPerMarket(5).adversarialPerMarket(1).build();
 * List<SourceQuote> quotes = sim.advanceTo(60_000);   // quotes with event time in (previous, 60000]
 * double[] truth = sim.truth(marketId, 60_000);       // for scoring
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives a simulator.
 */
public final class Simulator {
    private final long seed;
    private final long startMs;
    private final long retentionMs;
    private final List<SourceProfile> profiles;
    private final Map<MarketId, MarketSimulator> markets;
    private long advancedToMs;

    private Simulator(Builder b, List<SourceProfile> profiles) {
        this.seed = b.seed;
        this.startMs = b.startMs;
        this.retentionMs = b.truthRetentionMs;
        this.profiles = List.copyOf(profiles);
        Map<MarketId, MarketSimulator> map = new LinkedHashMap<>();
        b.markets.stream().sorted(Comparator.comparing(Market::id)).forEach(m -> map.put(m.id(),
                new MarketSimulator(m, seed, b.dynamics, this.profiles, startMs)));
        this.markets = map;
        this.advancedToMs = startMs - 1;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every quote emitted with event time in {@code (previous call's time, timeMs]}, ordered by (event time, market
     * id, source id). The first call covers {@code [startMs, timeMs]}.
     *
     * @throws IllegalArgumentException if {@code timeMs} is before the previous call's time
     */
    public List<SourceQuote> advanceTo(long timeMs) {
        if (timeMs < advancedToMs) {
            throw new IllegalArgumentException("time_ms: the simulator cannot go back from " + advancedToMs + " to "
                    + timeMs);
        }
        List<SourceQuote> out = new ArrayList<>();
        for (MarketSimulator m : markets.values()) {
            m.emitUpTo(timeMs, out);
            m.trimTruthBefore(timeMs - retentionMs);
        }
        out.sort(Comparator.comparingLong(SourceQuote::eventTimeMs)
                .thenComparing(SourceQuote::market)
                .thenComparing(SourceQuote::source));
        advancedToMs = timeMs;
        return out;
    }

    /** The true probability vector of {@code market} at {@code timeMs}, in canonical outcome order. */
    public double[] truth(MarketId market, long timeMs) {
        return market(market).truth(timeMs);
    }

    /** The outcome {@code market} resolves to if it settles at {@code timeMs} (a draw from the truth then). */
    public OutcomeId resolve(MarketId market, long timeMs) {
        return market(market).resolve(timeMs);
    }

    /** The simulator of one market. */
    public MarketSimulator market(MarketId market) {
        MarketSimulator m = markets.get(Objects.requireNonNull(market, "market"));
        if (m == null) {
            throw new IllegalArgumentException("market: " + market + " is not simulated");
        }
        return m;
    }

    public Optional<MarketSimulator> find(MarketId market) {
        return Optional.ofNullable(markets.get(market));
    }

    /** The simulated markets in canonical order. */
    public List<Market> markets() {
        return markets.values().stream().map(MarketSimulator::market).toList();
    }

    /** The source profiles every market is quoted by. */
    public List<SourceProfile> sourceProfiles() {
        return profiles;
    }

    public long seed() {
        return seed;
    }

    public long startMs() {
        return startMs;
    }

    /** The last time passed to {@link #advanceTo} ({@code startMs - 1} before the first call). */
    public long advancedToMs() {
        return advancedToMs;
    }

    /** Builder; {@code seed} and {@code markets} are required. */
    public static final class Builder {
        private Long seed;
        private List<Market> markets = List.of();
        private int sourcesPerMarket = 5;
        private int adversarialPerMarket;
        private List<SourceProfile> explicitProfiles;
        private long startMs;
        private TruthDynamics dynamics = TruthDynamics.DEFAULTS;
        private long truthRetentionMs = 2 * 3_600_000L;

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder markets(List<Market> markets) {
            this.markets = List.copyOf(Objects.requireNonNull(markets, "markets"));
            return this;
        }

        /** Generated sources per market (default 5); ignored when {@link #sourceProfiles} is set. */
        public Builder sourcesPerMarket(int n) {
            this.sourcesPerMarket = n;
            return this;
        }

        /**
         * How many of the generated sources are adversarial (default 0): the last ones, alternating manipulated
         * (+1.5 logit toward one outcome) and stuck (frozen 1 to 5 minutes in).
         */
        public Builder adversarialPerMarket(int n) {
            this.adversarialPerMarket = n;
            return this;
        }

        /** Explicit sources instead of generated ones; every market is quoted by all of them. */
        public Builder sourceProfiles(List<SourceProfile> profiles) {
            this.explicitProfiles = List.copyOf(Objects.requireNonNull(profiles, "profiles"));
            return this;
        }

        /** Simulation start (UTC ms, default 0): the truth path's origin and the first possible quote time. */
        public Builder startMs(long startMs) {
            this.startMs = startMs;
            return this;
        }

        public Builder truthDynamics(TruthDynamics dynamics) {
            this.dynamics = Objects.requireNonNull(dynamics, "dynamics");
            return this;
        }

        /** How far back {@link Simulator#truth} can look behind the current time (default 2 hours). */
        public Builder truthRetentionMs(long ms) {
            this.truthRetentionMs = ms;
            return this;
        }

        public Simulator build() {
            if (seed == null) {
                throw new IllegalArgumentException("seed: is required (a simulation is only reproducible from it)");
            }
            if (markets.isEmpty()) {
                throw new IllegalArgumentException("markets: at least one market is required");
            }
            Set<MarketId> seen = new HashSet<>();
            for (Market m : markets) {
                if (!seen.add(m.id())) {
                    throw new IllegalArgumentException("markets: market " + m.id() + " appears twice");
                }
            }
            if (startMs < 0) {
                throw new IllegalArgumentException("start_ms: must be >= 0, got " + startMs);
            }
            List<SourceProfile> profiles = explicitProfiles != null ? explicitProfiles : generatedProfiles();
            if (profiles.isEmpty()) {
                throw new IllegalArgumentException("sources: at least one source per market is required");
            }
            Set<String> ids = new HashSet<>();
            long maxLatency = 0;
            for (SourceProfile p : profiles) {
                if (!ids.add(p.id().value())) {
                    throw new IllegalArgumentException("sources: source " + p.id() + " appears twice");
                }
                maxLatency = Math.max(maxLatency, p.latencyMs());
            }
            if (truthRetentionMs <= maxLatency + dynamics.stepMs()) {
                throw new IllegalArgumentException("truth_retention_ms: must exceed the largest source latency ("
                        + maxLatency + " ms) plus one truth step, got " + truthRetentionMs);
            }
            return new Simulator(this, profiles);
        }

        private List<SourceProfile> generatedProfiles() {
            if (sourcesPerMarket < 1 || sourcesPerMarket > 64) {
                throw new IllegalArgumentException("sources_per_market: must be in 1..64, got " + sourcesPerMarket);
            }
            if (adversarialPerMarket < 0 || adversarialPerMarket > sourcesPerMarket) {
                throw new IllegalArgumentException("adversarial_per_market: must be in 0.." + sourcesPerMarket
                        + ", got " + adversarialPerMarket);
            }
            List<SourceProfile> out = new ArrayList<>(sourcesPerMarket);
            for (int i = 1; i <= sourcesPerMarket; i++) {
                out.add(generatedProfile(i));
            }
            return out;
        }

        /** Source i's character, from its own stream (so source i is the same whatever n is). */
        private SourceProfile generatedProfile(int i) {
            SplittableRandom r = SimRandom.stream(seed, "profile", Integer.toString(i));
            QuoteKind kind = i % 3 == 0 ? QuoteKind.EXCHANGE_PRICE : QuoteKind.BOOKMAKER_ODDS;
            String id = (kind == QuoteKind.EXCHANGE_PRICE ? "sim.exch-" : "sim.book-") + i;
            SourceProfile.Builder b = SourceProfile.builder(id, kind)
                    .noiseSd(SimRandom.uniform(r, 0.05, 0.25))
                    .biasSd(0.05)
                    .latencyMs((long) SimRandom.uniform(r, 0, 3_000))
                    .margin(SimRandom.uniform(r, 0.02, 0.08))
                    .spread(SimRandom.uniform(r, 0.01, 0.04))
                    .updateIntervalMs((long) SimRandom.uniform(r, 2_000, 8_000))
                    .outage(0.005, 20_000);
            double stuckAfter = SimRandom.uniform(r, 60_000, 300_000);
            int fromEnd = sourcesPerMarket - i; // 0 for the last source
            if (fromEnd < adversarialPerMarket) {
                b.behaviour(fromEnd % 2 == 0 ? new SourceBehaviour.Manipulated(1.5)
                        : new SourceBehaviour.Stuck((long) stuckAfter));
            }
            return b.build();
        }
    }

    /** Used by tests and the replay writer to name what a run was. */
    @Override
    public String toString() {
        return "Simulator[seed=" + seed + ", markets=" + markets.keySet() + ", sources="
                + profiles.stream().map(p -> p.id().value()).toList() + "]";
    }
}
