package com.m0club.protocol.fixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.Generators;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.fixed.Distribution.DoubleOutcome;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DistributionProperties {
    static final long S = FixedPoint.SCALE;

    @Provide
    Arbitrary<Distribution> distributions() {
        return Generators.distributions();
    }

    @Property(tries = 1000)
    void alwaysSumsToSAndKeepsTheIntervalInvariant(@ForAll("distributions") Distribution d) {
        long sum = 0;
        for (OutcomeProbability o : d.outcomes()) {
            assertThat(o.ciLow()).isBetween(0L, o.p());
            assertThat(o.ciHigh()).isBetween(o.p(), S);
            sum += o.p();
        }
        assertThat(sum).isEqualTo(S);
        for (int i = 1; i < d.size(); i++) {
            assertThat(d.get(i - 1).outcome()).isLessThan(d.get(i).outcome());
        }
    }

    @Property(tries = 500)
    void fixedPointSurvivesARoundTripThroughDoubles(@ForAll("distributions") Distribution d) {
        // k / S as a double rounds back to k: publishing, reading back and republishing changes nothing
        List<DoubleOutcome> back = d.outcomes().stream()
                .map(o -> new DoubleOutcome(o.outcome(), FixedPoint.toDouble(o.p()), FixedPoint.toDouble(o.ciLow()),
                        FixedPoint.toDouble(o.ciHigh())))
                .toList();
        assertThat(Distribution.fromDoubles(back)).isEqualTo(d);
    }

    @Test
    void halfEvenOnExactBinaryTies() {
        // 2^-10 * 1e9 = 976562.5 exactly; 3 * 2^-10 * 1e9 = 2929687.5 exactly
        assertThat(FixedPoint.fromDouble("p", 0x1p-10)).isEqualTo(976_562L);
        assertThat(FixedPoint.fromDouble("p", 3 * 0x1p-10)).isEqualTo(2_929_688L);
        assertThat(FixedPoint.fromDouble("p", 1.0)).isEqualTo(S);
        assertThat(FixedPoint.fromDouble("p", 0.0)).isZero();
    }

    @Test
    void residualGoesToTheLargestThenFirstInCanonicalOrder() {
        double third = 1.0 / 3.0;
        Distribution d = Distribution.fromDoubles(List.of(
                DoubleOutcome.of("C", third, 0.2, 0.5),
                DoubleOutcome.of("A", third, 0.2, 0.5),
                DoubleOutcome.of("B", third, 0.2, 0.5)));
        assertThat(d.outcomes()).extracting(OutcomeProbability::p)
                .containsExactly(333_333_334L, 333_333_333L, 333_333_333L);
        assertThat(d.get(0).outcome().value()).isEqualTo("A");
    }

    @Test
    void residualWidensTheIntervalOfTheAdjustedOutcomeOnly() {
        double third = 1.0 / 3.0;
        Distribution d = Distribution.fromDoubles(List.of(
                DoubleOutcome.of("A", third, third, third),
                DoubleOutcome.of("B", third, third, third),
                DoubleOutcome.of("C", third, third, third)));
        assertThat(d.get(0).ciHigh()).isEqualTo(333_333_334L);
        assertThat(d.get(1).ciHigh()).isEqualTo(333_333_333L);
    }

    @Test
    void refusesNaNNegativesEmptyDuplicatesAndBadSums() {
        assertCode(() -> Distribution.fromDoubles(List.of(DoubleOutcome.of("A", Double.NaN, 0, 1))),
                ErrorCode.NOT_FINITE, "outcomes[A].p");
        assertCode(() -> Distribution.fromDoubles(List.of(DoubleOutcome.of("A", 1.1, 0, 1),
                DoubleOutcome.of("B", -0.1, -0.1, 0))), ErrorCode.OUT_OF_RANGE, "outcomes[A].p");
        assertCode(() -> Distribution.fromDoubles(List.of()), ErrorCode.EMPTY, "outcomes");
        assertCode(() -> Distribution.fromDoubles(List.of(DoubleOutcome.of("A", 0.5, 0, 1),
                DoubleOutcome.of("A", 0.5, 0, 1))), ErrorCode.DUPLICATE, "outcomes[A]");
        assertCode(() -> Distribution.fromDoubles(List.of(DoubleOutcome.of("A", 0.5, 0, 1),
                DoubleOutcome.of("B", 0.4, 0, 1))), ErrorCode.BAD_SUM, "outcomes");
        assertCode(() -> Distribution.fromDoubles(List.of(DoubleOutcome.of("A", 0.5, 0.6, 1),
                DoubleOutcome.of("B", 0.5, 0, 1))), ErrorCode.CI_INVARIANT, "outcomes[A]");
    }

    @Test
    void fixedConstructorChecksAndNeverRepairs() {
        assertCode(() -> new Distribution(List.of(OutcomeProbability.of("B", S / 2, 0, S),
                OutcomeProbability.of("A", S / 2, 0, S))), ErrorCode.NON_CANONICAL_ORDER, "outcomes[1].outcome_id");
        assertCode(() -> new Distribution(List.of(OutcomeProbability.of("A", S / 2, 0, S),
                OutcomeProbability.of("B", S / 2 - 1, 0, S))), ErrorCode.BAD_SUM, "outcomes");
        assertCode(() -> OutcomeProbability.of("A", 5, 6, 7), ErrorCode.CI_INVARIANT, "outcomes[A]");
        assertCode(() -> OutcomeProbability.of("A", S + 1, 0, S + 1), ErrorCode.OUT_OF_RANGE, "outcomes[A].p");
        Distribution sorted = Distribution.of(List.of(OutcomeProbability.of("B", S / 2, 0, S),
                OutcomeProbability.of("A", S / 2, 0, S)));
        assertThat(sorted.get(0).outcome().value()).isEqualTo("A");
    }

    static void assertCode(Runnable r, ErrorCode code, String field) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.field()).isEqualTo(field);
        });
    }
}
