package com.m0club.signer.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.http.HttpConformance;
import com.m0club.signer.SignerWire;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone agent's admin listener: plain HTTP for the kubelet's probes and Prometheus, on its own port
 * ({@code M0_SIGNER_ADMIN_PORT}), serving only {@code GET /healthz} (the process is up), {@code GET /readyz} (200
 * when every check passes, else 503 naming the failing ones) and {@code GET /metrics}. It never routes the sign or
 * key API: those exist only on the mutual-TLS listener ({@link SignerAgentServer}). Runs on m0-http's strict layer
 * (counters {@code m0_signer_admin_http_*}).
 */
public final class AgentAdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentAdminServer.class);

    /** One readiness check: empty when it passes, else why not. */
    public record Check(String name, Supplier<Optional<String>> problem) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(problem, "problem");
        }
    }

    private final WebServer server;
    private final String host;

    public AgentAdminServer(String host, int port, PrometheusRegistry registry, List<Check> checks) {
        this.host = Objects.requireNonNull(host, "host");
        Objects.requireNonNull(registry, "registry");
        List<Check> all = List.copyOf(checks);
        HttpConformance conformance = new HttpConformance("m0_signer_admin", registry,
                SignerAgentServer::errorBytes);
        var config = WebServer.builder().host(host).port(port).shutdownGracePeriod(Duration.ofMillis(200))
                .maxTcpConnections(16).idleConnectionTimeout(Duration.ofSeconds(30))
                .routing(r -> conformance.routes(r)
                        .get(SignerWire.HEALTH_PATH, (req, res) -> json(res, Status.OK_200,
                                SignerWire.JSON.createObjectNode().put("status", "UP")))
                        .get("/readyz", (req, res) -> readiness(res, all))
                        .get(SignerWire.METRICS_PATH, (req, res) -> {
                            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            writer.write(out, registry.scrape());
                            res.header(HeaderNames.CONTENT_TYPE, writer.getContentType()).send(out.toByteArray());
                        }));
        this.server = conformance.configure(config, List.of()).build();
    }

    public AgentAdminServer start() {
        server.start();
        LOG.info("signer agent admin listener on http://{}:{} (/healthz, /readyz, /metrics)", host, server.port());
        return this;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    private static void readiness(ServerResponse res, List<Check> checks) {
        Map<String, String> failing = new LinkedHashMap<>();
        ObjectNode body = SignerWire.JSON.createObjectNode();
        ObjectNode each = body.putObject("checks");
        for (Check c : checks) {
            Optional<String> problem;
            try {
                problem = c.problem().get();
            } catch (RuntimeException e) {
                problem = Optional.of("check failed: " + e);
            }
            each.put(c.name(), problem.orElse("UP"));
            problem.ifPresent(p -> failing.put(c.name(), p));
        }
        body.put("status", failing.isEmpty() ? "UP" : "DOWN");
        json(res, failing.isEmpty() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private static void json(ServerResponse res, Status status, ObjectNode body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, SignerWire.JSON_CONTENT_TYPE)
                    .send(SignerWire.JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
