package com.m0club.signer.client;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.signer.AgentCluster;
import com.m0club.signer.BearerToken;
import com.m0club.signer.Fixtures;
import com.m0club.signer.TestPki;
import com.m0club.protocol.testing.ManualClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdSignerTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private ThresholdSignerMetrics metrics;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private AgentCluster cluster(Optional<BearerToken> token) {
        return own(new AgentCluster(dir, 3, 2, clock, Fixtures.directory(), token));
    }

    private ThresholdSigner client(AgentCluster c, List<URI> endpoints, Duration deadline, Optional<BearerToken> t) {
        metrics = new ThresholdSignerMetrics(new PrometheusRegistry());
        return own(ThresholdSigner.builder()
                .signerSet(c.set)
                .endpoints(endpoints)
                .requestTimeout(Duration.ofMinutes(1))
                .deadline(deadline)
                .bearerToken(t)
                .tls(TestPki.client())
                .metrics(metrics)
                .build());
    }

    private ThresholdSigner client(AgentCluster c, List<URI> endpoints) {
        // A deadline far beyond any test: quorum decisions below come from answers, never from the clock.
        return client(c, endpoints, Duration.ofMinutes(5), c.implicitToken());
    }

    private static QuorumException quorumFailure(CompletableFuture<SignedBundle> f) throws Exception {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(QuorumException.class);
            return (QuorumException) e.getCause();
        }
        throw new AssertionError("expected a quorum failure, got a signed bundle");
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void collectsTwoOfThreeAndTheResultVerifies() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        ThresholdSigner signer = client(c, c.endpoints());
        EncodedBundle bundle = Fixtures.bundle(1, NOW);

        SignedBundle signed = signer.collect(bundle).get(60, TimeUnit.SECONDS);

        assertThat(signed.bundle().bundleHash()).isEqualTo(bundle.bundleHash());
        assertThat(signed.signatures()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(signed.verify(c.set).passed()).isTrue();
        assertThat(signer.collectBlocking(bundle).verify(c.set).passed()).isTrue(); // idempotent retry
    }

    @Test
    void oneAgentDownStillReachesQuorum() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        c.stop(1);
        ThresholdSigner signer = client(c, c.endpoints());

        SignedBundle signed = signer.collect(Fixtures.bundle(1, NOW)).get(60, TimeUnit.SECONDS);

        assertThat(signed.signatures()).extracting(SignerSignature::key)
                .containsExactlyInAnyOrder(c.keys.get(0).publicKey(), c.keys.get(2).publicKey());
        assertThat(signed.verify(c.set).passed()).isTrue();
    }

    @Test
    void twoAgentsDownFailsFastWithAPerAgentReport() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        c.stop(0);
        c.stop(2);
        ThresholdSigner signer = client(c, c.endpoints());
        EncodedBundle bundle = Fixtures.bundle(1, NOW);

        QuorumException e = quorumFailure(signer.collect(bundle));

        // Decided by the answers (two unreachable), not by the five-minute deadline.
        assertThat(e.kind()).isEqualTo(QuorumException.Kind.QUORUM_IMPOSSIBLE);
        assertThat(e.threshold()).isEqualTo(2);
        assertThat(e.validCount()).isLessThanOrEqualTo(1);
        assertThat(e.outcomes()).hasSize(3);
        assertThat(e.outcomes().get(0).result()).isEqualTo(AgentOutcome.Result.UNREACHABLE);
        assertThat(e.outcomes().get(2).result()).isEqualTo(AgentOutcome.Result.UNREACHABLE);
        assertThat(e.getMessage())
                .contains("signer set 7", "sequence 1", bundle.bundleHash().toHex(), "2 needed")
                .contains(c.endpoint(0) + " -> UNREACHABLE", c.endpoint(2) + " -> UNREACHABLE")
                .contains(c.endpoint(1).toString());
        assertThat(metrics.quorumFailures()).isEqualTo(1);
        assertThatThrownBy(() -> signer.collectBlocking(bundle)).isInstanceOf(QuorumException.class);
    }

    @Test
    void refusalsAreReportedWithStatusAndReason() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        ThresholdSigner signer = client(c, c.endpoints());
        clock.advance(3_600_000); // every agent finds the bundle stale

        QuorumException e = quorumFailure(signer.collect(Fixtures.bundle(1, NOW)));

        assertThat(e.kind()).isEqualTo(QuorumException.Kind.QUORUM_IMPOSSIBLE);
        assertThat(e.outcomes()).filteredOn(o -> o.result() == AgentOutcome.Result.REFUSED)
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(o -> {
                    assertThat(o.httpStatus()).hasValue(422);
                    assertThat(o.reason()).isEqualTo("BUNDLE_STALE");
                });
        assertThat(e.getMessage()).contains("REFUSED [422] BUNDLE_STALE");
    }

    @Test
    void aBogusSignatureIsNotCounted() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        FakeAgent bogus = own(FakeAgent.bogus(c.keys.get(2)));
        // Agent 2's endpoint is replaced by one that signs the wrong message with agent 2's (member) key.
        List<URI> endpoints = List.of(c.endpoint(0), c.endpoint(1), bogus.endpoint());
        ThresholdSigner signer = client(c, endpoints);

        SignedBundle signed = signer.collect(Fixtures.bundle(1, NOW)).get(60, TimeUnit.SECONDS);
        assertThat(signed.signatures()).extracting(SignerSignature::key)
                .containsExactlyInAnyOrder(c.keys.get(0).publicKey(), c.keys.get(1).publicKey());

        // With one honest agent down, the bogus one cannot make up the quorum.
        c.stop(1);
        QuorumException e = quorumFailure(signer.collect(Fixtures.bundle(2, NOW)));
        assertThat(e.outcomes().get(2).result()).isEqualTo(AgentOutcome.Result.INVALID_SIGNATURE);
        assertThat(e.outcomes().get(2).httpStatus()).hasValue(200);
        assertThat(e.getMessage()).contains(bogus.endpoint() + " -> INVALID_SIGNATURE");
        eventually(() -> metrics.requests(bogus.endpoint(), AgentOutcome.Result.INVALID_SIGNATURE) >= 1);
    }

    @Test
    void completesWithoutWaitingForASlowAgentAndCancelsIt() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        FakeAgent slow = own(FakeAgent.slow(c.keys.get(1)));
        List<URI> endpoints = List.of(c.endpoint(0), slow.endpoint(), c.endpoint(2));
        ThresholdSigner signer = client(c, endpoints);

        CompletableFuture<SignedBundle> f = signer.collect(Fixtures.bundle(1, NOW));
        SignedBundle signed = f.get(60, TimeUnit.SECONDS);

        // The slow agent has not answered (it cannot: its latch is still closed), yet the round is complete.
        assertThat(slow.release.getCount()).isEqualTo(1);
        assertThat(signed.signatures()).extracting(SignerSignature::key)
                .containsExactlyInAnyOrder(c.keys.get(0).publicKey(), c.keys.get(2).publicKey());
        // Its request is cancelled rather than left running.
        eventually(() -> metrics.requests(slow.endpoint(), AgentOutcome.Result.CANCELLED) == 1);
    }

    @Test
    void theDeadlineFailsARoundThatCannotFinish() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        FakeAgent slow1 = own(FakeAgent.slow(c.keys.get(1)));
        FakeAgent slow2 = own(FakeAgent.slow(c.keys.get(2)));
        ThresholdSigner signer = client(c, List.of(c.endpoint(0), slow1.endpoint(), slow2.endpoint()),
                Duration.ofMillis(300), c.implicitToken());

        QuorumException e = quorumFailure(signer.collect(Fixtures.bundle(1, NOW)));

        assertThat(e.kind()).isEqualTo(QuorumException.Kind.DEADLINE_EXCEEDED);
        assertThat(e.outcomes().get(0).result()).isEqualTo(AgentOutcome.Result.SIGNED);
        assertThat(e.outcomes().get(1).result()).isEqualTo(AgentOutcome.Result.NO_ANSWER);
        assertThat(e.getMessage()).contains("deadline");
    }

    @Test
    void readinessCountsAgentsThatAnswerWithKeysOfTheSet() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        ThresholdSigner signer = client(c, c.endpoints());
        SignerReadiness all = signer.readiness();
        assertThat(all.ready()).isTrue();
        assertThat(all.answering()).isEqualTo(3);
        assertThat(all.agents()).extracting(s -> s.key().orElseThrow())
                .containsExactlyElementsOf(c.keys.stream().map(k -> k.publicKey()).toList());

        c.stop(0);
        c.stop(1);
        SignerReadiness degraded = signer.readiness();
        assertThat(degraded.ready()).isFalse();
        assertThat(degraded.answering()).isEqualTo(1);
        assertThat(degraded.describe()).contains("1/3").contains("threshold 2");
        assertThat(degraded.agents().get(0).answering()).isFalse();
    }

    @Test
    void bearerTokenEndToEnd() throws Exception {
        BearerToken token = BearerToken.of("cluster-token-0123456789");
        AgentCluster c = cluster(Optional.of(token));
        ThresholdSigner withToken = client(c, c.endpoints(), Duration.ofMinutes(5), Optional.of(token));
        assertThat(withToken.collect(Fixtures.bundle(1, NOW)).get(60, TimeUnit.SECONDS).verify(c.set).passed())
                .isTrue();
        assertThat(withToken.toString()).doesNotContain("cluster-token");

        ThresholdSigner without = client(c, c.endpoints());
        QuorumException e = quorumFailure(without.collect(Fixtures.bundle(2, NOW)));
        assertThat(e.outcomes()).allSatisfy(o -> {
            assertThat(o.result()).isIn(AgentOutcome.Result.ERROR, AgentOutcome.Result.NO_ANSWER);
        });
        assertThat(e.getMessage()).contains("ERROR [401] UNAUTHORIZED");
    }

    @Test
    void refusesBundlesOfAnotherSetAndImpossibleConfigurations() {
        AgentCluster c = cluster(Optional.empty());
        ThresholdSigner signer = client(c, c.endpoints());
        EncodedBundle other = Fixtures.bundle(99, 1, NOW, List.of(Fixtures.sportsItem(NOW)));
        assertThat(signer.collect(other)).isCompletedExceptionally();

        assertThatThrownBy(() -> ThresholdSigner.builder().signerSet(c.set).endpoints(List.of(c.endpoint(0)))
                .tls(TestPki.client()).registry(new PrometheusRegistry()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("can never reach the threshold 2");
        SignerKey k = c.keys.get(0).publicKey();
        assertThat(c.set.contains(k)).isTrue();
    }
}
