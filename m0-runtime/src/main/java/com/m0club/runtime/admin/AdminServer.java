package com.m0club.runtime.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.ConfigSummary;
import com.m0club.runtime.config.M0Keys;
import com.m0club.http.HttpConformance;
import com.m0club.http.JsonResponses;
import com.m0club.runtime.json.Json;
import com.m0club.runtime.lifecycle.Service;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener every M0 process runs (docs/operations.md), on Helidon SE:
 * <ul>
 *   <li>{@code GET /healthz}: liveness, {@code 200 {"status":"UP"}} while the process serves HTTP;</li>
 *   <li>{@code GET /readyz}: every {@link ReadinessCheck} in parallel with a per-check timeout; 200 if all are up
 *       (a DEGRADED check is up: the process serves with a reduced service), else 503, body
 *       {@code {"status","checks":[{"name","status","detail","latency_ms"}]}};</li>
 *   <li>{@code GET /metrics}: the process registry in Prometheus text format;</li>
 *   <li>{@code GET /v1/info}: name, version, git SHA, config hash, profile, roles, start time, image digest.</li>
 * </ul>
 * Liveness deliberately checks nothing external: a database outage should take a pod out of the load balancer
 * (readiness), not restart it. It does run the process's own liveness checks ({@link Builder#liveness}), such as
 * "the API listener still accepts": a listener that died for good must get the process restarted. Any down check
 * makes {@code /healthz} answer 503 with the checks, and counts {@code m0_liveness_check_failures_total{check}}.
 *
 * <p>The admin listener itself is bounded like the API's: at most {@code maxConnections} TCP connections, idle
 * connections (and clients stalled in the request line) closed after {@code idleTimeout}.
 */
