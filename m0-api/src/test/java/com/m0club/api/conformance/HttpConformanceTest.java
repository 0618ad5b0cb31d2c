package com.m0club.api.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.Metrics;
import com.m0club.api.testing.OracleFixture;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.admin.AdminServer;
import com.m0club.runtime.config.ConfigSummary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 conformance of the real API and admin listeners over raw sockets (issue 6, item 8): each test is one
 * finding of the hostile-client review; the fuzz sends seeded mutations of valid requests and accepts only a
 * well-formed response with the JSON error body (or a success) or a closed connection, never an empty-bodied error
 * and never a 500.
 */
@Timeout(60)
class HttpConformanceTest {
    private static final String MARKET = "SPORTS_NBA_LAL_BOS_2026_01_04";
    private static ApiServer api;
    private static AdminServer admin;
    private static PrometheusRegistry registry;

    @BeforeAll
    static void start() {
        registry = new PrometheusRegistry();
        OracleFixture fixture = OracleFixture.seeded();
        api = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(registry).clock(Clock.systemUTC()).build().start();
        admin = AdminServer.builder().host("127.0.0.1").port(0)
                .buildInfo(new BuildInfo("1.2.3", "0123abcd", "2026-02-28T00:00:00Z"))
                .config(new ConfigSummary("c0ffee", "dev", List.of("api-gateway")))
                .registry(registry).imageDigest(Optional.empty()).build();
        admin.start();
    }

    @AfterAll
    static void stop() {
        api.close();
        admin.close();
    }

