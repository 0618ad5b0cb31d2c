package com.m0club.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Role;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TracingSetupTest {

    @Test
    void nothingSetMeansTracingOff() {
        assertThat(TracingSetup.settings(Map.of("PATH", "/bin", "M0_ENV", "dev"), "m0")).isEmpty();
        assertThat(TracingSetup.fromEnv(Map.of(), "m0")).isSameAs(Tracing.off());
    }

    @Test
    void disabledOrExporterNoneIsOffWhateverElseIsSet() {
        assertThat(TracingSetup.settings(Map.of("OTEL_SDK_DISABLED", "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), "m0")).isEmpty();
        assertThat(TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), "m0")).isEmpty();
    }

    @Test
    void anOtlpEndpointTurnsOtlpOnWithTheTracesPathAndTheDefaultServiceName() {
        var s = TracingSetup.settings(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt,x-team=oracle+1"), "m0-quant").orElseThrow();
        assertThat(s.exporter()).isEqualTo(new TracingSetup.Exporter.Otlp(URI.create(
                "http://collector:4318/v1/traces"), Map.of("api-key", "s3cr=t", "x-team", "oracle+1")));
        assertThat(s.serviceName()).isEqualTo("m0-quant");
        assertThat(s.sampler()).isEqualTo("parentbased_always_on");
        assertThat(s.exporter().toString()).doesNotContain("s3cr");
        var traces = TracingSetup.settings(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://c/x",
                "OTEL_SERVICE_NAME", "oracle-a", "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod"), "m0")
                .orElseThrow();
        assertThat(((TracingSetup.Exporter.Otlp) traces.exporter()).endpoint()).hasToString("https://c/x");
        assertThat(traces.resource()).containsEntry("service.name", "oracle-a")
                .containsEntry("deployment.environment", "prod");
    }

    @Test
    void zipkinNeedsTheZipkinExporterAndDefaultsToTheLocalCollector() {
        var s = TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "zipkin"), "m0").orElseThrow();
        assertThat(s.exporter()).isEqualTo(new TracingSetup.Exporter.Zipkin(
                URI.create("http://localhost:9411/api/v2/spans")));
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_EXPORTER_ZIPKIN_ENDPOINT",
                "http://z:9411/api/v2/spans"), "m0"))
                .hasMessageContaining("OTEL_EXPORTER_ZIPKIN_ENDPOINT is set but OTEL_TRACES_EXPORTER is not zipkin");
    }

    @Test
    void valuesThatCannotTakeEffectFailNamingTheVariable() {
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "jaeger"), "m0"))
                .hasMessageStartingWith("OTEL_TRACES_EXPORTER: must be otlp, zipkin or none");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "m0"))
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "localhost:9411"), "m0"))
                .hasMessageStartingWith("OTEL_EXPORTER_ZIPKIN_ENDPOINT: must be an http(s) URL");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), "m0"))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT is set but OTEL_TRACES_EXPORTER is zipkin");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_TRACES_SAMPLER", "always_on", "OTEL_TRACES_SAMPLER_ARG", "0.5"), "m0"))
                .hasMessageContaining("OTEL_TRACES_SAMPLER_ARG is set but OTEL_TRACES_SAMPLER is always_on");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "2"), "m0"))
                .hasMessageStartingWith("OTEL_TRACES_SAMPLER_ARG: must be a ratio between 0 and 1");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_HEADERS", "Authorization"), "m0"))
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_HEADERS: must be a comma-separated list of key=value")
                .hasMessageNotContaining("Authorization");
        assertThatThrownBy(() -> TracingSetup.settings(Map.of("OTEL_SDK_DISABLED", "maybe"), "m0"))
                .hasMessageStartingWith("OTEL_SDK_DISABLED: must be true or false");
    }

    @Test
    void theSamplerTakesEffect() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            samplers("http://127.0.0.1:" + collector.getAddress().getPort());
        } finally {
            collector.stop(0);
        }
    }

    private static void samplers(String endpoint) {
        for (var sampler : Map.of("always_off", false, "traceidratio", false, "always_on", true).entrySet()) {
            Map<String, String> env = new HashMap<>(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint,
                    "OTEL_TRACES_SAMPLER", sampler.getKey()));
            if (sampler.getKey().equals("traceidratio")) {
                env.put("OTEL_TRACES_SAMPLER_ARG", "0");
            }
            Tracing tracing = TracingSetup.fromEnv(env, "m0");
            try (TraceScope s = tracing.start("sampled?", Context.root())) {
                assertThat(s.spanContext().isSampled()).as(sampler.getKey()).isEqualTo(sampler.getValue());
            } finally {
                tracing.close();
            }
        }
    }

    @Test
    void theDefaultServiceNameNamesTheRoles() {
        assertThat(TracingSetup.serviceName(EnumSet.allOf(Role.class))).isEqualTo("m0-all");
        assertThat(TracingSetup.serviceName(List.of(Role.QUANT, Role.INGESTOR))).isEqualTo("m0-ingestor+quant");
    }

    @Test
    void theTracingVariablesAreKnownToTheConfigLoaderAndOtherOtelVariablesAreWarnedAbout() {
        Map<String, String> env = new HashMap<>();
        TracingSetup.ENV_VARS.forEach(name -> env.put(name, "x"));
        env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        var config = M0Keys.load(env, Optional.empty());
        assertThat(config.warnings()).containsExactly("unknown environment variable OTEL_BSP_SCHEDULE_DELAY is"
                + " ignored");
    }

    @Test
    void theOtlpExporterSendsSpansToTheEndpointAndCountsThem() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("X-Team"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            Tracing tracing = TracingSetup.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                    "http://127.0.0.1:" + collector.getAddress().getPort(), "OTEL_EXPORTER_OTLP_HEADERS",
                    "x-team=oracle"), "m0-test");
            tracing.registerMetrics(registry);
            assertThat(tracing.enabled()).isTrue();
            assertThat(tracing.describe()).startsWith("otlp http/protobuf -> http://127.0.0.1:");
            try (TraceScope s = tracing.start("one", Context.root())) {
                assertThat(s.traceparent()).isPresent();
            }
            tracing.close(); // flushes the batch
        } finally {
            collector.stop(0);
        }
        assertThat(received).containsExactly("application/x-protobuf oracle");
        double exported = registry.scrape().stream().filter(s -> s.getMetadata().getName().equals(
                "m0_tracing_spans")).map(CounterSnapshot.class::cast).flatMap(c -> c.getDataPoints().stream())
                .filter(d -> "exported".equals(d.getLabels().get("outcome"))).mapToDouble(d -> d.getValue()).sum();
        assertThat(exported).isEqualTo(1.0);
    }
}
