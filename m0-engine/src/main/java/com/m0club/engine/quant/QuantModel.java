package com.m0club.engine.quant;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The quant stage, first version ({@code logpool-dirichlet} 0.1.0): a feature vector in, a model output out
 * (docs/quant.md, "Quant"). Per tick and market:
 *
 * <ol>
 *   <li>evidence: each fresh source's de-margined vector, weighted by {@link SourceWeights} (equal for now);</li>
 *   <li>screening in logit space, median and MAD, reject beyond k robust SDs ({@link RobustScreen});</li>
 *   <li>weighted logarithmic pooling inside the sources' envelope ({@link LogPool});</li>
 *   <li>divergence: mean Jensen-Shannon distance of the survivors to the pool, scaled to [0, 1];</li>
 *   <li>Dirichlet posterior: prior alpha0 around uniform (or the previous output) plus an effective sample size that
 *       grows with the number of fresh agreeing sources and shrinks with divergence and staleness; p = posterior
 *       mean;</li>
 *   <li>intervals from the Beta marginals ({@link BetaQuantile}), clamped around p (CI_CLAMPED);</li>
 *   <li>flags, risk score ({@link RiskScore}) and guardrails: no evidence, or divergence above the block threshold
 *       with enough sources, blocks the tick.</li>
 * </ol>
 *
 * A pure function of (feature vector, prior, clock reading): equal inputs give equal outputs, bit for bit, and no
 * input produces NaN (every division and logarithm is guarded). Calibration is identity in this version
 * ({@code calibrationHash} empty). Thread-safe (no mutable state besides the counters).
 */
public final class QuantModel {
    private final QuantConfig config;
    private final SourceWeights weights;
    private final InstantSource clock;
    private final QuantMetrics metrics;

    public QuantModel(QuantConfig config, SourceWeights weights, InstantSource clock, QuantMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public QuantConfig config() {
        return config;
    }

    /** Evaluates with a uniform prior. */
    public ModelOutput evaluate(FeatureVector features) {
        return evaluate(features, Prior.uniform());
    }

    /** Evaluates one feature vector; counts the result. */
    public ModelOutput evaluate(FeatureVector features, Prior prior) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(prior, "prior");
        ModelOutput out = compute(features, prior);
        metrics.record(out);
        return out;
    }

    private ModelOutput compute(FeatureVector fv, Prior prior) {
        long flags = fv.qualityFlags();
        long producedAt = clock.millis();

        List<SourceEvidence> evidence = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (SourceEvidence s : fv.sources()) {
            double weight = weights.weight(fv.market(), s.source());
            if (!(weight >= 0.0) || !Double.isFinite(weight)) {
                throw new IllegalStateException("source_weights: weight of " + s.source() + " for " + fv.market()
                        + " must be finite and >= 0, got " + weight);
            }
            if (weight > 0.0) {
                evidence.add(s);
                w.add(weight);
            }
        }
        if (evidence.isEmpty()) {
            return blocked(fv, flags | QualityFlag.DEGRADED.mask(), 10_000, BlockReason.NO_EVIDENCE,
                    ModelDiagnostics.none(), producedAt);
        }
        Set<OutcomeId> outcomeSet = evidence.get(0).probabilities().keySet();
        List<OutcomeId> outcomes = List.copyOf(outcomeSet);
        int m = evidence.size();
        int n = outcomes.size();
        double[][] raw = new double[m][];
        double[][] clipped = new double[m][];
        for (int j = 0; j < m; j++) {
            SourceEvidence s = evidence.get(j);
            // both key sets are in canonical (natural) order, so equal sets are equal sequences
            if (!s.probabilities().keySet().equals(outcomeSet)) {
                throw new IllegalArgumentException("features.sources[" + s.source() + "]: outcomes "
                        + s.probabilities().keySet() + " differ from " + outcomes);
            }
            raw[j] = s.vector();
            clipped[j] = Simplex.clipNormalize(raw[j], config.probabilityFloor());
        }

        // Screening
        boolean[] rejected = RobustScreen.rejected(clipped, config.outlierK(), config.madFloor(),
                config.minSourcesForScreening());
        List<SourceId> rejectedIds = new ArrayList<>();
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (rejected[j]) {
                rejectedIds.add(evidence.get(j).source());
            } else {
                keep.add(j);
            }
        }
        if (!rejectedIds.isEmpty()) {
            flags |= QualityFlag.OUTLIER_REJECTED.mask();
        }
        int k = keep.size();
        double[][] rawK = new double[k][];
        double[][] clippedK = new double[k][];
        double[] wK = new double[k];
        double wSum = 0;
        for (int a = 0; a < k; a++) {
            int j = keep.get(a);
            rawK[a] = raw[j];
            clippedK[a] = clipped[j];
            wK[a] = w.get(j);
            wSum += wK[a];
        }

        // Pooling and divergence
        double[] pooled = LogPool.pool(clippedK, rawK, wK);
        double jsDistance = 0;
        for (int a = 0; a < k; a++) {
            jsDistance += StrictMath.sqrt(Simplex.jensenShannon(rawK[a], pooled));
        }
        double divergence = Math.min(1.0, (jsDistance / k) / config.divergenceScale());

