package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.OracleFixture;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.admin.AdminServer;
import com.m0club.runtime.config.ConfigSummary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 item 7: the API listener died for good while {@code /healthz} stayed 200. With the node's liveness check
 * ({@link OracleNode#apiListenerCheck}) on the admin server, a stopped API listener makes {@code /healthz} a 503
 * naming it, and the failure is counted.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiListenerLivenessTest {
    @Test
    void aStoppedApiListenerFailsLiveness() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        OracleFixture fixture = OracleFixture.seeded();
        ApiServer api = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle())
                .feed(fixture.oracle()).registry(registry).clock(Clock.systemUTC()).build().start();
        try (AdminServer admin = AdminServer.builder().host("127.0.0.1").port(0)
                .buildInfo(new BuildInfo("t", "t", "t")).config(new ConfigSummary("h", "dev", List.of("api")))
                .registry(registry).liveness(List.of(OracleNode.apiListenerCheck(api)))
                .limits(8, Duration.ofSeconds(5)).build();
                HttpClient http = HttpClient.newHttpClient()) {
            admin.start();
            URI healthz = URI.create("http://127.0.0.1:" + admin.port() + "/healthz");
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(healthz).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(up.body()).path("status").asText()).isEqualTo("UP");

            api.close();

            HttpResponse<String> down = http.send(HttpRequest.newBuilder(healthz).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            var body = new ObjectMapper().readTree(down.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").get(0).path("name").asText()).isEqualTo("api-listener");
            assertThat(body.path("checks").get(0).path("detail").asText()).contains("not running");
            assertThat(registry.scrape().stream()
                    .filter(m -> m.getMetadata().getPrometheusName().equals("m0_liveness_check_failures"))
                    .findFirst()).isPresent();
        } finally {
            api.close();
        }
    }
}