public final class AdminServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** Per-check readiness timeout unless configured. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final String host;
    private final int requestedPort;
    private final BuildInfo buildInfo;
    private final ConfigSummary config;
    private final PrometheusRegistry registry;
    private final Optional<String> imageDigest;
    private final InstantSource clock;
    private final ReadinessProbe probe;
    private final Counter requestFailures;
    private final Counter livenessFailures;
    private final List<ReadinessCheck> liveness;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Duration headerTimeout;
    private final HttpConformance conformance;
    private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();

    private WebServer server;
    private Instant startedAt;
    private boolean closed;

    /**
     * An admin server on all interfaces with the default check timeout, the system clock and the image digest
     * from the process environment ({@value M0Keys#IMAGE_DIGEST_ENV}).
     */
    public AdminServer(int port, BuildInfo buildInfo, ConfigSummary config, PrometheusRegistry registry,
            List<ReadinessCheck> checks) {
        this(builder().port(port).buildInfo(buildInfo).config(config).registry(registry).checks(checks));
    }

    private AdminServer(Builder builder) {
        if (builder.port < 0 || builder.port > 65535) {
            throw new IllegalArgumentException("admin port must be between 0 and 65535, got " + builder.port);
        }
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.buildInfo = Objects.requireNonNull(builder.buildInfo, "buildInfo");
        this.config = Objects.requireNonNull(builder.config, "config");
        this.registry = Objects.requireNonNull(builder.registry, "registry");
        this.imageDigest = builder.imageDigest;
        this.clock = builder.clock;
        this.probe = new ReadinessProbe(builder.checks, builder.checkTimeout, registry);
        this.liveness = builder.liveness;
        this.maxConnections = builder.maxConnections;
        this.idleTimeout = builder.idleTimeout;
        this.headerTimeout = builder.headerTimeout;
        this.livenessFailures = Counter.builder()
                .name("m0_liveness_check_failures_total")
                .help("Liveness checks that reported down or threw (a dead listener)")
                .labelNames("check")
                .register(registry);
        liveness.forEach(c -> livenessFailures.labelValues(c.name()));
        this.requestFailures = Counter.builder()
                .name("m0_admin_request_failures_total")
                .help("Admin endpoint requests that failed with an internal error")
                .labelNames("endpoint")
                .register(registry);
        this.conformance = new HttpConformance("m0_admin", registry, (status, code, message) ->
                Json.bytes(JsonResponses.errorBody(code.toLowerCase(Locale.ROOT), message)))
                .headerTimeout(headerTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "admin-server";
    }

    /** Binds and starts serving. */
    @Override
    public synchronized void start() {
        if (server != null || closed) {
            throw new IllegalStateException("admin server already " + (closed ? "closed" : "started"));
        }
        startedAt = clock.instant();
        var config = WebServer.builder()
                .host(host)
                .port(requestedPort)
                .shutdownHook(false)
                .maxTcpConnections(maxConnections)
                .idleConnectionTimeout(idleTimeout)
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(idleTimeout.toMillis() / 4, 50, 30_000)))
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(this::routing);
        server = conformance.configure(config, List.of()).build().start();
        LOG.info("admin server listening on {}:{}", host, server.port());
    }

    /** The bound port (the real one when started with port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("admin server is not started");
        }
        return server.port();
    }

    /** Stops the listener and interrupts running checks; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.stop();
        }
        probe.close();
    }

    private void routing(HttpRouting.Builder routing) {
        conformance.routes(routing)
                .get("/healthz", guarded("healthz", this::healthz))
                .get("/readyz", guarded("readyz", this::readyz))
                .get("/metrics", guarded("metrics", this::metrics))
                .get("/v1/info", guarded("info", this::info));
    }

    private void healthz(ServerRequest request, ServerResponse response) {
        ObjectNode body = Json.object();
        boolean up = true;
        ArrayNode checks = liveness.isEmpty() ? null : body.putArray("checks");
        for (ReadinessCheck check : liveness) {
            CheckResult result;
            try {
                result = check.check();
            } catch (Exception e) {
                result = CheckResult.down(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (result == null) {
                result = CheckResult.down("check returned nothing");
            }
            ObjectNode c = checks.addObject();
            c.put("name", check.name());
            c.put("status", result.up() ? "UP" : "DOWN");
            if (result.detail() != null && !result.detail().isEmpty()) {
                c.put("detail", result.detail());
            }
            if (!result.up()) {
                up = false;
                livenessFailures.labelValues(check.name()).inc();
            }
        }
        body.put("status", up ? "UP" : "DOWN");
        if (up) {
            JsonResponses.ok(response, body);
        } else {
            JsonResponses.send(response, Status.SERVICE_UNAVAILABLE_503, body);
        }
    }

    private void readyz(ServerRequest request, ServerResponse response) {
        ReadinessReport report = probe.run();
        JsonResponses.send(response, report.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                report.toJson());
    }

    private void metrics(ServerRequest request, ServerResponse response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        metricsWriter.write(out, registry.scrape());
        response.header(HeaderNames.CONTENT_TYPE, metricsWriter.getContentType());
        response.send(out.toByteArray());
    }

    private void info(ServerRequest request, ServerResponse response) {
        ObjectNode body = Json.object();
        body.put("name", "m0");
        body.put("version", buildInfo.version());
        body.put("git_sha", buildInfo.gitSha());
        body.put("build_time", buildInfo.buildTime());
        body.put("config_hash", config.hash());
        body.put("env", config.env());
        ArrayNode roles = body.putArray("roles");
        config.roles().forEach(roles::add);
        body.put("started_at", startedAt.toString());
        if (imageDigest.isPresent()) {
            body.put("image_digest", imageDigest.get());
        } else {
            body.putNull("image_digest");
        }
        JsonResponses.ok(response, body);
    }

    /** Counts and logs an internal failure and answers 500 with the standard error body. */
    private Handler guarded(String endpoint, Endpoint handler) {
        requestFailures.labelValues(endpoint);
        return (request, response) -> {
            try {
                handler.handle(request, response);
            } catch (Exception e) {
                requestFailures.labelValues(endpoint).inc();
                LOG.error("admin endpoint {} failed", endpoint, e);
                if (!response.isSent()) {
                    JsonResponses.error(response, Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                            endpoint + " failed");
                }
            }
        };
    }

    @FunctionalInterface
    private interface Endpoint {
        void handle(ServerRequest request, ServerResponse response) throws Exception;
    }

    /** Builder for everything beyond the common constructor. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 9090;
        private BuildInfo buildInfo;
        private ConfigSummary config;
        private PrometheusRegistry registry;
        private List<ReadinessCheck> checks = List.of();
        private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
        private InstantSource clock = InstantSource.system();
        private Optional<String> imageDigest = M0Keys.imageDigest(System.getenv());
        private List<ReadinessCheck> liveness = List.of();
        private int maxConnections = 64;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration headerTimeout = HttpConformance.DEFAULT_HEADER_TIMEOUT;

        private Builder() {
        }

        /**
         * A connection whose request line and headers are not complete this long after their first byte gets a 408
         * and is closed ({@code listener_header_timeout_ms}, default 10 s).
         */
        public Builder headerTimeout(Duration timeout) {
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("admin headerTimeout: must be >= 1 ms, got " + timeout);
            }
            this.headerTimeout = timeout;
            return this;
        }

        /** Checks {@code /healthz} runs, each quick and local (for example: the API listener accepts). */
        public Builder liveness(List<ReadinessCheck> checks) {
            this.liveness = List.copyOf(checks);
            return this;
        }

        /**
         * Listener limits: TCP connections at most (default 64; more wait in the accept backlog) and the idle
         * connection timeout (default 60 s; also cuts off a client that stalls before its request line ends).
         */
        public Builder limits(int maxConnections, Duration idleTimeout) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("admin maxConnections: must be >= 1, got " + maxConnections);
            }
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("admin idleTimeout: must be >= 100 ms, got " + idleTimeout);
            }
            this.maxConnections = maxConnections;
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Bind address (default {@code 0.0.0.0}: Kubernetes probes come from the node). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; 0 picks a free one (read it back with {@link AdminServer#port()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder buildInfo(BuildInfo buildInfo) {
            this.buildInfo = Objects.requireNonNull(buildInfo, "buildInfo");
            return this;
        }

        public Builder config(ConfigSummary config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The process registry, exposed on {@code /metrics}; the server's own metrics are registered in it. */
        public Builder registry(PrometheusRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public Builder checks(List<ReadinessCheck> checks) {
            this.checks = List.copyOf(checks);
            return this;
        }

        /** Per-check readiness timeout (default 2 s). */
        public Builder checkTimeout(Duration checkTimeout) {
            this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
            return this;
        }

        /** Source of {@code started_at} (default the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The image digest reported on {@code /v1/info} (default from {@value M0Keys#IMAGE_DIGEST_ENV}). */
        public Builder imageDigest(Optional<String> imageDigest) {
            this.imageDigest = Objects.requireNonNull(imageDigest, "imageDigest");
            return this;
        }

        /** Reads the image digest from an environment map (tests pass a map; production the process env). */
        public Builder environment(Map<String, String> env) {
            this.imageDigest = M0Keys.imageDigest(env);
            return this;
        }

        public AdminServer build() {
            return new AdminServer(this);
        }
    }
}
