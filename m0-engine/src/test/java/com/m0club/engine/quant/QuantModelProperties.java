package com.m0club.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.OutcomeId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the quant model over random valid feature vectors: 1..7 sources over 2..6 outcomes, probabilities
 * anywhere in [0, 1] including exact zeros and ones, ages anywhere up to the staleness limit, with and without a
 * previous distribution as the prior.
 */
class QuantModelProperties {
    /** Fixed point rounds each value by at most 0.5e-9 and moves the residual (a few units) to the largest p. */
    private static final double FIXED_TOLERANCE = 1e-8;

    record Case(List<double[]> sources, List<Long> ages, int expected, Optional<double[]> previous) {}

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.integers().between(2, 6).flatMap(n -> {
            Arbitrary<Double> entry = Arbitraries.frequencyOf(
                    Tuple.of(8, Arbitraries.doubles().between(0.0, 1.0).ofScale(9)),
                    Tuple.of(1, Arbitraries.just(0.0)),
                    Tuple.of(1, Arbitraries.doubles().between(0.0, 1e-6).ofScale(12)));
            Arbitrary<double[]> vector = entry.array(double[].class).ofSize(n).map(QuantModelProperties::normalize);
            Arbitrary<List<double[]>> sources = vector.list().ofMinSize(1).ofMaxSize(7);
            Arbitrary<List<Long>> ages = Arbitraries.longs().between(0, Features.STALENESS).list().ofSize(7);
            Arbitrary<Integer> expected = Arbitraries.integers().between(1, 8);
            Arbitrary<Optional<double[]>> previous = vector.optional(0.5);
            return Combinators.combine(sources, ages, expected, previous)
                    .as((s, a, e, p) -> new Case(s, a.subList(0, s.size()), e, p));
        });
    }

    private static double[] normalize(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        double[] out = new double[v.length];
        if (s == 0) {
            out[0] = 1.0;
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / s;
        }
        return out;
    }

    private static Prior prior(Case c) {
        if (c.previous().isEmpty()) {
            return Prior.uniform();
        }
        double[] p = c.previous().get();
        List<Distribution.DoubleOutcome> values = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            values.add(new Distribution.DoubleOutcome(OutcomeId.of("O" + i), p[i], p[i], p[i]));
        }
        return Prior.previous(Distribution.fromDoubles(values));
    }

    private static QuantModel model() {
        return new QuantModel(QuantConfig.DEFAULTS, SourceWeights.EQUAL, new ManualClock(Features.T),
                new QuantMetrics(new PrometheusRegistry()));
    }

    @Property(tries = 400)
    void outputsAreValidBoundedAndDeterministic(@ForAll("cases") Case c) {
        FeatureVector fv = Features.of(c.sources(), c.ages(), c.expected(), 0);
        Prior prior = prior(c);
        ModelOutput out = model().evaluate(fv, prior);

        assertThat(out.riskScoreBps()).isBetween(0, 10_000);
        assertThat(model().evaluate(fv, prior)).isEqualTo(out);
        assertThat(out.diagnostics().divergence()).isBetween(0.0, 1.0);
        assertThat(out.diagnostics().effectiveSampleSize()).isNotNaN().isGreaterThanOrEqualTo(0.0);
        if (out.isBlocked()) {
            assertThat(out.blockedReason()).contains("SOURCE_DIVERGENCE");
            assertThat(out.diagnostics().sourcesUsed()).isGreaterThanOrEqualTo(3);
            return;
        }
        Distribution d = out.distribution().orElseThrow();
        long sum = 0;
        for (OutcomeProbability o : d.outcomes()) {
            sum += o.p();
            assertThat(o.ciLow()).isBetween(0L, o.p());
            assertThat(o.ciHigh()).isBetween(o.p(), FixedPoint.SCALE);
        }
        assertThat(sum).isEqualTo(FixedPoint.SCALE);
    }

    @Property(tries = 400)
    void theProbabilitiesStayAmongTheSurvivingSourcesAndThePrior(@ForAll("cases") Case c) {
        FeatureVector fv = Features.of(c.sources(), c.ages(), c.expected(), 0);
        Prior prior = prior(c);
        ModelOutput out = model().evaluate(fv, prior);
        List<SourceEvidence> surviving = fv.sources().stream()
                .filter(s -> !out.diagnostics().rejectedSources().contains(s.source())).toList();
        int n = c.sources().get(0).length;
        List<OutcomeId> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            outcomes.add(OutcomeId.of("O" + i));
        }
        double[] priorMean = prior.mean(outcomes, QuantConfig.DEFAULTS.priorDecay());
        for (int i = 0; i < n; i++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (SourceEvidence s : surviving) {
                min = Math.min(min, s.vector()[i]);
                max = Math.max(max, s.vector()[i]);
            }
            // pooling is a mean-like operation: the pool never leaves the sources' range
            assertThat(out.diagnostics().pooled().get(i)).isBetween(min - 1e-12, max + 1e-12);
            // the posterior mean mixes the pool with the prior mean (floored at 1e-6 per outcome), so it stays
            // within their joint range
            if (out.distribution().isPresent()) {
                double p = FixedPoint.toDouble(out.distribution().get().get(i).p());
                double tolerance = n * QuantConfig.DEFAULTS.probabilityFloor() + FIXED_TOLERANCE;
                assertThat(p).isBetween(Math.min(min, priorMean[i]) - tolerance,
                        Math.max(max, priorMean[i]) + tolerance);
            }
        }
    }
}
