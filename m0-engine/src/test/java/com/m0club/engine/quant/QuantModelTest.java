package com.m0club.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.m0club.engine.TestMetrics;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuantModelTest {
    private final ManualClock clock = new ManualClock(Features.T + 5);
    private PrometheusRegistry registry;
    private QuantModel model;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        model = new QuantModel(QuantConfig.DEFAULTS, SourceWeights.EQUAL, clock, new QuantMetrics(registry));
    }

    private static double p(ModelOutput out, int i) {
        return FixedPoint.toDouble(out.distribution().orElseThrow().get(i).p());
    }

    @Test
    void agreeingSourcesGiveANarrowCalmDistribution() {
        FeatureVector fv = Features.of(new double[] {0.60, 0.25, 0.15}, new double[] {0.62, 0.24, 0.14},
                new double[] {0.59, 0.26, 0.15}, new double[] {0.61, 0.25, 0.14});
        ModelOutput out = model.evaluate(fv);
        assertThat(out.isBlocked()).isFalse();
        assertThat(out.market()).isEqualTo(Features.MARKET);
        assertThat(out.epochId()).isEqualTo(2);
        assertThat(out.tick()).isEqualTo(3);
        assertThat(out.featuresHash()).isEqualTo(fv.featuresHash());
        assertThat(out.traceId()).isEqualTo("trace-q");
        assertThat(out.producedAtMs()).isEqualTo(Features.T + 5);
        assertThat(out.model().modelId()).isEqualTo("logpool-dirichlet");
        assertThat(out.model().modelVersion()).isEqualTo("0.1.0");
        assertThat(out.calibrationHash()).isEmpty();
        assertThat(out.ciLevelBps()).isEqualTo(9500);
        assertThat(p(out, 0)).isCloseTo(0.605, offset(0.01));
        assertThat(out.qualityFlags()).isZero();
        assertThat(out.diagnostics().sourcesUsed()).isEqualTo(4);
        assertThat(out.diagnostics().effectiveSampleSize()).isGreaterThan(150);
        OutcomeProbability first = out.distribution().orElseThrow().get(0);
        assertThat(FixedPoint.toDouble(first.ciHigh() - first.ciLow())).isBetween(0.05, 0.2);
        assertThat(out.riskScoreBps()).isBetween(1, 5_000);
        assertThat(TestMetrics.counter(registry, "m0_quant_outputs_total", "result", "published")).isEqualTo(1);
    }

    @Test
    void moreAgreeingSourcesNarrowTheInterval() {
        double[] v = {0.7, 0.3};
        double two = width(model.evaluate(Features.of(v, v)));
        double five = width(model.evaluate(Features.of(v, v, v, v, v)));
        assertThat(five).isLessThan(two);
    }

    private static double width(ModelOutput out) {
        OutcomeProbability o = out.distribution().orElseThrow().get(0);
        return FixedPoint.toDouble(o.ciHigh() - o.ciLow());
    }

    @Test
    void aManipulatedSourceIsScreenedOut() {
        FeatureVector fv = Features.of(new double[] {0.50, 0.50}, new double[] {0.52, 0.48},
                new double[] {0.49, 0.51}, new double[] {0.51, 0.49}, new double[] {0.90, 0.10});
        ModelOutput out = model.evaluate(fv);
        assertThat(out.diagnostics().rejectedSources()).containsExactly(SourceId.of("s4"));
        assertThat(QualityFlag.OUTLIER_REJECTED.isSet(out.qualityFlags())).isTrue();
        assertThat(p(out, 0)).isCloseTo(0.505, offset(0.01));
        assertThat(TestMetrics.counter(registry, "m0_quant_sources_rejected_total")).isEqualTo(1);
    }

    @Test
    void noEvidenceBlocks() {
        ModelOutput out = model.evaluate(Features.of(List.of(), List.of(), 3, QualityFlag.LOW_COVERAGE.mask()));
        assertThat(out.isBlocked()).isTrue();
        assertThat(out.blockedReason()).contains("NO_EVIDENCE");
        assertThat(out.distribution()).isEmpty();
        assertThat(out.riskScoreBps()).isEqualTo(10_000);
        assertThat(QualityFlag.decode(out.qualityFlags())).contains(QualityFlag.LOW_COVERAGE, QualityFlag.DEGRADED);
        assertThatThrownBy(out::toBundleItem).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NO_EVIDENCE");
        assertThat(TestMetrics.counter(registry, "m0_quant_blocked_total", "reason", "NO_EVIDENCE")).isEqualTo(1);
    }

    @Test
    void threeDisagreeingSourcesBlockTwoOnlyWarn() {
        double[] a = {0.90, 0.05, 0.05};
        double[] b = {0.05, 0.90, 0.05};
        double[] c = {0.05, 0.05, 0.90};
        ModelOutput three = model.evaluate(Features.of(a, b, c));
        assertThat(three.blockedReason()).contains("SOURCE_DIVERGENCE");
        assertThat(three.diagnostics().divergence()).isGreaterThan(0.85);
        assertThat(QualityFlag.SOURCE_DIVERGENCE.isSet(three.qualityFlags())).isTrue();

        ModelOutput two = model.evaluate(Features.of(a, b));
        assertThat(two.isBlocked()).isFalse();
        assertThat(QualityFlag.decode(two.qualityFlags())).contains(QualityFlag.SOURCE_DIVERGENCE,
                QualityFlag.DEGRADED);
        assertThat(two.riskScoreBps()).isGreaterThan(model.evaluate(Features.of(a, a)).riskScoreBps());
    }

    @Test
    void zeroWeightLeavesASourceOut() {
        QuantModel weighted = new QuantModel(QuantConfig.DEFAULTS,
                (market, source) -> source.value().equals("s1") ? 0.0 : 1.0, clock,
                new QuantMetrics(new PrometheusRegistry()));
        ModelOutput out = weighted.evaluate(Features.of(new double[] {0.3, 0.7}, new double[] {0.9, 0.1}));
        assertThat(out.diagnostics().sourcesUsed()).isEqualTo(1);
        assertThat(out.diagnostics().pooled()).containsExactly(0.3, 0.7);
        QuantModel broken = new QuantModel(QuantConfig.DEFAULTS, (market, source) -> Double.NaN, clock,
                new QuantMetrics(new PrometheusRegistry()));
        assertThatThrownBy(() -> broken.evaluate(Features.of(new double[] {0.3, 0.7})))
                .hasMessageContaining("source_weights");
    }

    @Test
    void aBigMoveAgainstThePreviousOutputIsAJump() {
        ModelOutput before = model.evaluate(Features.of(new double[] {0.3, 0.7}, new double[] {0.31, 0.69}));
        Distribution previous = before.distribution().orElseThrow();
        ModelOutput after = model.evaluate(Features.of(new double[] {0.6, 0.4}, new double[] {0.61, 0.39}),
                Prior.previous(previous));
        assertThat(after.diagnostics().jump()).isGreaterThan(0.2);
        assertThat(QualityFlag.decode(after.qualityFlags())).contains(QualityFlag.JUMP, QualityFlag.DEGRADED);
        ModelOutput calm = model.evaluate(Features.of(new double[] {0.3, 0.7}, new double[] {0.31, 0.69}),
                Prior.previous(previous));
        assertThat(QualityFlag.JUMP.isSet(calm.qualityFlags())).isFalse();
    }

    @Test
    void upstreamFlagsAreKeptAndLowCoverageDegrades() {
        FeatureVector fv = Features.of(List.of(new double[] {0.5, 0.5}), List.of(1_000L), 4,
                QualityFlag.of(QualityFlag.LOW_COVERAGE, QualityFlag.STALE_SOURCE));
        ModelOutput out = model.evaluate(fv);
        assertThat(QualityFlag.decode(out.qualityFlags())).containsAll(Set.of(QualityFlag.LOW_COVERAGE,
                QualityFlag.STALE_SOURCE, QualityFlag.DEGRADED));
    }

    @Test
    void aDegradedConnectorsFlagReachesTheOutputOfBothPublishedAndBlockedTicks() {
        double[] v = {0.4, 0.6};
        long flag = QualityFlag.CONNECTOR_DEGRADED.mask();
        ModelOutput published = model.evaluate(Features.of(List.of(v, v, v), List.of(0L, 0L, 0L), 3, flag));
        assertThat(published.distribution()).isPresent();
        assertThat(QualityFlag.CONNECTOR_DEGRADED.isSet(published.qualityFlags())).isTrue();
        ModelOutput blocked = model.evaluate(Features.of(List.of(), List.of(), 3, flag));
        assertThat(blocked.distribution()).isEmpty();
        assertThat(QualityFlag.CONNECTOR_DEGRADED.isSet(blocked.qualityFlags())).isTrue();
        assertThat(TestMetrics.counter(registry, "m0_quant_output_flags_total", "flag", "CONNECTOR_DEGRADED"))
                .isEqualTo(2);
    }

    @Test
    void staleEvidenceWidensTheInterval() {
        double[] v = {0.4, 0.6};
        ModelOutput fresh = model.evaluate(Features.of(List.of(v, v, v), List.of(0L, 0L, 0L), 3, 0));
        ModelOutput old = model.evaluate(Features.of(List.of(v, v, v), List.of(40_000L, 40_000L, 40_000L), 3, 0));
        assertThat(width(old)).isGreaterThan(width(fresh));
        assertThat(old.riskScoreBps()).isGreaterThan(fresh.riskScoreBps());
    }

    @Test
    void becomesAValidBundleItem() {
        ModelOutput out = model.evaluate(Features.of(new double[] {0.2, 0.3, 0.5}, new double[] {0.22, 0.3, 0.48}));
        BundleItem item = out.toBundleItem();
        assertThat(item.featuresHash()).contains(out.featuresHash());
        assertThat(item.distribution()).isEqualTo(out.distribution().orElseThrow());
        assertThat(BundleCodec.decodeItem(BundleCodec.encodeItem(item))).isEqualTo(item);
    }

    @Test
    void configRejectsNonsenseNamingTheKey() {
        assertThatThrownBy(() -> QuantConfig.builder().ciLevelBps(9700).build())
                .hasMessageContaining("quant.ci_level_bps");
        assertThatThrownBy(() -> QuantConfig.builder().divergenceWarn(0.9).divergenceBlock(0.8).build())
                .hasMessageContaining("quant.divergence_warn");
        assertThatThrownBy(() -> QuantConfig.builder().minSourcesForScreening(2).build())
                .hasMessageContaining("quant.min_sources_for_screening");
        assertThatThrownBy(() -> new RiskWeights(0.5, 0.5, 0.5, 0, 0)).hasMessageContaining("sum to 1");
    }
}