    private static String get(String path, String version, String... headers) {
        StringBuilder b = new StringBuilder("GET ").append(path).append(' ').append(version).append("\r\n")
                .append("Host: 127.0.0.1\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static RawHttp.Response api(String request) {
        return RawHttp.exchange(api.port(), request);
    }

    private static RawHttp.Response admin(String request) {
        return RawHttp.exchange(admin.port(), request);
    }

    private static void assertJsonError(RawHttp.Response r, int status) {
        assertThat(r.closed()).as("a response, not a closed connection").isFalse();
        assertThat(r.status()).as(r.statusLine() + " " + r.text()).isEqualTo(status);
        assertThat(r.isJsonError()).as("JSON error body: " + r.text()).isTrue();
    }

    @Test
    void http10IsServedOnBothListeners() {
        RawHttp.Response health = admin(get("/healthz", "HTTP/1.0"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.header("connection")).contains("close");

        RawHttp.Response latest = api(get("/v1/markets/" + MARKET + "/latest", "HTTP/1.0"));
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.json().get("market_id").asText()).isEqualTo(MARKET);
        assertThat(latest.header("transfer-encoding")).isEmpty();
    }

    @Test
    void twoDifferentContentLengthsAre400() {
        assertJsonError(api("POST /v1/markets HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n"
                + "abcde"), 400);
        assertJsonError(admin("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n"
                + "abcde"), 400);
    }

    @Test
    void contentLengthWithChunkedIs400() {
        assertJsonError(api("POST /v1/markets HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    }

    @Test
    void unknownTransferEncodingIs400() {
        assertJsonError(api("POST /v1/markets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"), 400);
        assertJsonError(api("POST /v1/markets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"),
                400);
    }

    @Test
    void negativeContentLengthIs400() {
        assertJsonError(api("POST /v1/markets HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
        assertJsonError(admin("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
    }

    @Test
    void methodsAreCaseSensitive() {
        RawHttp.Response r = api("get /v1/markets HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.status()).isIn(400, 501);
        assertThat(r.isJsonError()).as(r.text()).isTrue();
        assertThat(r.json().get("message").asText()).contains("case-sensitive");
        assertThat(admin("get /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status()).isIn(400, 501);
    }

    @Test
    void encodedSlashIsNotDecodedBeforeRouting() {
        RawHttp.Response r = api(get("/v1/markets/" + MARKET + "%2Flatest", "HTTP/1.1"));
        assertThat(api(get("/v1/markets/" + MARKET + "%2flatest", "HTTP/1.1")).status()).isIn(400, 404);
        assertThat(r.status()).isIn(400, 404);
        assertThat(r.isJsonError()).as(r.text()).isTrue();
        assertThat(r.text()).doesNotContain("\"proof\"");
    }

    @Test
    void nulInTheMethodIs400() {
        assertJsonError(api("G\0T /v1/markets HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
        assertJsonError(admin("G\0T /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    }

    @Test
    void otherMethodsOnGetRoutesAre405WithAllow() {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            RawHttp.Response r = api(method + " /v1/markets/" + MARKET + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 0\r\n\r\n");
            assertJsonError(r, 405);
            assertThat(r.header("allow")).contains("GET, HEAD");
        }
        assertThat(Metrics.value(registry, "m0_api_http_rejected", "status", "405")).isGreaterThanOrEqualTo(5);
        RawHttp.Response r = admin("DELETE /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertJsonError(r, 405);
        assertThat(r.header("allow")).contains("GET, HEAD");
    }

    @Test
    void optionsOnAKnownRouteIs405WithAllowOnBothListeners() {
        RawHttp.Response r = api("OPTIONS /v1/markets HTTP/1.1\r\nHost: x\r\n\r\n");
        assertJsonError(r, 405);
        assertThat(r.header("allow")).hasValue("GET, HEAD");
        RawHttp.Response a = admin("OPTIONS /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertJsonError(a, 405);
        assertThat(a.header("allow")).hasValue("GET, HEAD");
    }

    @Test
    void headWorksLikeGetWithoutABody() {
        RawHttp.Response get = api(get("/v1/markets/" + MARKET, "HTTP/1.1"));
        RawHttp.Response head = RawHttp.exchange(api.port(),
                ("HEAD /v1/markets/" + MARKET + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII), true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).contains(Integer.toString(get.body().length));
        assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
        RawHttp.Response adminHead = RawHttp.exchange(admin.port(),
                "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                true);
        assertThat(adminHead.status()).isEqualTo(200);
    }

    @Test
    void errorsHelidonGeneratesCarryTheJsonBody() {
        assertJsonError(api("GET /v1/markets HTTP/9.9\r\nHost: x\r\n\r\n"), 400);
        assertJsonError(api("GET /v1/markets HTTP/1.1\r\n\r\n"), 400); // no Host
        assertJsonError(admin("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n"), 404);
        assertJsonError(api("GET /v1/markets HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"), 400);
        // the admin listener keeps its own documented shape
        assertThat(admin("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n").json().get("error").get("code").asText())
                .isEqualTo("not_found");
    }

    @Test
    void aPeerThatDropsMidHeadersIsCountedNotAnsweredWith500() throws Exception {
        double before = peerGone();
        for (int i = 0; i < 5; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", api.port())) {
                s.getOutputStream().write("GET /v1/markets HTTP/1.1\r\nHost: x\r\nX-Half: ab"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.shutdownOutput();
                s.setSoTimeout(3_000);
                RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
                assertThat(r.closed()).as("no 500 written to a peer that left: " + r.statusLine()).isTrue();
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (peerGone() < before + 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(peerGone()).isGreaterThanOrEqualTo(before + 5);
    }

    private static double peerGone() {
        return registry.scrape().stream().filter(s -> s.getMetadata().getPrometheusName().equals("m0_api_http_peer_gone"))
                .flatMap(s -> s.getDataPoints().stream())
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d)
                        .getValue())
                .sum();
    }

    /** Seeded mutations of valid requests: every answer is a JSON error, a success, or a closed connection. */
    @Test
    @Timeout(20)
    void fuzzedRequestsNeverGetAnEmptyErrorOrA500() {
        Random random = new Random(6_0008L);
        List<String> seeds = List.of(
                get("/v1/markets", "HTTP/1.1", "Connection: close"),
                get("/v1/markets/" + MARKET + "/latest", "HTTP/1.1", "Connection: close"),
                "POST /v1/markets HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                get("/healthz", "HTTP/1.0"));
        String alphabet = "\0\r\n :%/?#GETgetHP1.0-9\u007f\u00ff\"{}\\";
        int answered = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = mutate(seed, random, alphabet);
            boolean toAdmin = random.nextInt(4) == 0;
            RawHttp.Response r = RawHttp.exchange(toAdmin ? admin.port() : api.port(), request, false, true);
            if (r.closed()) {
                continue;
            }
            answered++;
            String what = "request " + i + " " + new String(request, StandardCharsets.ISO_8859_1).replace("\r", "\\r")
                    .replace("\n", "\\n") + " -> " + r.statusLine() + " " + r.text();
            assertThat(r.status()).as(what).isNotEqualTo(500);
            if (r.status() >= 400) {
                assertThat(r.isJsonError()).as(what).isTrue();
            }
        }
        assertThat(answered).as("most mutated requests are still answered").isGreaterThan(500);
    }

    private static byte[] mutate(byte[] seed, Random random, String alphabet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int edits = 1 + random.nextInt(3);
        byte[] bytes = seed.clone();
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(bytes.length);
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) c;
                case 1 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) c;
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    if (bytes.length > 4) {
                        byte[] shorter = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                        bytes = shorter;
                    }
                }
            }
        }
        out.writeBytes(bytes);
        return out.toByteArray();
    }
}
