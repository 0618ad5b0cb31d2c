package com.m0club.backtest.score;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The scores of one resolved market: the oracle's published outputs and the baselines on the same ticks, against the
 * resolved outcome. Only ticks before the resolution time count (a forecast made after the outcome is known is not a
 * forecast) and only ticks the oracle published (blocked ticks are counted, not scored), so every forecaster is scored
 * on the same set. Memory: one accumulator per forecaster and per source of the market. Not thread-safe.
 */
public final class MarketScorer {
    private final MarketId market;
    private final int outcome;
    private final long resolvedAtMs;
    private final ScoreAccumulator oracle = new ScoreAccumulator();
    private final ScoreAccumulator mean = new ScoreAccumulator();
    private final ScoreAccumulator median = new ScoreAccumulator();
    private final ScoreAccumulator pyth = new ScoreAccumulator();
    private final Map<SourceId, ScoreAccumulator> perSource = new TreeMap<>();
    private double oracleWidth;
    private double pythWidth;
    private long blocked;

    /**
     * @param market the market
     * @param outcome index of the resolved outcome in the market's canonical outcome order
     * @param resolvedAtMs when it resolved; ticks at or after it are not scored
     */
    public MarketScorer(MarketId market, int outcome, long resolvedAtMs) {
        this.market = Objects.requireNonNull(market, "market");
        if (outcome < 0) {
            throw new IllegalArgumentException("outcome: must be >= 0, got " + outcome);
        }
        this.outcome = outcome;
        this.resolvedAtMs = resolvedAtMs;
    }

    /** Scores one tick evaluated at {@code tMs}. */
    public void add(FeatureVector features, ModelOutput output, long tMs) {
        if (tMs >= resolvedAtMs) {
            return;
        }
        Optional<Distribution> d = output.distribution();
        if (d.isEmpty()) {
            blocked++;
            return;
        }
        Distribution dist = d.get();
        double[] p = new double[dist.size()];
        double width = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = FixedPoint.toDouble(dist.get(i).p());
            width += FixedPoint.toDouble(dist.get(i).ciHigh()) - FixedPoint.toDouble(dist.get(i).ciLow());
        }
        oracle.add(p, outcome);
        oracleWidth += width / p.length;
        List<SourceEvidence> sources = features.sources();
        if (sources.isEmpty()) {
            return;
        }
        List<double[]> vectors = new ArrayList<>(sources.size());
        double[] u = new double[sources.size()];
        for (int j = 0; j < sources.size(); j++) {
            SourceEvidence e = sources.get(j);
            double[] v = e.vector();
            vectors.add(v);
            u[j] = e.uncertainty();
            perSource.computeIfAbsent(e.source(), s -> new ScoreAccumulator()).add(v, outcome);
        }
        mean.add(Baselines.mean(vectors), outcome);
        median.add(Baselines.median(vectors), outcome);
        Baselines.Interval py = Baselines.pythMedian(vectors, u);
        pyth.add(py.p(), outcome);
        double w = 0;
        for (int i = 0; i < py.p().length; i++) {
            w += py.high()[i] - py.low()[i];
        }
        pythWidth += w / py.p().length;
    }

    public MarketId market() {
        return market;
    }

    public long blocked() {
        return blocked;
    }

    public ScoreAccumulator oracle() {
        return oracle;
    }

    public ScoreAccumulator mean() {
        return mean;
    }

    public ScoreAccumulator median() {
        return median;
    }

    public ScoreAccumulator pyth() {
        return pyth;
    }

    /** Mean interval width (mean over outcomes) of the oracle's scored outputs. */
    public double oracleMeanCiWidth() {
        return oracle.count() == 0 ? 0 : oracleWidth / oracle.count();
    }

    /** Mean interquartile width (mean over outcomes) of the Pyth-style baseline. */
    public double pythMeanCiWidth() {
        return pyth.count() == 0 ? 0 : pythWidth / pyth.count();
    }

    /**
     * The best single source in hindsight: the lowest mean Brier among the sources fresh in at least half of the
     * scored ticks (ties by source id); empty when none qualifies.
     */
    public Optional<Map.Entry<SourceId, ScoreAccumulator>> bestSource() {
        Map.Entry<SourceId, ScoreAccumulator> best = null;
        for (Map.Entry<SourceId, ScoreAccumulator> e : perSource.entrySet()) {
            if (2 * e.getValue().count() < oracle.count()) {
                continue;
            }
            if (best == null || e.getValue().score().brier() < best.getValue().score().brier()) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }
}
