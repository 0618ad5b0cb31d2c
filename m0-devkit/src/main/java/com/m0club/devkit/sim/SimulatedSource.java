package com.m0club.devkit.sim;

import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Market;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One source quoting one market: a sequential process over its own emission times, drawing from its own stream, so
 * that the quotes it emits up to a time do not depend on how the caller stepped there. Not thread-safe.
 *
 * <p>Each emission, in this fixed order: outage check (skip while dark; may go dark), the frozen quote if stuck, else
 * an observation {@code softmax(x(t - latency) + bias + noiseSd * N(0, I) [+ shift on the target])} turned into odds
 * (Shin model forward, docs/quant.md) or prices; then a trace id; then the gap to the next emission.
 */
public final class SimulatedSource {
    /** Bookmakers print odds to two decimals, never below 1.01 and not above 1000. */
    static final double MIN_ODDS = 1.01;
    static final double MAX_ODDS = 1000.0;
    /** Exchanges trade in ticks of 0.001 between 0.001 and 0.999. */
    static final double PRICE_TICK = 0.001;

    private final Market market;
    private final List<OutcomeId> outcomes;
    private final SourceProfile profile;
    private final TruthPath truth;
    private final SplittableRandom rng;
    private final long startMs;
    private final double[] bias;
    private final int manipulatedOutcome;

    private long nextEmitMs;
    private long outageUntilMs = Long.MIN_VALUE;
    private QuotePayload frozen;

    SimulatedSource(Market market, SourceProfile profile, TruthPath truth, SplittableRandom rng, long startMs) {
        this.market = market;
        this.outcomes = market.outcomes();
        this.profile = profile;
        this.truth = truth;
        this.rng = rng;
        this.startMs = startMs;
        this.bias = new double[outcomes.size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = profile.biasSd() * SimRandom.gaussian(rng);
        }
        this.manipulatedOutcome = rng.nextInt(outcomes.size());
        this.nextEmitMs = startMs + (long) StrictMath.floor(rng.nextDouble() * profile.updateIntervalMs());
    }

    public SourceProfile profile() {
        return profile;
    }

    public Market market() {
        return market;
    }

    /** The outcome a {@link SourceBehaviour.Manipulated} source pushes (meaningless for other behaviours). */
    public OutcomeId manipulatedOutcome() {
        return outcomes.get(manipulatedOutcome);
    }

    /** Appends every quote this source emits at times {@code <= timeMs} and not yet emitted. */
    void emitUpTo(long timeMs, List<SourceQuote> out) {
        while (nextEmitMs <= timeMs) {
            long at = nextEmitMs;
            emitAt(at).ifPresent(out::add);
            long gap = (long) StrictMath.floor(profile.updateIntervalMs() * (0.5 + rng.nextDouble()));
            nextEmitMs = at + Math.max(1L, gap);
        }
    }

    private Optional<SourceQuote> emitAt(long at) {
        if (at < outageUntilMs) {
            return Optional.empty();
        }
        if (rng.nextDouble() < profile.outageProbability()) {
            outageUntilMs = at + SimRandom.exponentialMs(rng, profile.meanOutageMs());
            return Optional.empty();
        }
        QuotePayload payload;
        boolean stuckNow = profile.behaviour() instanceof SourceBehaviour.Stuck s && at - startMs >= s.afterMs();
        if (stuckNow && frozen != null) {
            payload = frozen;
        } else {
            payload = observe(at);
            if (stuckNow) {
                frozen = payload;
            }
        }
        return Optional.of(new SourceQuote(profile.id(), market.id(), at, payload, SimRandom.traceId(rng)));
    }

    private QuotePayload observe(long at) {
        double[] x = truth.logitsAt(Math.max(startMs, at - profile.latencyMs()));
        for (int i = 0; i < x.length; i++) {
            x[i] += bias[i] + profile.noiseSd() * SimRandom.gaussian(rng);
        }
        if (profile.behaviour() instanceof SourceBehaviour.Manipulated m) {
            x[manipulatedOutcome] += m.logitShift();
        }
        double[] p = Softmax.of(x);
        TreeMap<OutcomeId, Double> values = new TreeMap<>();
        return switch (profile.kind()) {
            case BOOKMAKER_ODDS -> {
                double[] implied = ShinForward.impliedProbabilities(p, profile.margin());
                for (int i = 0; i < p.length; i++) {
                    values.put(outcomes.get(i), printOdds(1.0 / implied[i]));
                }
                yield new QuotePayload.BookmakerOdds(values);
            }
            case EXCHANGE_PRICE -> {
                for (int i = 0; i < p.length; i++) {
                    values.put(outcomes.get(i), tickPrice(p[i]));
                }
                yield new QuotePayload.ExchangePrices(values, profile.spread());
            }
        };
    }

    static double printOdds(double odds) {
        double rounded = Math.rint(odds * 100.0) / 100.0;
        return Math.min(MAX_ODDS, Math.max(MIN_ODDS, rounded));
    }

    static double tickPrice(double p) {
        double ticks = Math.rint(p / PRICE_TICK);
        return Math.min(999.0, Math.max(1.0, ticks)) / 1000.0;
    }
}
