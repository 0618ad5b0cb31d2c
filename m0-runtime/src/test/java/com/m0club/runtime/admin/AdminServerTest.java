package com.m0club.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.ConfigSummary;
import com.m0club.runtime.json.Json;
import com.m0club.runtime.metrics.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starts the real server on an ephemeral port and talks to it over loopback HTTP. */
class AdminServerTest {

    private static final Instant STARTED = Instant.parse("2026-03-01T12:00:00Z");
    private static final BuildInfo BUILD = new BuildInfo("1.2.3", "0123abcd", "2026-02-28T00:00:00Z");
    private static final ConfigSummary CONFIG = new ConfigSummary("c0ffee", "dev", List.of("ingestor", "quant"));

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<AdminServer> servers = new ArrayList<>();
    private PrometheusRegistry registry;

    @AfterEach
    void tearDown() {
        servers.forEach(AdminServer::close);
        client.close();
    }

    private AdminServer start(Duration timeout, ReadinessCheck... checks) {
        registry = Metrics.newRegistry(BUILD, CONFIG);
        AdminServer server = AdminServer.builder()
                .host("127.0.0.1")
                .port(0)
                .buildInfo(BUILD)
                .config(CONFIG)
                .registry(registry)
                .checks(List.of(checks))
                .checkTimeout(timeout)
                .clock(InstantSource.fixed(STARTED))
                .environment(Map.of("M0_IMAGE_DIGEST", "sha256:feedface"))
                .build();
        servers.add(server);
        server.start();
        return server;
    }

