package com.m0club.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemarginTest {

    @Test
    void twoWayShinEqualsTheAdditiveMethodByHand() {
        // For two outcomes Shin's method removes the margin equally from both implied probabilities:
        // pi = (1/1.80, 1/2.05) = (0.555555..., 0.487804...), margin = 0.043360..., p = pi - margin / 2.
        double pi1 = 1 / 1.80;
        double pi2 = 1 / 2.05;
        double margin = pi1 + pi2 - 1;
        Demargin.Result r = Demargin.bookmaker(new double[] {1.80, 2.05}).orElseThrow();
        assertThat(r.method()).isEqualTo(DemarginMethod.SHIN);
        assertThat(r.margin()).isCloseTo(0.04336043360433604, offset(1e-15));
        assertThat(r.probabilities()[0]).isCloseTo(pi1 - margin / 2, offset(1e-12))
                .isCloseTo(0.5338753387533875, offset(1e-12));
        assertThat(r.probabilities()[1]).isCloseTo(pi2 - margin / 2, offset(1e-12))
                .isCloseTo(0.4661246612466125, offset(1e-12));
    }

    @Test
    void threeWayShinMatchesAHighPrecisionSolution() {
        // odds 2.10 / 3.40 / 3.75: booksum 1.036974789..., Shin z = 0.0185132175648...; the favourite keeps more of
        // its implied probability than the long shots (favourite-longshot bias).
        Demargin.Result r = Demargin.bookmaker(new double[] {2.10, 3.40, 3.75}).orElseThrow();
        assertThat(r.method()).isEqualTo(DemarginMethod.SHIN);
        assertThat(r.margin()).isCloseTo(0.0369747899159664, offset(1e-15));
        assertThat(r.probabilities()[0]).isCloseTo(0.4626764561647328, offset(1e-10));
        assertThat(r.probabilities()[1]).isCloseTo(0.2822590206259424, offset(1e-10));
        assertThat(r.probabilities()[2]).isCloseTo(0.2550645232093248, offset(1e-10));
        // check against the formula at the reference z
        double z = 0.018513217564817172;
        double b = 1 / 2.10 + 1 / 3.40 + 1 / 3.75;
        assertThat(Demargin.shinProbability(1 / 3.75, b, z)).isCloseTo(0.2550645232093248, offset(1e-12));
    }

    @Test
    void noMarginGivesTheImpliedProbabilitiesBack() {
        Demargin.Result r = Demargin.bookmaker(new double[] {2.0, 4.0, 4.0}).orElseThrow();
        assertThat(r.margin()).isZero();
        assertThat(r.probabilities()).containsExactly(0.5, 0.25, 0.25);
    }

    @Test
    void powerMethodSolvesTheSameBook() {
        Demargin.Result r = Demargin.power(Demargin.implied(new double[] {2.10, 3.40, 3.75})).orElseThrow();
        assertThat(r.method()).isEqualTo(DemarginMethod.POWER);
        double sum = 0;
        for (double p : r.probabilities()) {
            sum += p;
        }
        assertThat(sum).isCloseTo(1.0, offset(1e-12));
        // p_i = pi_i^k with one k for all outcomes
        double k = Math.log(r.probabilities()[0]) / Math.log(1 / 2.10);
        assertThat(Math.log(r.probabilities()[2]) / Math.log(1 / 3.75)).isCloseTo(k, offset(1e-9));
        assertThat(k).isGreaterThan(1.0);
    }

    @Test
    void shinGivesUpOnAnArbitrageAndPowerToo() {
        double[] implied = Demargin.implied(new double[] {2.5, 2.5});
        assertThat(Demargin.shin(implied)).isEmpty();
        assertThat(Demargin.power(implied)).isEmpty();
    }

    @Test
    void resultsAreBitIdentical() {
        double[] odds = {1.37, 5.25, 8.6};
        Optional<Demargin.Result> a = Demargin.bookmaker(odds);
        Optional<Demargin.Result> b = Demargin.bookmaker(odds.clone());
        assertThat(a.orElseThrow().probabilities()).containsExactly(b.orElseThrow().probabilities());
    }
}
