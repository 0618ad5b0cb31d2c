package com.m0club.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GuardrailProfileTest {

    @Test
    void normalIsTheBuiltInDefault() {
        assertThat(GuardrailProfile.NORMAL.config()).isEqualTo(QuantConfig.DEFAULTS);
    }

    @Test
    void strictIsTighterThanNormalIsTighterThanPermissive() {
        QuantConfig strict = GuardrailProfile.STRICT.config();
        QuantConfig normal = GuardrailProfile.NORMAL.config();
        QuantConfig permissive = GuardrailProfile.PERMISSIVE.config();
        assertThat(strict.divergenceBlock()).isLessThan(normal.divergenceBlock());
        assertThat(normal.divergenceBlock()).isLessThan(permissive.divergenceBlock());
        assertThat(strict.divergenceWarn()).isLessThan(normal.divergenceWarn());
        assertThat(normal.divergenceWarn()).isLessThan(permissive.divergenceWarn());
        assertThat(strict.ciWideBps()).isLessThan(normal.ciWideBps());
        assertThat(normal.ciWideBps()).isLessThan(permissive.ciWideBps());
        assertThat(strict.jumpWarnBps()).isLessThan(normal.jumpWarnBps());
        assertThat(normal.jumpWarnBps()).isLessThan(permissive.jumpWarnBps());
        assertThat(strict.outlierK()).isLessThan(normal.outlierK());
        assertThat(normal.outlierK()).isLessThan(permissive.outlierK());
    }

    @Test
    void strictBlocksADisagreementThatNormalOnlyFlags() {
        InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(Features.T + 5));
        QuantModel normal = new QuantModel(GuardrailProfile.NORMAL.config(), SourceWeights.EQUAL, clock,
                new QuantMetrics(new PrometheusRegistry()));
        QuantModel strict = new QuantModel(GuardrailProfile.STRICT.config(), SourceWeights.EQUAL, clock,
                new QuantMetrics(new PrometheusRegistry()));
        double lo = GuardrailProfile.STRICT.config().divergenceBlock();
        double hi = GuardrailProfile.NORMAL.config().divergenceBlock();
        // three sources moving from agreement to full disagreement step by step: find the first spread whose divergence lies between the two
        // block thresholds (deterministic: the same inputs give the same divergence)
        double[][] corners = {{0.90, 0.05, 0.05}, {0.05, 0.90, 0.05}, {0.05, 0.05, 0.90}};
        double[] centre = {1 / 3.0, 1 / 3.0, 1 / 3.0};
        for (int step = 0; step <= 100; step++) {
            double t = 0.01 * step;
            double[][] sources = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    sources[i][k] = (1 - t) * centre[k] + t * corners[i][k];
                }
            }
            var fv = Features.of(sources[0], sources[1], sources[2]);
            ModelOutput underNormal = normal.evaluate(fv);
            double divergence = underNormal.diagnostics().divergence();
            if (divergence > lo && divergence < hi) {
                assertThat(underNormal.isBlocked()).as("NORMAL at divergence %s", divergence).isFalse();
                assertThat(strict.evaluate(fv).blockedReason()).as("STRICT at divergence %s", divergence)
                        .contains("SOURCE_DIVERGENCE");
                return;
            }
        }
        throw new AssertionError("no spread in the family gave a divergence between " + lo + " and " + hi);
    }
}
