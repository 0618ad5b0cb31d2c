package com.m0club.signer.agent;

import static com.m0club.http.testing.RawSockets.readToClose;
import static com.m0club.http.testing.RawSockets.readUntilClosed;
import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.http.testing.RawSockets;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.BearerToken;
import com.m0club.signer.Fixtures;
import com.m0club.signer.TestPki;
import com.m0club.signer.SignerWire;
import com.m0club.signer.keystore.KeyStoreFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 7 on the signer agent's listener: it runs m0-http's strict layer like the API and admin listeners. Raw
 * loopback sockets against one agent capped at {@value #CAP} connections with a 1 s idle timeout and a 400 ms header
 * timeout: a half-sent request line gets a 408 and is closed, a flood above the cap is held back and the listener
 * recovers, idle connections are closed, a malformed request gets the agent's JSON error shape, and a normal sign
 * request still works.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentListenerLimitsTest {
    private static final int CAP = 8;
    private static final int EXTRA = 100;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private final BearerToken token = BearerToken.random();
    private final List<Socket> sockets = new ArrayList<>();
    private PrometheusRegistry registry;
    private SignerAgent agent;
    private SignerAgentServer server;

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(1));
    }

    /** One agent capped at {@value #CAP} connections with {@code idleTimeout} and a 400 ms header timeout. */
    private void start(Duration idleTimeout) {
        stop();
        Path keyFile = KeyStoreFile.defaultPath(dir, 0);
        SigningKey key = KeyStoreFile.loadOrGenerate(keyFile);
        agent = SignerAgent.builder().key(key).signerSet(Fixtures.set(1, List.of(key)))
                .markets(Fixtures.directory()).clock(clock).stateDir(dir.resolve("state")).keyFile(keyFile).build();
        registry = new PrometheusRegistry();
        server = SignerAgentServer.builder(agent).registry(registry).tls(TestPki.agent()).bearerToken(token).host("127.0.0.1").port(0)
                .limits(CAP, idleTimeout).headerTimeout(Duration.ofMillis(400)).build().start();
    }

    @AfterEach
    void stop() {
        sockets.forEach(RawSockets::closeQuietly);
        sockets.clear();
        if (server != null) {
            server.close();
            agent.close();
            server = null;
        }
    }

    @Test
    void halfARequestLineThenAStallIsAnswered408AndClosed() throws IOException {
        start(Duration.ofSeconds(30)); // the idle timeout does not race the header deadline
        Socket s = connect();
        s.getOutputStream().write("POST /v1/si".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        long t0 = System.nanoTime();
        String response = readToClose(s);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(response).startsWith("HTTP/1.1 408").contains("request head");
        assertThat(ms).as("closed after the 400 ms deadline, well before the 30 s idle timeout")
                .isBetween(300L, 5_000L);
        JsonNode body = SignerWire.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(body.path(SignerWire.ERROR).asText()).isEqualTo("REQUEST_TIMEOUT");
        assertThat(body.path(SignerWire.MESSAGE).asText()).contains("400 ms");
        assertThat(counter("m0_signer_http_header_timeouts")).isEqualTo(1.0);
    }

    @Test
    void aSignRequestStillWorks() throws Exception {
        EncodedBundle bundle = Fixtures.bundle(1, NOW);
        try (HttpClient http = TestPki.http()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + SignerWire.SIGN_PATH))
                    .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                    .header("Authorization", token.authorizationHeader())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.bytes())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            JsonNode json = SignerWire.JSON.readTree(r.body());
            SignerSignature sig = SignerSignature.fromHex(json.path(SignerWire.PUBLIC_KEY_HEX).asText(),
                    json.path(SignerWire.SIGNATURE_HEX).asText());
            assertThat(sig.verifies(bundle.signedMessage())).isTrue();
        }
        assertThat(counter("m0_signer_http_header_timeouts")).isZero();
    }

    @Test
    void aMalformedRequestGetsTheAgentsJsonErrorShape() throws IOException {
        Socket s = connect();
        s.getOutputStream().write(("POST /v1/sign HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
                + "\r\nab").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        String response = readToClose(s);
        assertThat(response).startsWith("HTTP/1.1 400").contains("application/json");
        JsonNode body = SignerWire.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(body.path(SignerWire.ERROR).asText()).isEqualTo(SignerWire.BAD_REQUEST);
        assertThat(body.path(SignerWire.MESSAGE).asText()).isNotBlank();
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).as("nothing was signed").isZero();
    }

    @Test
    void aFloodAboveTheCapIsHeldBackAndTheListenerSurvivesAndRecovers() throws Exception {
        start(Duration.ofSeconds(30)); // no connection is let go while the flood is counted
        byte[] request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        java.util.concurrent.atomic.AtomicInteger handshaken = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CAP + EXTRA; i++) {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            sockets.add(plain);
            // the TLS handshake of a connection in the accept backlog waits until the listener takes it
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestPki.client().sslContext()
                            .getSocketFactory().createSocket(plain, "127.0.0.1", server.port(), true);
                    s.setSSLParameters(TestPki.client().sslParameters());
                    s.startHandshake();
                    handshaken.incrementAndGet();
                    s.getOutputStream().write(request);
                } catch (IOException e) {
                    // closed below
                }
            }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (handshaken.get() < CAP && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // more would complete now if the cap did not hold them back
        assertThat(handshaken.get()).as("connections served at once").isBetween(1, CAP);

        // the flood goes away: the listener is still there and serves a new client
        sockets.forEach(RawSockets::closeQuietly);
        sockets.clear();
        for (Thread t : clients) {
            t.join(10_000);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = -1;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestPki.client().sslContext()).sslParameters(TestPki.client().sslParameters())
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline && status != 200) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + SignerWire.HEALTH_PATH))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
        }
        assertThat(status).as("a new client once the flood closed").isEqualTo(200);
    }

    @Test
    void idleConnectionsAreClosedByTheServer() throws Exception {
        Socket s = connect();
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(15_000);
        assertThat(readUntilClosed(s.getInputStream())).as("server closed the idle keep-alive connection").isTrue();
    }

    private Socket connect() throws IOException {
        Socket s = TestPki.socket(server.port());
        sockets.add(s);
        return s;
    }

    private double counter(String name) {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals(name))
                .mapToDouble(m -> ((CounterSnapshot) m).getDataPoints().getFirst().getValue()).sum();
    }




}
