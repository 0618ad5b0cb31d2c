package com.m0club.signer.agent;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.signer.AgentCluster;
import com.m0club.signer.BearerToken;
import com.m0club.signer.Fixtures;
import com.m0club.signer.TestPki;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.LogCapture;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.SignerWire;
import com.m0club.signer.keystore.KeyStoreFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignerAgentServerTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private final HttpClient http = TestPki.http();
    private AgentCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        http.shutdownNow();
    }

    private AgentCluster cluster(Optional<BearerToken> token) {
        cluster = new AgentCluster(dir, 3, 2, clock, Fixtures.directory(), token);
        return cluster;
    }

    record Reply(int status, JsonNode json, Optional<String> requestId) {
        String error() {
            return json.path(SignerWire.ERROR).asText();
        }
    }

    private Reply post(URI endpoint, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + SignerWire.SIGN_PATH))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            b.header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE);
        }
        implicitAuth(b, headers);
        return send(b.build());
    }

    private Reply get(URI endpoint, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        implicitAuth(b, headers);
        return send(b.build());
    }

    /** Agents always require a token: tests that do not exercise auth send the cluster's generated one. */
    private void implicitAuth(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                return;
            }
        }
        if (cluster != null) {
            cluster.implicitToken().ifPresent(t -> b.header("Authorization", t.authorizationHeader()));
        }
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), SignerWire.JSON.readTree(r.body()),
                r.headers().firstValue(SignerWire.REQUEST_ID_HEADER));
    }

    @Test
    void signsAValidBundleAndAnswersWithAVerifiableSignature() throws Exception {
        cluster(Optional.empty());
        EncodedBundle bundle = Fixtures.bundle(1, NOW);
        Reply r = post(cluster.endpoint(0), bundle.bytes(), SignerWire.REQUEST_ID_HEADER, "req-1");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.requestId()).contains("req-1");
        assertThat(r.json().path(SignerWire.PUBLIC_KEY_HEX).asText())
                .isEqualTo(cluster.keys.get(0).publicKey().toHex());
        assertThat(r.json().path(SignerWire.SIGNER_SET_ID).asLong()).isEqualTo(Fixtures.SET_ID);
        assertThat(r.json().path(SignerWire.SEQUENCE).asLong()).isEqualTo(1);
        assertThat(r.json().path(SignerWire.BUNDLE_HASH_HEX).asText()).isEqualTo(bundle.bundleHash().toHex());
        SignerSignature sig = SignerSignature.fromHex(r.json().path(SignerWire.PUBLIC_KEY_HEX).asText(),
                r.json().path(SignerWire.SIGNATURE_HEX).asText());
        assertThat(sig.verifies(bundle.signedMessage())).isTrue();
        assertThat(cluster.metrics.requests(SignerAgentMetrics.SIGNED)).isEqualTo(1);
    }

    @Test
    void replayRulesOverHttpAndAcrossARestart() throws Exception {
        cluster(Optional.empty());
        EncodedBundle first = Fixtures.bundle(5, NOW);
        EncodedBundle other = Fixtures.otherBundle(5, NOW);
        assertThat(first.bundleHash()).isNotEqualTo(other.bundleHash());

        Reply a = post(cluster.endpoint(0), first.bytes());
        Reply again = post(cluster.endpoint(0), first.bytes());
        assertThat(a.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path(SignerWire.SIGNATURE_HEX).asText())
                .isEqualTo(a.json().path(SignerWire.SIGNATURE_HEX).asText());

        Reply conflict = post(cluster.endpoint(0), other.bytes());
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.error()).isEqualTo(RefusalReason.SEQUENCE_CONFLICT.name());
        assertThat(conflict.json().path(SignerWire.MESSAGE).asText()).contains("double sign");

        Reply lower = post(cluster.endpoint(0), Fixtures.bundle(4, NOW).bytes());
        assertThat(lower.status()).isEqualTo(409);
        assertThat(lower.error()).isEqualTo(RefusalReason.SEQUENCE_BELOW_HIGH_WATER_MARK.name());

        // Restart agent 0 on the same key and state dir, with a torn journal tail from the "crash".
        cluster.stop(0);
        Files.write(dir.resolve("state/agent-0/replay-guard.journal"), new byte[] {1, 2, 3},
                StandardOpenOption.APPEND);
        cluster.start(0);
        assertThat(cluster.agent(0).guard().recovery().bytesTruncated()).isEqualTo(3);

        Reply afterRestart = post(cluster.endpoint(0), other.bytes());
        assertThat(afterRestart.status()).isEqualTo(409);
        assertThat(afterRestart.error()).isEqualTo(RefusalReason.SEQUENCE_CONFLICT.name());
        Reply retry = post(cluster.endpoint(0), first.bytes());
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().path(SignerWire.SIGNATURE_HEX).asText())
                .isEqualTo(a.json().path(SignerWire.SIGNATURE_HEX).asText());
        assertThat(cluster.metrics.refusals(RefusalReason.SEQUENCE_CONFLICT)).isEqualTo(2);
    }

    @Test
    void policyRefusalsAre422WithTheirReason() throws Exception {
        cluster(Optional.empty());
        clock.advance(1_000_000);
        Reply stale = post(cluster.endpoint(1), Fixtures.bundle(1, NOW).bytes());
        assertThat(stale.status()).isEqualTo(422);
        assertThat(stale.error()).isEqualTo(RefusalReason.BUNDLE_STALE.name());
        assertThat(stale.json().path(SignerWire.MESSAGE).asText()).contains("max_commit_staleness_ms");

        byte[] bytes = Fixtures.bundle(2, NOW + 1_000_000).bytes();
        byte[] nonCanonical = java.util.Arrays.copyOf(bytes, bytes.length + 2);
        Reply invalid = post(cluster.endpoint(1), nonCanonical);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.error()).isEqualTo(RefusalReason.INVALID_BUNDLE.name());
        assertThat(cluster.metrics.refusals(RefusalReason.BUNDLE_STALE)).isEqualTo(1);
        assertThat(cluster.metrics.refusals(RefusalReason.INVALID_BUNDLE)).isEqualTo(1);
    }

    @Test
    void anUnusableGuardFailsClosedWith503() throws Exception {
        cluster(Optional.empty());
        cluster.agent(0).guard().close();
        Reply r = post(cluster.endpoint(0), Fixtures.bundle(1, NOW).bytes());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.error()).isEqualTo(RefusalReason.GUARD_UNAVAILABLE.name());
        assertThat(cluster.metrics.refusals(RefusalReason.GUARD_UNAVAILABLE)).isEqualTo(1);
    }

    @Test
    void malformedRequestsAre400AndOversizedBodies413() throws Exception {
        cluster(Optional.empty());
        URI e = cluster.endpoint(0);
        byte[] bundle = Fixtures.bundle(1, NOW).bytes();

        Reply json = post(e, bundle, "Content-Type", "application/json");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.error()).isEqualTo(SignerWire.BAD_REQUEST);
        assertThat(json.json().path(SignerWire.MESSAGE).asText()).contains("application/octet-stream");

        Reply empty = post(e, new byte[0]);
        assertThat(empty.status()).isEqualTo(400);

        Reply badId = post(e, bundle, SignerWire.REQUEST_ID_HEADER, "has spaces in it");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path(SignerWire.MESSAGE).asText()).contains(SignerWire.REQUEST_ID_HEADER);

        Reply huge = post(e, new byte[SignerWire.MAX_BUNDLE_BYTES + 1]);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.error()).isEqualTo(SignerWire.PAYLOAD_TOO_LARGE);

        assertThat(cluster.metrics.requests(SignerAgentMetrics.BAD_REQUEST)).isEqualTo(3);
        assertThat(cluster.metrics.requests(SignerAgentMetrics.TOO_LARGE)).isEqualTo(1);
        // The agent still works afterwards.
        assertThat(post(e, bundle).status()).isEqualTo(200);
    }

    @Test
    void keyAndHealthEndpoints() throws Exception {
        cluster(Optional.empty());
        Reply key = get(cluster.endpoint(2), SignerWire.KEY_PATH);
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.json().path(SignerWire.PUBLIC_KEY_HEX).asText())
                .isEqualTo(cluster.keys.get(2).publicKey().toHex());
        assertThat(key.json().path(SignerWire.SIGNER_SET_ID).asLong()).isEqualTo(Fixtures.SET_ID);
        Reply health = get(cluster.endpoint(2), SignerWire.HEALTH_PATH);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void bearerTokenIsRequiredWhenConfigured() throws Exception {
        BearerToken token = BearerToken.of("s3cret-token-0123456789");
        cluster(Optional.of(token));
        byte[] bundle = Fixtures.bundle(1, NOW).bytes();

        Reply none = post(cluster.endpoint(0), bundle);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error()).isEqualTo(SignerWire.UNAUTHORIZED);
        Reply wrong = post(cluster.endpoint(0), bundle, "Authorization", "Bearer s3cret-token-0123456780");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(get(cluster.endpoint(0), SignerWire.KEY_PATH).status()).isEqualTo(401);
        assertThat(get(cluster.endpoint(0), SignerWire.HEALTH_PATH).status()).isEqualTo(200);

        Reply right = post(cluster.endpoint(0), bundle, "Authorization", token.authorizationHeader());
        assertThat(right.status()).isEqualTo(200);
        assertThat(cluster.metrics.requests(SignerAgentMetrics.UNAUTHORIZED)).isEqualTo(2);
        assertThat(token.toString()).doesNotContain("s3cret");
    }

    @Test
    void everySignRequestIsAuditedAndNoKeyMaterialIsLogged() throws Exception {
        BearerToken token = BearerToken.of("audit-token-abcdefghijkl");
        List<String> lines;
        try (LogCapture logs = new LogCapture()) {
            cluster(Optional.of(token));
            String auth = token.authorizationHeader();
            EncodedBundle bundle = Fixtures.bundle(3, NOW);
            post(cluster.endpoint(0), bundle.bytes(), "Authorization", auth, SignerWire.REQUEST_ID_HEADER, "r-ok");
            post(cluster.endpoint(0), Fixtures.otherBundle(3, NOW).bytes(), "Authorization", auth,
                    SignerWire.REQUEST_ID_HEADER, "r-conflict");
            post(cluster.endpoint(0), new byte[] {1, 2, 3}, "Authorization", auth, SignerWire.REQUEST_ID_HEADER,
                    "r-garbage");
            post(cluster.endpoint(0), bundle.bytes(), SignerWire.REQUEST_ID_HEADER, "r-noauth");
            lines = logs.lines();

            List<String> audit = logs.lines(SignerAgentServer.AUDIT_LOGGER);
            assertThat(audit).hasSize(4);
            assertThat(audit.get(0)).contains("request_id=r-ok", "caller=127.0.0.1:", "client=bundler", "set=7", "sequence=3",
                    "bundle_hash=" + bundle.bundleHash().toHex(), "markets=2", "result=signed", "status=200");
            assertThat(audit.get(1)).contains("request_id=r-conflict", "result=refused", "status=409",
                    "reason=SEQUENCE_CONFLICT");
            assertThat(audit.get(2)).contains("request_id=r-garbage", "set=-", "status=422",
                    "reason=INVALID_BUNDLE");
            assertThat(audit.get(3)).contains("request_id=r-noauth", "status=401", "result=unauthorized");
        }
        for (int i = 0; i < 3; i++) {
            String seedHex = HexFormat.of().formatHex(KeyStoreFile.load(KeyStoreFile.defaultPath(dir, i)).seed());
            assertThat(lines).allSatisfy(l -> assertThat(l.toLowerCase(Locale.ROOT)).doesNotContain(seedHex));
            assertThat(cluster.agent(i).toString()).doesNotContain(seedHex);
            assertThat(cluster.server(i).toString()).doesNotContain(seedHex);
        }
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("audit-token-abcdefghijkl"));
    }

    @Test
    void aCallerThatHangsUpMidBodyIsCountedAsGoneNotAsAnAgentError() throws Exception {
        AgentCluster c = cluster(Optional.empty());
        URI endpoint = c.endpoints().get(0);
        try (java.net.Socket socket = TestPki.socket(endpoint.getPort())) {
            var out = socket.getOutputStream();
            out.write(("POST " + SignerWire.SIGN_PATH + " HTTP/1.1\r\nHost: " + endpoint.getHost()
                    + "\r\nContent-Type: " + SignerWire.BUNDLE_CONTENT_TYPE + "\r\nAuthorization: "
                    + c.implicitToken().orElseThrow().authorizationHeader() + "\r\nContent-Length: 4000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[100]);
            out.flush();
        } // closes the connection with 3,900 body bytes missing
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (c.metrics.requests(SignerAgentMetrics.CLIENT_GONE) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.metrics.requests(SignerAgentMetrics.CLIENT_GONE)).isEqualTo(1);
        assertThat(c.metrics.requests(SignerAgentMetrics.ERROR)).isZero();
        assertThat(c.metrics.requests(SignerAgentMetrics.SIGNED)).isZero();
    }
}
