package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.runtime.tracing.TracingSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing against a real backend: a dev node configured only by the standard variables
 * ({@code OTEL_TRACES_EXPORTER=zipkin}, {@code OTEL_EXPORTER_ZIPKIN_ENDPOINT}, {@code OTEL_SERVICE_NAME}) exports its
 * spans to a Zipkin server in its own JVM, and the trace the API names for a served value is read back from Zipkin's
 * {@code /api/v2/trace/{id}} with every stage, under the service name, with its parent links.
 */
class ZipkinTracingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STAGES = List.of("ingest", "aggregate", "quant", "bundle", "sign", "submit",
            "commit", "reveal", "publish");

    @TempDir
    Path dir;

    @Test
    void aServedValuesTraceIsReadBackFromZipkinWithEveryStageUnderTheServiceName() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (ZipkinServer zipkin = ZipkinServer.start(dir.resolve("zipkin.log"), Duration.ofMinutes(2))) {
            Tracing tracing = TracingSetup.fromEnv(Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                    "OTEL_EXPORTER_ZIPKIN_ENDPOINT", zipkin.spansEndpoint(), "OTEL_SERVICE_NAME", "m0-zipkin-test"),
                    "m0-all");
            Path dataDir = Files.createDirectories(dir.resolve("node"));
            try (OracleNode node = OracleNode.start(DevNode.options(dataDir), Optional.empty(), tracing)) {
                TestHttp http = new TestHttp(DevNode.api(node));
                String traceId = DevNode.awaitValue("a served value with a trace id", PATIENCE, () -> {
                    for (JsonNode m : http.json("/v1/markets").get("markets")) {
                        TestHttp.Response r = http.get("/v1/markets/" + m.get("id").asText() + "/latest");
                        if (r.status() == 200 && r.json().get("trace_id").isTextual()) {
                            return Optional.of(r.json().get("trace_id").asText());
                        }
                    }
                    return Optional.empty();
                });
                // spans leave in batches (every 5 s): read the trace until every stage has arrived
                JsonNode trace = DevNode.awaitValue("trace " + traceId + " in Zipkin with every stage", PATIENCE,
                        () -> {
                            JsonNode t = get(client, zipkin.base().resolve("/api/v2/trace/" + traceId));
                            return t != null && names(t).containsAll(STAGES) ? Optional.of(t) : Optional.empty();
                        });
                Map<String, JsonNode> byId = new HashMap<>();
                trace.forEach(s -> byId.put(s.get("id").asText(), s));
                assertThat(trace).allSatisfy(s -> {
                    assertThat(s.get("traceId").asText()).isEqualTo(traceId);
                    assertThat(s.at("/localEndpoint/serviceName").asText()).isEqualTo("m0-zipkin-test");
                });
                for (JsonNode s : trace) {
                    String name = s.get("name").asText();
                    if (name.equals("commit") || name.equals("reveal")) {
                        assertThat(byId.get(s.get("parentId").asText()).get("name").asText()).isEqualTo("submit");
                    }
                    if (name.equals("sign") || name.equals("submit") || name.equals("publish")) {
                        assertThat(byId.get(s.get("parentId").asText()).get("name").asText()).isEqualTo("bundle");
                    }
                    if (name.equals("ingest")) {
                        assertThat(s.has("parentId")).as("ingest starts the trace").isFalse();
                    }
                }
                assertThat(DevNode.counter(node, "m0_tracing_spans", "outcome", "exported")).isPositive();
                assertThat(DevNode.counter(node, "m0_tracing_spans", "outcome", "failed")).isZero();
            }
        }
    }

    private static JsonNode get(HttpClient client, URI uri) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null; // 404 until the first span arrives
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(JsonNode trace) {
        List<String> names = new ArrayList<>();
        trace.forEach(s -> names.add(s.get("name").asText()));
        return names;
    }
}
