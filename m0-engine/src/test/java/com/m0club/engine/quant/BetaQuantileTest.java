package com.m0club.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BetaQuantileTest {

    @Test
    void lnGammaKnownValues() {
        assertThat(BetaQuantile.lnGamma(1)).isCloseTo(0, offset(1e-14));
        assertThat(BetaQuantile.lnGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), offset(1e-14));
        assertThat(BetaQuantile.lnGamma(10)).isCloseTo(Math.log(362_880), offset(1e-12));
        assertThat(BetaQuantile.lnGamma(0.001)).isCloseTo(6.907178885383853, offset(1e-12));
        assertThat(BetaQuantile.lnGamma(2500.5)).isCloseTo(17061.03394900727, offset(1e-9));
    }

    /** Reference values from scipy.stats.beta.ppf. */
    @ParameterizedTest
    @CsvSource({
        "0.025, 2, 5, 0.043271868292741676",
        "0.975, 2, 5, 0.6412345789976748",
        "0.975, 0.05, 10, 0.057768136328686916",
        "0.025, 0.05, 10, 5.578196264615968e-34",
        "0.025, 350, 1650, 0.1586633639138114",
        "0.975, 1200.5, 800.5, 0.6213130363139208",
        "0.005, 3.3, 0.7, 0.2399768648324308",
        "0.5, 0.01, 0.02, 3.105592827577112e-13"
    })
    void matchesReferenceQuantiles(double q, double a, double b, double expected) {
        assertThat(BetaQuantile.quantile(q, a, b)).isCloseTo(expected, offset(1e-12));
    }

    @Test
    void closedFormsForUnitShapes() {
        for (double q : new double[] {0.005, 0.05, 0.5, 0.95, 0.995}) {
            assertThat(BetaQuantile.quantile(q, 1, 1)).isCloseTo(q, offset(1e-13));
            assertThat(BetaQuantile.quantile(q, 3, 1)).isCloseTo(Math.pow(q, 1.0 / 3), offset(1e-13));
            assertThat(BetaQuantile.quantile(q, 1, 4)).isCloseTo(1 - Math.pow(1 - q, 0.25), offset(1e-13));
        }
    }

    @Test
    void edgesAndBadShapes() {
        assertThat(BetaQuantile.quantile(0, 2, 3)).isZero();
        assertThat(BetaQuantile.quantile(1, 2, 3)).isEqualTo(1.0);
        assertThatThrownBy(() -> BetaQuantile.quantile(0.5, 0, 1)).hasMessageContaining("beta shape");
        assertThatThrownBy(() -> BetaQuantile.quantile(0.5, 1, Double.NaN)).hasMessageContaining("beta shape");
        assertThatThrownBy(() -> BetaQuantile.quantile(1.5, 1, 1)).hasMessageContaining("q:");
    }

    @Property(tries = 300)
    void quantilesAreOrderedSymmetricAndBitIdentical(@ForAll @DoubleRange(min = 0.01, max = 3000) double a,
            @ForAll @DoubleRange(min = 0.01, max = 3000) double b) {
        double lo = BetaQuantile.quantile(0.025, a, b);
        double hi = BetaQuantile.quantile(0.975, a, b);
        assertThat(lo).isBetween(0.0, 1.0);
        assertThat(hi).isBetween(lo, 1.0);
        assertThat(BetaQuantile.quantile(0.025, b, a)).isCloseTo(1 - hi, offset(1e-9));
        assertThat(Double.doubleToRawLongBits(BetaQuantile.quantile(0.025, a, b)))
                .isEqualTo(Double.doubleToRawLongBits(lo));
        if (hi > 1e-9 && hi < 1 - 1e-9) {
            // (outside this range the quantile is not resolvable in a double, e.g. Beta(1, 0.01) at 0.975 is
            // 1 - 1e-160; the interval still ends at the right place to within the fixed-point resolution)
            assertThat(BetaQuantile.cdf(hi, a, b)).isCloseTo(0.975, offset(1e-6));
        }
    }
}