    private HttpResponse<String> get(AdminServer server, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void healthzIsUpOnAnEphemeralPort() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2));

        HttpResponse<String> response = get(server, "/healthz");

        assertThat(server.port()).isPositive();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("UP");
        assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void readyzIs200WhenEveryCheckIsUp() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2), ReadinessCheck.alwaysUp("postgres"),
                ReadinessCheck.of("eventlog", () -> CheckResult.ok("3 partitions")));

        HttpResponse<String> response = get(server, "/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("checks")).hasSize(2);
        assertThat(body.get("checks").get(1).get("detail").asText()).isEqualTo("3 partitions");
    }

    @Test
    void aDegradedCheckKeepsReadyz200AndIsShownDegradedWithoutCountingAFailure() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2), ReadinessCheck.alwaysUp("postgres"),
                ReadinessCheck.of("redis", () -> CheckResult.degraded("unreachable: reads go to PostgreSQL")));

        HttpResponse<String> response = get(server, "/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(body.get("checks").get(0).get("status").asText()).isEqualTo("UP");
        assertThat(body.get("checks").get(1).get("status").asText()).isEqualTo("DEGRADED");
        assertThat(body.get("checks").get(1).get("detail").asText()).isEqualTo("unreachable: reads go to PostgreSQL");
        assertThat(get(server, "/metrics").body()).contains("m0_readiness_check_failures_total{check=\"redis\"} 0");
    }

    @Test
    void aDownCheckBesideADegradedOneMakesReadyz503AndDown() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2),
                ReadinessCheck.of("redis", () -> CheckResult.degraded("unreachable")),
                ReadinessCheck.of("postgres", () -> CheckResult.down("ping failed")));

        HttpResponse<String> response = get(server, "/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("checks").get(0).get("status").asText()).isEqualTo("DEGRADED");
        assertThat(body.get("checks").get(1).get("status").asText()).isEqualTo("DOWN");
    }

    @Test
    void aResultCannotBeDegradedAndDown() {
        assertThatThrownBy(() -> new CheckResult(false, true, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degraded or down");
        assertThat(CheckResult.degraded("slow").status()).isEqualTo("DEGRADED");
        assertThat(CheckResult.degraded("slow").up()).isTrue();
        assertThat(CheckResult.down("gone").status()).isEqualTo("DOWN");
        assertThat(CheckResult.ok().status()).isEqualTo("UP");
    }

    @Test
    void readyzIs503WithOneDownCheckAndCountsTheFailure() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2),
                ReadinessCheck.alwaysUp("postgres"),
                ReadinessCheck.of("signer-quorum", () -> CheckResult.down("1 of 3 signers reachable, need 2")),
                ReadinessCheck.of("rpc", () -> {
                    throw new IOException("connect https://u:hunter2@rpc.example refused");
                }));

        HttpResponse<String> response = get(server, "/readyz");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        JsonNode checks = body.get("checks");
        assertThat(checks).hasSize(3);
        assertThat(checks.get(0).get("name").asText()).isEqualTo("postgres");
        assertThat(checks.get(0).get("status").asText()).isEqualTo("UP");
        assertThat(checks.get(0).get("latency_ms").isIntegralNumber()).isTrue();
        assertThat(checks.get(1).get("status").asText()).isEqualTo("DOWN");
        assertThat(checks.get(1).get("detail").asText()).isEqualTo("1 of 3 signers reachable, need 2");
        assertThat(checks.get(2).get("status").asText()).isEqualTo("DOWN");
        assertThat(checks.get(2).get("detail").asText())
                .isEqualTo("IOException: connect https://u:***@rpc.example refused");

        String metrics = get(server, "/metrics").body();
        assertThat(metrics).contains("m0_readiness_check_failures_total{check=\"signer-quorum\"} 1")
                .contains("m0_readiness_check_failures_total{check=\"rpc\"} 1")
                .contains("m0_readiness_check_failures_total{check=\"postgres\"} 0");
    }

    @Test
    void checkThatTimesOutIsDownAndIsInterruptedOnClose() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AdminServer server = start(Duration.ofMillis(200),
                ReadinessCheck.alwaysUp("postgres"),
                ReadinessCheck.of("slow-rpc", () -> {
                    try {
                        never.await(10, TimeUnit.MINUTES);
                        return CheckResult.ok();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        // Ignore the interrupt on purpose: a badly behaved check keeps running.
                        never.await(10, TimeUnit.MINUTES);
                        return CheckResult.ok();
                    }
                }));

        HttpResponse<String> first = get(server, "/readyz");
        HttpResponse<String> second = get(server, "/readyz");

        assertThat(first.statusCode()).isEqualTo(503);
        JsonNode slow = json(first).get("checks").get(1);
        assertThat(slow.get("status").asText()).isEqualTo("DOWN");
        assertThat(slow.get("detail").asText()).isEqualTo("timed out after 200 ms");
        assertThat(json(first).get("checks").get(0).get("status").asText()).isEqualTo("UP");
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(json(second).get("checks").get(1).get("detail").asText())
                .startsWith("previous run still in progress");

        never.countDown();
    }

    @Test
    void metricsExposeBuildInfoAndJvmMetricsInTextFormat() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2));

        HttpResponse<String> response = get(server, "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body())
                .contains("m0_build_info{config_hash=\"c0ffee\",env=\"dev\",git_sha=\"0123abcd\",version=\"1.2.3\"} 1")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void infoReportsBuildConfigAndImage() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2));

        JsonNode info = json(get(server, "/v1/info"));

        assertThat(info.get("name").asText()).isEqualTo("m0");
        assertThat(info.get("version").asText()).isEqualTo("1.2.3");
        assertThat(info.get("git_sha").asText()).isEqualTo("0123abcd");
        assertThat(info.get("config_hash").asText()).isEqualTo("c0ffee");
        assertThat(info.get("env").asText()).isEqualTo("dev");
        assertThat(info.get("roles")).extracting(JsonNode::asText).containsExactly("ingestor", "quant");
        assertThat(info.get("started_at").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(info.get("image_digest").asText()).isEqualTo("sha256:feedface");
    }

    @Test
    void infoWithoutImageDigestHasNull() throws Exception {
        registry = new PrometheusRegistry();
        AdminServer server = new AdminServer(0, BUILD, CONFIG, registry, List.of());
        servers.add(server);
        AdminServer withoutDigest = AdminServer.builder().host("127.0.0.1").port(0).buildInfo(BUILD)
                .config(CONFIG).registry(new PrometheusRegistry()).imageDigest(Optional.empty()).build();
        servers.add(withoutDigest);
        withoutDigest.start();

        JsonNode info = json(get(withoutDigest, "/v1/info"));

        assertThat(info.get("image_digest").isNull()).isTrue();
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeIsIdempotentAndStopsServing() throws Exception {
        AdminServer server = start(Duration.ofSeconds(2));
        int port = server.port();

        server.close();
        server.close();

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void duplicateCheckNamesAreRejected() {
        assertThatThrownBy(() -> start(Duration.ofSeconds(1), ReadinessCheck.alwaysUp("db"),
                ReadinessCheck.alwaysUp("db")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db");
    }
}
