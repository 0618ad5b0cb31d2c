package com.m0club.signer.client;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.signer.AgentCluster;
import com.m0club.signer.Fixtures;
import com.m0club.signer.TestPki;
import com.m0club.protocol.testing.ManualClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 1: a signer set whose agents all answer but refuse to sign (here: a sequence jump above their gap)
 * cannot reach quorum; the "signer quorum" readiness must say so and {@code m0_signer_quorum_available} must drop.
 */
class QuorumReadinessTest {
    @TempDir
    Path dir;

    @Test
    void roundsThatFailToReachQuorumMakeReadinessDownUntilARoundSucceeds() throws Exception {
        ManualClock clock = new ManualClock(NOW);
        try (AgentCluster c = new AgentCluster(dir, 3, 2, clock, Fixtures.directory(), Optional.empty())) {
            ThresholdSignerMetrics metrics = new ThresholdSignerMetrics(new PrometheusRegistry());
            try (ThresholdSigner signer = ThresholdSigner.builder().signerSet(c.set).endpoints(c.endpoints())
                    .requestTimeout(Duration.ofMinutes(1)).deadline(Duration.ofMinutes(5))
                    .bearerToken(c.implicitToken()).tls(TestPki.client()).metrics(metrics).build()) {
                signer.collect(Fixtures.bundle(1, NOW)).get(60, TimeUnit.SECONDS);
                assertThat(signer.readiness().ready()).isTrue();
                assertThat(metrics.quorumAvailable()).isEqualTo(1);

                // every agent answers /v1/key, but each refuses the jump: no quorum
                try {
                    signer.collect(Fixtures.bundle(1 + 5_000, NOW)).get(60, TimeUnit.SECONDS);
                    throw new AssertionError("a jump above the gap was signed");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(QuorumException.class);
                }
                SignerReadiness down = signer.readiness();
                assertThat(down.answering()).isEqualTo(3);
                assertThat(down.ready()).isFalse();
                assertThat(down.consecutiveQuorumFailures()).isEqualTo(1);
                assertThat(down.describe()).contains("did not reach quorum").contains("sequence 5001");
                assertThat(metrics.quorumAvailable()).isZero();
                assertThat(metrics.quorumFailures()).isEqualTo(1);

                signer.collect(Fixtures.bundle(2, NOW)).get(60, TimeUnit.SECONDS);
                assertThat(signer.readiness().ready()).isTrue();
                assertThat(metrics.quorumAvailable()).isEqualTo(1);
            }
        }
    }
}
