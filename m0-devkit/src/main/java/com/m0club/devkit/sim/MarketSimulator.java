package com.m0club.devkit.sim;

import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Market;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated market: its hidden truth path and the sources quoting it. Built by {@link Simulator}; every random
 * stream is derived from the run seed, the market id and (for sources) the source id. Not thread-safe.
 */
public final class MarketSimulator {
    private final Market market;
    private final long seed;
    private final TruthPath truth;
    private final List<SimulatedSource> sources;

    MarketSimulator(Market market, long seed, TruthDynamics dynamics, List<SourceProfile> profiles, long startMs) {
        this.market = market;
        this.seed = seed;
        String id = market.id().value();
        this.truth = new TruthPath(market.outcomes().size(), SimRandom.stream(seed, "truth", id), dynamics, startMs);
        List<SimulatedSource> list = new ArrayList<>(profiles.size());
        for (SourceProfile p : profiles) {
            SplittableRandom rng = SimRandom.stream(seed, "source", id, p.id().value());
            list.add(new SimulatedSource(market, p, truth, rng, startMs));
        }
        this.sources = List.copyOf(list);
    }

    public Market market() {
        return market;
    }

    public List<SimulatedSource> sources() {
        return sources;
    }

    /** The true probabilities at {@code timeMs}, in the market's canonical outcome order. */
    public double[] truth(long timeMs) {
        return truth.probabilitiesAt(timeMs);
    }

    /**
     * The outcome the market resolves to if it settles at {@code timeMs}: one draw from the truth at that time, from a
     * stream named by the market and the time (so the answer does not depend on what else was asked).
     */
    public OutcomeId resolve(long timeMs) {
        double[] p = truth(timeMs);
        double u = SimRandom.stream(seed, "resolve", market.id().value(), Long.toString(timeMs)).nextDouble();
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i];
            if (u < cumulative) {
                return market.outcomes().get(i);
            }
        }
        return market.outcomes().get(p.length - 1);
    }

    void emitUpTo(long timeMs, List<SourceQuote> out) {
        for (SimulatedSource s : sources) {
            s.emitUpTo(timeMs, out);
        }
    }

    void trimTruthBefore(long timeMs) {
        truth.trimBefore(timeMs);
    }
}