        // Effective sample size
        double freshWeighted = 0;
        double staleness = 0;
        for (int a = 0; a < k; a++) {
            SourceEvidence s = evidence.get(keep.get(a));
            double ageFraction = Math.min(1.0, s.ageMs() / (double) fv.stalenessLimitMs());
            staleness += ageFraction;
            freshWeighted += (wK[a] * k / wSum) * (1.0 - ageFraction);
        }
        staleness /= k;
        double ess = Math.min(config.maxEffectiveSampleSize(),
                config.evidencePerSource() * (1.0 - divergence) * freshWeighted);

        // Dirichlet posterior
        double[] priorMean = Simplex.clipNormalize(prior.mean(outcomes, config.priorDecay()),
                config.probabilityFloor());
        double[] alpha = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            alpha[i] = config.alpha0() * priorMean[i] + ess * pooled[i];
            total += alpha[i];
        }
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = alpha[i] / total;
        }

        // Intervals
        double level = config.ciLevelBps() / 10_000.0;
        double qLo = (1.0 - level) / 2.0;
        double qHi = (1.0 + level) / 2.0;
        double[] lo = new double[n];
        double[] hi = new double[n];
        boolean clamped = false;
        double widthSum = 0;
        double widthMax = 0;
        for (int i = 0; i < n; i++) {
            double rest = Math.max(total - alpha[i], Double.MIN_NORMAL);
            lo[i] = BetaQuantile.quantile(qLo, alpha[i], rest);
            hi[i] = BetaQuantile.quantile(qHi, alpha[i], rest);
            if (lo[i] > p[i]) {
                lo[i] = p[i];
                clamped = true;
            }
            if (hi[i] < p[i]) {
                hi[i] = p[i];
                clamped = true;
            }
            widthSum += hi[i] - lo[i];
            widthMax = Math.max(widthMax, hi[i] - lo[i]);
        }

        // Flags
        if (clamped) {
            flags |= QualityFlag.CI_CLAMPED.mask();
        }
        if (divergence > config.divergenceWarn()) {
            flags |= QualityFlag.SOURCE_DIVERGENCE.mask();
        }
        if (widthMax * 10_000.0 > config.ciWideBps()) {
            flags |= QualityFlag.CI_WIDE.mask();
        }
        double jump = 0;
        Optional<double[]> previous = prior.previousVector(outcomes);
        if (previous.isPresent()) {
            for (int i = 0; i < n; i++) {
                jump = Math.max(jump, Math.abs(p[i] - previous.get()[i]));
            }
            if (jump * 10_000.0 > config.jumpWarnBps()) {
                flags |= QualityFlag.JUMP.mask();
            }
        }
        long warnings = QualityFlag.of(QualityFlag.LOW_COVERAGE, QualityFlag.SOURCE_DIVERGENCE, QualityFlag.CI_WIDE,
                QualityFlag.JUMP);
        if ((flags & warnings) != 0) {
            flags |= QualityFlag.DEGRADED.mask();
        }

        // Risk
        double entropy = Simplex.entropy(p) / StrictMath.log(n);
        double meanWidth = widthSum / n;
        double coverageGap = 1.0 - fv.coverage().ratio();
        int risk = RiskScore.bps(config.riskWeights(), entropy, meanWidth, divergence, coverageGap, staleness);

        List<Double> pooledList = new ArrayList<>(n);
        for (double v : pooled) {
            pooledList.add(v);
        }
        ModelDiagnostics diagnostics = new ModelDiagnostics(k, rejectedIds, pooledList, divergence, ess,
                Math.min(1.0, Math.max(0.0, entropy)), meanWidth, jump);

        // Guardrails
        if (divergence > config.divergenceBlock() && k >= config.minSourcesForDivergenceBlock()) {
            return blocked(fv, flags, risk, BlockReason.SOURCE_DIVERGENCE, diagnostics, producedAt);
        }
        List<Distribution.DoubleOutcome> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(new Distribution.DoubleOutcome(outcomes.get(i), p[i], lo[i], hi[i]));
        }
        Distribution distribution = Distribution.fromDoubles(values);
        return new ModelOutput(fv.market(), fv.epochId(), fv.tick(), fv.windowStartMs(), fv.windowEndMs(),
                Optional.of(distribution), config.ciLevelBps(), risk, flags, config.model(), Optional.empty(),
                fv.featuresHash(), producedAt, fv.traceId(), Optional.empty(), diagnostics);
    }

    private ModelOutput blocked(FeatureVector fv, long flags, int risk, BlockReason reason,
            ModelDiagnostics diagnostics, long producedAt) {
        return new ModelOutput(fv.market(), fv.epochId(), fv.tick(), fv.windowStartMs(), fv.windowEndMs(),
                Optional.empty(), config.ciLevelBps(), risk, flags, config.model(), Optional.empty(),
                fv.featuresHash(), producedAt, fv.traceId(), Optional.of(reason.code()), diagnostics);
    }
}
