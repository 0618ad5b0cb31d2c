package com.m0club.adapter.chain.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.local.LocalLedger;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.testing.ManualClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's side of the wire, driven with a plain HTTP client: strict requests (unknown parameters, wrong
 * methods, bodies that are not the format, bodies over their limit) get the standard JSON error naming the problem,
 * the bearer token is enforced, an unauthenticated server binds only loopback, and a long poll answers as soon as an
 * event is appended.
 */
class LedgerServerTest {
    private static final String TOKEN = "0123456789abcdef-ledger-token";

    @TempDir
    Path dir;
    private LocalLedger local;
    private PrometheusRegistry registry;
    private LedgerServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void open() throws IOException {
        local = LocalLedger.builder(dir.resolve("ledger")).clock(new ManualClock(1_767_225_600_000L))
                .registry(new PrometheusRegistry()).open();
        local.registerSignerSet(SignerSet.builder().id(1).threshold(2).key(key(1).publicKey())
                .key(key(2).publicKey()).status(SignerSetStatus.ACTIVE).activationMs(0).build());
        registry = new PrometheusRegistry();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        local.close();
        http.close();
    }

    private LedgerServer serve(LedgerServer.Builder b) {
        server = b.build().start();
        return server;
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint().resolve(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint().resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) throws IOException {
        JsonNode body = LedgerWire.JSON.readTree(r.body());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        return body.get("error");
    }

    @Test
    void requestsOutsideTheFormatGetA400NamingTheParameterOrField() throws Exception {
        serve(LedgerServer.builder(local).registry(registry));
        HttpResponse<String> unknown = get("/v1/ledger/last-sequence?signer_set_id=1&verbose=1");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown).get("message").asText()).contains("unknown query parameter 'verbose'");
        HttpResponse<String> missing = get("/v1/ledger/epoch?market=SPORTS_NBA_LAL_BOS");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing).get("message").asText()).contains("epoch_id is required");
        HttpResponse<String> badHash = get("/v1/ledger/commitment?commit_hash=" + "AB".repeat(32));
        assertThat(badHash.statusCode()).isEqualTo(400);
        assertThat(error(badHash).get("message").asText()).contains("lowercase hex");
        HttpResponse<String> twice = get("/v1/ledger/market?id=SPORTS_A&id=SPORTS_B");
        assertThat(error(twice).get("message").asText()).contains("more than once");

        String json = "application/json";
        HttpResponse<String> notJson = post("/v1/ledger/commit", json, "{\"commit_hash\":".getBytes());
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson).get("code").asText()).isEqualTo("bad_request");
        HttpResponse<String> noField = post("/v1/ledger/commit", json, ("{\"commit_hash\":\"" + "ab".repeat(32)
                + "\",\"sequence\":1}").getBytes());
        assertThat(error(noField).get("message").asText()).contains("signer_set_id: required");
        HttpResponse<String> floatSeq = post("/v1/ledger/commit", json, ("{\"commit_hash\":\"" + "ab".repeat(32)
                + "\",\"signer_set_id\":1,\"sequence\":1.0}").getBytes());
        assertThat(error(floatSeq).get("message").asText()).contains("sequence: must be an integer");
        HttpResponse<String> duplicate = post("/v1/ledger/activate-signer-set", json,
                "{\"signer_set_id\":1,\"signer_set_id\":2}".getBytes());
        assertThat(duplicate.statusCode()).isEqualTo(400);
        HttpResponse<String> unpadded = post("/v1/ledger/reveal", json,
                "{\"signed_bundle\":\"AAE\",\"salt\":\"AA==\"}".getBytes());
        assertThat(error(unpadded).get("message").asText()).contains("signed_bundle: must be canonical");
        HttpResponse<String> text = post("/v1/ledger/commit", "text/plain", "{}".getBytes());
        assertThat(error(text).get("message").asText()).contains("Content-Type must be application/json");
        assertThat(RemoteLedgerFailureTest.count(registry, "m0_ledger_server_requests", "commit", "bad_request"))
                .isEqualTo(4);
    }

    @Test
    void aReadAnswersOnlyGetAndAWriteOnlyPostAndUnknownPathsGet404WithTheJsonErrorBody() throws Exception {
        serve(LedgerServer.builder(local).registry(registry));
        HttpResponse<String> getOnWrite = get("/v1/ledger/commit");
        assertThat(getOnWrite.statusCode()).isEqualTo(405);
        assertThat(getOnWrite.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> postOnRead = post("/v1/ledger/clock", "application/json", "{}".getBytes());
        assertThat(postOnRead.statusCode()).isEqualTo(405);
        assertThat(postOnRead.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> unknown = get("/v1/ledger/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).get("code").asText()).isNotEmpty();
        HttpResponse<String> info = get("/v1/ledger/info");
        assertThat(LedgerWire.JSON.readTree(info.body()).get("wire_version").asInt()).isEqualTo(1);
    }

    @Test
    void bodiesAreBoundedAndAnOversizedRevealIsTheLedgersOwnTooLargeRefusal() throws Exception {
        serve(LedgerServer.builder(local).registry(registry).maxSignedBundleBytes(1_000));
        byte[] big = new byte[LedgerWire.MAX_SMALL_BODY_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        HttpResponse<String> small = post("/v1/ledger/register-market", "application/json", big);
        assertThat(small.statusCode()).isEqualTo(413);
        assertThat(error(small).get("code").asText()).isEqualTo("payload_too_large");

        try (RemoteLedger client = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry())
                .build()) {
            // within the HTTP bound the served ledger judges it (and counts it) itself ...
            assertThatThrownBy(() -> client.reveal(new byte[1_001], new byte[32]))
                    .isInstanceOfSatisfying(LedgerRejection.class, r -> assertThat(r.reason())
                            .isEqualTo(LedgerRejection.Reason.MALFORMED));
            // ... beyond it the server refuses it for the ledger, with the same reason the ledger would give
            assertThatThrownBy(() -> client.reveal(new byte[2_000], new byte[32]))
                    .isInstanceOfSatisfying(LedgerRejection.class, r -> {
                        assertThat(r.reason()).isEqualTo(LedgerRejection.Reason.TOO_LARGE);
                        assertThat(r.detail()).contains("at most 1000").contains("max_bundle_bytes");
                    });
            // ... however far beyond (the server answers before the client has sent the whole body)
            assertThatThrownBy(() -> client.reveal(new byte[8 << 20], new byte[32]))
                    .isInstanceOfSatisfying(LedgerRejection.class, r -> assertThat(r.reason())
                            .isEqualTo(LedgerRejection.Reason.TOO_LARGE));
        }
        assertThat(RemoteLedgerFailureTest.count(registry, "m0_ledger_server_requests", "reveal", "rejected"))
                .isEqualTo(3);
    }

    @Test
    void withATokenEveryRequestNeedsItAndAClientWithoutTheRightOneIsToldWhichKeyToSet() throws Exception {
        Path file = dir.resolve("ledger.token");
        Files.writeString(file, TOKEN + "\n");
        LedgerToken token = LedgerToken.fromFile(file);
        assertThat(token.toString()).doesNotContain(TOKEN);
        serve(LedgerServer.builder(local).registry(registry).token(Optional.of(token)));

        HttpResponse<String> anonymous = get("/v1/ledger/clock");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(error(anonymous).get("code").asText()).isEqualTo("unauthorized");
        try (RemoteLedger none = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry()).build();
                RemoteLedger wrong = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry())
                        .token(Optional.of(LedgerToken.of("another-token-of-16+"))).build();
                RemoteLedger right = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry())
                        .token(Optional.of(token)).build()) {
            assertThatThrownBy(none::currentSlot).isInstanceOf(RemoteLedgerException.class)
                    .hasMessageContaining("HTTP 401").hasMessageContaining("M0_LEDGER_AUTH_TOKEN_FILE");
            assertThatThrownBy(() -> wrong.commit(Hash32.of(new byte[32]), 1, 1))
                    .isInstanceOf(RemoteLedgerException.class).hasMessageContaining("is not the server's")
                    .hasMessageNotContaining(TOKEN);
            assertThat(right.currentSlot()).isZero();
            assertThat(right.signerSet(1)).isPresent();
        }
        assertThat(RemoteLedgerFailureTest.count(registry, "m0_ledger_server_requests", "clock", "unauthorized"))
                .isEqualTo(2);
        assertThatThrownBy(() -> LedgerToken.of("short")).hasMessageContaining("at least 16");
    }

    @Test
    void withoutATokenTheServerBindsOnlyALoopbackAddress() {
        assertThatThrownBy(() -> LedgerServer.builder(local).registry(registry).host("0.0.0.0").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("M0_LEDGER_AUTH_TOKEN_FILE")
                .hasMessageContaining("not a loopback address");
        LedgerServer.builder(local).registry(new PrometheusRegistry()).host("0.0.0.0")
                .token(Optional.of(LedgerToken.of(TOKEN))).build();
        LedgerServer.builder(local).registry(new PrometheusRegistry()).host("localhost").build();
    }

    @Test
    void aLongPollAnswersWhenAnEventIsAppendedAndAQuietOneAnswersEmptyAtItsDeadline() throws Exception {
        serve(LedgerServer.builder(local).registry(registry));
        long next = local.nextEventIndex();
        HttpResponse<String> quiet = get("/v1/ledger/events?from=" + next + "&max=10&wait_ms=50");
        JsonNode page = LedgerWire.JSON.readTree(quiet.body());
        assertThat(page.get("events")).isEmpty();
        assertThat(page.get("next").asLong()).isEqualTo(next);

        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(
                server.endpoint().resolve("/v1/ledger/events?from=" + next + "&max=10&wait_ms=30000")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (gauge("m0_ledger_server_event_waiters") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Hash32 commitHash = Hash32.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        local.commit(commitHash, 1, 1);
        JsonNode answered = LedgerWire.JSON.readTree(waiting.get().body());
        assertThat(answered.get("events")).hasSize(1);
        assertThat(answered.at("/events/0/type").asText()).isEqualTo("committed");
        assertThat(answered.at("/events/0/commit_hash").asText()).isEqualTo(commitHash.toHex());
        assertThat(answered.get("next").asLong()).isEqualTo(next + 1);
    }

    private double gauge(String name) {
        for (var s : registry.scrape()) {
            if (s instanceof io.prometheus.metrics.model.snapshots.GaugeSnapshot g
                    && g.getMetadata().getName().equals(name)) {
                return g.getDataPoints().getFirst().getValue();
            }
        }
        return 0;
    }

    private static SigningKey key(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        return SigningKey.fromSeed(b);
    }
}
