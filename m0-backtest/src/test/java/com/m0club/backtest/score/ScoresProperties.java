package com.m0club.backtest.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class ScoresProperties {

    @Provide
    Arbitrary<double[]> forecasts() {
        return Arbitraries.doubles().between(0, 1).array(double[].class).ofMinSize(2).ofMaxSize(6)
                .map(Scores::normalize);
    }

    @Property
    void brierIsBetweenZeroAndTwo(@ForAll("forecasts") double[] p, @ForAll @IntRange(min = 0, max = 5) int o) {
        int outcome = o % p.length;
        assertThat(Scores.brier(p, outcome)).isBetween(0.0, 2.0 + 1e-12);
    }

    @Property
    void aPerfectForecastScoresZero(@ForAll @IntRange(min = 2, max = 8) int k, @ForAll @IntRange(min = 0, max = 7) int o) {
        int outcome = o % k;
        double[] p = new double[k];
        p[outcome] = 1;
        assertThat(Scores.brier(p, outcome)).isZero();
        assertThat(Scores.logLoss(p, outcome)).isZero();
    }

    @Property
    void logLossClampsAwayFromZero(@ForAll("forecasts") double[] p, @ForAll @IntRange(min = 0, max = 5) int o) {
        int outcome = o % p.length;
        double[] q = p.clone();
        q[outcome] = 0;
        double l = Scores.logLoss(q, outcome);
        assertThat(l).isFinite().isEqualTo(-Math.log(Scores.LOG_LOSS_FLOOR));
        assertThat(Scores.logLoss(p, outcome)).isBetween(0.0, -Math.log(Scores.LOG_LOSS_FLOOR));
    }

    @Property
    void normalizedVectorsSumToOne(@ForAll("forecasts") double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    /** A binary forecaster that says c and is right exactly round(c n) times in n: ECE at most 1/n per bin. */
    @Property
    void eceOfAPerfectlyCalibratedSetIsNearZero(@ForAll("levels") List<Double> levels,
            @ForAll @IntRange(min = 200, max = 1000) int n) {
        ScoreAccumulator acc = new ScoreAccumulator();
        for (double c : levels) {
            long hits = Math.round(c * n);
            for (int i = 0; i < n; i++) {
                acc.add(new double[] {c, 1 - c}, i < hits ? 0 : 1);
            }
        }
        assertThat(acc.score().ece()).isLessThanOrEqualTo(1.0 / n + 1e-9);
    }

    @Provide
    Arbitrary<List<Double>> levels() {
        return Arbitraries.doubles().between(0.01, 0.99).ofScale(2).list().ofMinSize(1).ofMaxSize(10);
    }

    @Property
    void aConfidentlyWrongForecasterIsBadlyCalibrated(@ForAll @DoubleRange(min = 0.9, max = 1.0) double c) {
        ScoreAccumulator acc = new ScoreAccumulator();
        for (int i = 0; i < 100; i++) {
            acc.add(new double[] {c, 1 - c}, 1);
        }
        assertThat(acc.score().ece()).isGreaterThan(0.8);
    }

    @Property
    void theMedianOfIdenticalSourcesIsThatSourceAndPythsIntervalContainsIt(@ForAll("forecasts") double[] p,
            @ForAll @IntRange(min = 1, max = 7) int copies, @ForAll @DoubleRange(min = 0, max = 0.05) double u) {
        List<double[]> sources = new ArrayList<>();
        double[] unc = new double[copies];
        for (int i = 0; i < copies; i++) {
            sources.add(p);
            unc[i] = u;
        }
        double[] med = Baselines.median(sources);
        double[] mean = Baselines.mean(sources);
        Baselines.Interval py = Baselines.pythMedian(sources, unc);
        for (int k = 0; k < p.length; k++) {
            assertThat(med[k]).isCloseTo(p[k], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(mean[k]).isCloseTo(p[k], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(py.low()[k]).isLessThanOrEqualTo(p[k] + 1e-12);
            assertThat(py.high()[k]).isGreaterThanOrEqualTo(p[k] - 1e-12);
        }
    }

    @Property
    void theMedianResistsOneWildSource(@ForAll @DoubleRange(min = 0.3, max = 0.7) double p) {
        List<double[]> sources = List.of(new double[] {p, 1 - p}, new double[] {p, 1 - p}, new double[] {0.99, 0.01});
        assertThat(Baselines.median(sources)[0]).isCloseTo(p, org.assertj.core.data.Offset.offset(1e-9));
    }
}
