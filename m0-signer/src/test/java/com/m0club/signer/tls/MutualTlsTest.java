package com.m0club.signer.tls;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.BearerToken;
import com.m0club.signer.Fixtures;
import com.m0club.signer.SignerWire;
import com.m0club.signer.TestPki;
import com.m0club.signer.agent.SignerAgent;
import com.m0club.signer.agent.SignerAgentMetrics;
import com.m0club.signer.agent.SignerAgentServer;
import com.m0club.signer.client.AgentOutcome;
import com.m0club.signer.client.QuorumException;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.signer.client.ThresholdSignerMetrics;
import com.m0club.signer.keystore.KeyStoreFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between the threshold client and an agent, over real TLS 1.3 on loopback (ephemeral ports, no mocks):
 * the bundler's certificate signs; no certificate, a certificate of another CA, and an allowed CA's certificate
 * with a name not on the list are each refused in the handshake and counted by reason; plain HTTP is refused; and
 * the client refuses an agent whose certificate is not from the CA or does not name the host it dialled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutualTlsTest {
    private static final BearerToken TOKEN = BearerToken.of("mutual-tls-token-0123456789");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private SignerAgentMetrics metrics;
    private SignerAgent agent;
    private SignerAgentServer server;

    @BeforeEach
    void start() {
        metrics = new SignerAgentMetrics(new PrometheusRegistry());
        server = start(TestPki.agent());
    }

    private SignerAgentServer start(AgentTls tls) {
        if (server != null) {
            server.close();
            agent.close();
        }
        Path keyFile = KeyStoreFile.defaultPath(dir, 0);
        SigningKey key = KeyStoreFile.loadOrGenerate(keyFile);
        agent = SignerAgent.builder().key(key).signerSet(Fixtures.set(1, List.of(key))).markets(Fixtures.directory())
                .clock(clock).stateDir(dir.resolve("state")).keyFile(keyFile).build();
        server = SignerAgentServer.builder(agent).metrics(metrics).tls(tls).bearerToken(TOKEN).build().start();
        return server;
    }

    @AfterEach
    void stop() {
        server.close();
        agent.close();
    }

    @Test
    void theBundlersCertificateSignsAndTheSignatureVerifies() throws Exception {
        try (ThresholdSigner signer = client(TestPki.client(), server.endpoint())) {
            SignedBundle signed = signer.collectBlocking(Fixtures.bundle(1, NOW));
            assertThat(signed.signatures()).hasSize(1);
            assertThat(signed.signatures().getFirst().verifies(Fixtures.bundle(1, NOW).signedMessage())).isTrue();
        }
        for (TlsRefusal r : TlsRefusal.values()) {
            assertThat(metrics.tlsRefusals(r)).as(r.label()).isZero();
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedInTheHandshakeAndCounted() throws Exception {
        SSLContext noCert = SSLContext.getInstance(AgentTls.PROTOCOL);
        noCert.init(null, new javax.net.ssl.TrustManager[] {TrustManagers.pkix(List.of(TestPki.ca()))}, null);
        assertHandshakeRefused(noCert);
        eventually(() -> metrics.tlsRefusals(TlsRefusal.NO_CLIENT_CERTIFICATE), 1);
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).isZero();
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAndCounted() {
        assertSignRefused(TestPki.clientOfOtherCa());
        eventually(() -> metrics.tlsRefusals(TlsRefusal.UNTRUSTED_CERTIFICATE), 1);
        assertThat(metrics.tlsRefusals(TlsRefusal.IDENTITY_NOT_ALLOWED)).isZero();
    }

    @Test
    void aCertificateOfTheCaWhoseNameIsNotAllowedIsRefusedAndCounted() {
        assertSignRefused(TestPki.stranger());
        eventually(() -> metrics.tlsRefusals(TlsRefusal.IDENTITY_NOT_ALLOWED), 1);
        assertThat(metrics.tlsRefusals(TlsRefusal.UNTRUSTED_CERTIFICATE)).isZero();
    }

    @Test
    void plainHttpToTheAgentPortIsRefusedAndCounted() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI plain = URI.create("http://127.0.0.1:" + server.port() + SignerWire.HEALTH_PATH);
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
        eventually(() -> metrics.tlsRefusals(TlsRefusal.HANDSHAKE_FAILED), 1);
    }

    @Test
    void theClientRefusesAnAgentWhoseCertificateIsNotFromTheCa() throws Exception {
        start(TestPki.agentOfOtherCa());
        assertClientRefusesTheAgent();
    }

    @Test
    void theClientRefusesAnAgentWhoseCertificateDoesNotNameTheHostItDialled() throws Exception {
        // issued by the right CA, but for another host: host name verification is on
        KeyPair caKeys = CertificateBuilder.newKeyPair(new java.security.SecureRandom());
        X509Certificate ca = CertificateBuilder.of("local CA", CertificateBuilder.Usage.CA).selfSigned(caKeys);
        KeyPair keys = CertificateBuilder.newKeyPair(new java.security.SecureRandom());
        X509Certificate cert = CertificateBuilder.of("agent-elsewhere", CertificateBuilder.Usage.SERVER)
                .dns("agent-elsewhere.example").issuedBy(keys.getPublic(), ca, caKeys.getPrivate());
        start(AgentTls.of(List.of(cert), keys.getPrivate(), List.of(ca), ClientIdentities.of(TestPki.CLIENT_ID)));
        KeyPair clientKeys = CertificateBuilder.newKeyPair(new java.security.SecureRandom());
        X509Certificate clientCert = CertificateBuilder.of(TestPki.CLIENT_ID, CertificateBuilder.Usage.CLIENT)
                .issuedBy(clientKeys.getPublic(), ca, caKeys.getPrivate());
        ClientTls client = ClientTls.of(List.of(ca), List.of(clientCert), clientKeys.getPrivate());
        try (ThresholdSigner signer = client(client, server.endpoint())) {
            QuorumException e = quorumFailure(signer);
            assertThat(e.outcomes().getFirst().result()).isEqualTo(AgentOutcome.Result.TLS_FAILED);
            assertThat(e.outcomes().getFirst().message()).containsIgnoringCase("subject alternative");
        }
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).isZero();
    }

    private void assertClientRefusesTheAgent() throws Exception {
        try (ThresholdSigner signer = client(TestPki.client(), server.endpoint())) {
            QuorumException e = quorumFailure(signer);
            assertThat(e.outcomes().getFirst().result()).isEqualTo(AgentOutcome.Result.TLS_FAILED);
            assertThat(e.getMessage()).contains("TLS handshake failed");
        }
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).as("nothing reached the agent").isZero();
    }

    private void assertSignRefused(ClientTls tls) {
        assertHandshakeRefused(tls.sslContext());
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).as("nothing was signed").isZero();
    }

    /**
     * One TLS connection with {@code ctx}, then a request: the agent refuses the client in the handshake (TLS 1.3
     * delivers the refusal with the first read), so no HTTP request ever gets an answer.
     */
    private void assertHandshakeRefused(SSLContext ctx) {
        assertThatThrownBy(() -> {
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
                    .createSocket("127.0.0.1", server.port())) {
                s.setSoTimeout(20_000);
                s.startHandshake();
                s.getOutputStream().write(("GET " + SignerWire.HEALTH_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed without an answer");
                }
            }
        }).isInstanceOf(IOException.class);
    }

    private static QuorumException quorumFailure(ThresholdSigner signer) throws InterruptedException {
        try {
            signer.collectBlocking(Fixtures.bundle(1, NOW));
        } catch (QuorumException e) {
            return e;
        }
        throw new AssertionError("the round reached quorum through an agent the client must refuse");
    }

    private ThresholdSigner client(ClientTls tls, URI endpoint) {
        return ThresholdSigner.builder().signerSet(agent.signerSet()).endpoints(List.of(endpoint)).tls(tls)
                .bearerToken(TOKEN).requestTimeout(Duration.ofSeconds(20)).deadline(Duration.ofSeconds(40))
                .metrics(new ThresholdSignerMetrics(new PrometheusRegistry())).build();
    }

    private static void eventually(LongSupplier value, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(value.getAsLong()).isEqualTo(expected);
    }

}
