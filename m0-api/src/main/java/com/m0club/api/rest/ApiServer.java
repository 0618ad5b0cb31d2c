package com.m0club.api.rest;

import com.m0club.api.dashboard.DashboardPage;
import com.m0club.api.json.Json;
import com.m0club.api.realtime.ClientLimits;
import com.m0club.api.realtime.RealtimeHub;
import com.m0club.api.realtime.StrictWsUpgrader;
import com.m0club.http.HttpConformance;
import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishedFeed;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The public listener of the API roles: REST v1, the realtime WebSocket and the dashboard, on one Helidon SE
 * WebServer. It only reads: everything it serves comes from an {@link OracleReadModel} and a {@link PublishedFeed}.
 *
 * <pre>
 *   GET /                        dashboard (HTML)
 *   GET /openapi.yaml            OpenAPI 3 description
 *   GET /v1/markets              every market with its compact latest value
 *   GET /v1/markets/{id}         one market
 *   GET /v1/markets/{id}/latest  the latest value with its proof (ETag)
 *   GET /v1/markets/{id}/epochs/{epochId}
 *                                the canonical value of one epoch, same shape and proof (ETag)
 *   GET /v1/bundles/{hash}       a bundle's bytes and publish history
 *   GET /v1/signer-sets/{id}     a signer set's keys and threshold
 *   WS  /v1/stream               newly revealed and finalized values
 * </pre>
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()}. The server owns its WebServer and its
 * {@link RealtimeHub}; it does not own the read model, the feed or the registry.
 */
public final class ApiServer implements AutoCloseable {
    private final WebServer server;
    private final RealtimeHub realtime;
    private final ServedCache cache;
    private final String host;
    private final Counter listenerDown;
    private boolean started;
    private boolean closed;

    /** A server on {@code port} (0 picks a free one) of every interface, with the default client buffer. */
    public ApiServer(int port, OracleReadModel model, PublishedFeed feed, PrometheusRegistry registry,
            InstantSource clock) {
        this(builder().port(port).readModel(model).feed(feed).registry(registry).clock(clock));
    }

    private ApiServer(Builder b) {
        OracleReadModel model = require(b.model, "read model");
        PublishedFeed feed = require(b.feed, "published feed");
        PrometheusRegistry registry = require(b.registry, "Prometheus registry");
        InstantSource clock = require(b.clock, "clock");
        if (b.port < 0 || b.port > 65_535) {
            throw new IllegalArgumentException("port: must be 0..65535 (0 picks a free port), got " + b.port);
        }
        this.host = b.host;
        this.realtime = new RealtimeHub(feed, model, registry, b.clientBuffer, b.clientLimits);
        this.cache = new ServedCache(model, feed, registry, b.listMinRefresh, b.listMaxAge);
        this.listenerDown = Counter.builder().name("m0_api_listener_down_total")
                .help("Liveness probes that found the API listener not running or not accepting").register(registry);
        RequestMetrics metrics = new RequestMetrics(registry, clock);
        MarketResource markets = new MarketResource(model, cache);
        BundleResource bundles = new BundleResource(model);
        SignerSetResource signerSets = new SignerSetResource(model);
        OpenApiDocument openApi = new OpenApiDocument();
        DashboardPage dashboard = new DashboardPage();

        HttpConformance conformance = new HttpConformance("m0_api", registry, (status, code, message) ->
                Json.bytes(new ApiError(status, code, message, Optional.empty()).toJson()));
        HttpRouting.Builder routing = HttpRouting.builder();
        conformance.routes(routing)
                .get("/", metrics.metered("/", dashboard))
                .get("/openapi.yaml", metrics.metered("/openapi.yaml", openApi::serve))
                .get("/v1/markets", metrics.metered("/v1/markets", markets::list))
                .get("/v1/markets/{id}", metrics.metered("/v1/markets/{id}", markets::one))
                .get("/v1/markets/{id}/latest", metrics.metered("/v1/markets/{id}/latest", markets::latest))
                .get("/v1/markets/{id}/epochs/{epochId}",
                        metrics.metered("/v1/markets/{id}/epochs/{epochId}", markets::epoch))
                .get("/v1/bundles/{hash}", metrics.metered("/v1/bundles/{hash}", bundles::one))
                .get("/v1/signer-sets/{id}", metrics.metered("/v1/signer-sets/{id}", signerSets::one))
                .get("/v1/stream", metrics.metered("/v1/stream", (req, res) -> Responses.error(res,
                        new ApiError(Status.UPGRADE_REQUIRED_426.code(), "UPGRADE_REQUIRED",
                                "/v1/stream is a WebSocket endpoint: connect with Upgrade: websocket",
                                Optional.empty()))))
                .routing()
                .any(metrics.metered("unmatched", (req, res) -> {
                    throw new ApiException(ApiError.notFound("no route for " + req.prologue().method().text() + " "
                            + req.path().path() + "; see /openapi.yaml"));
                }));

        Limits limits = b.limits;
        var config = WebServer.builder()
                .host(b.host)
                .port(b.port)
                .shutdownHook(false)
                .maxTcpConnections(limits.maxConnections())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(limits.idlePeriod())
                // without it, a body written after its headers waits for the client's delayed ACK (40 ms a response)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownGracePeriod(b.shutdownGrace)
                .routing(routing)
                .addRouting(WsRouting.builder().endpoint("/v1/stream", realtime::newListener));
        // a single frame above the message cap is refused by Helidon's reader (1009) before it is read
        WsConfig ws = WsConfig.builder().maxFrameLength(b.clientLimits.maxMessageBytes()).build();
        config.addProtocol(ws);
        this.server = conformance.headerTimeout(limits.headerTimeout()).configure(config, List.of(new StrictWsUpgrader(ws, realtime)))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Subscribes the realtime hub to the feed, then binds the port. */
    public synchronized ApiServer start() {
        if (closed) {
            throw new IllegalStateException("the API server is closed");
        }
        if (!started) {
            realtime.start();
            cache.start();
            server.start();
            started = true;
        }
        return this;
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        if (!server.isRunning()) {
            throw new IllegalStateException("the API server is not running");
        }
        return server.port();
    }

    /** {@code http://host:port} for clients on this machine (the loopback address when bound to every interface). */
    public URI baseUri() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
    }

    public RealtimeHub realtime() {
        return realtime;
    }

    /**
     * Liveness of the listener: the WebServer runs and its port accepts a TCP connection from this machine within
     * {@code timeout}. A listener whose server socket died (descriptor exhaustion made Helidon terminate it) fails
     * here, so {@code /healthz} fails and the process is restarted. Counted in {@code m0_api_listener_down_total}.
     *
     * @return empty when alive, else why not
     */
    public Optional<String> listenerProblem(Duration timeout) {
        if (!started) {
            return Optional.of("the API server is not started");
        }
        if (!server.isRunning()) {
            listenerDown.inc();
            return Optional.of("the API WebServer is not running");
        }
        URI base = baseUri();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost().replace("[", "").replace("]", ""), base.getPort()),
                    (int) Math.max(1, timeout.toMillis()));
            return Optional.empty();
        } catch (IOException e) {
            listenerDown.inc();
            return Optional.of("the API listener on port " + base.getPort() + " does not accept: " + e.getMessage());
        }
    }

    /** Closes the WebSocket clients, then stops the listener. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        realtime.close();
        cache.close();
        if (started) {
            server.stop();
        }
    }

    private static <T> T require(T value, String what) {
        return Objects.requireNonNull(value, () -> "the API server needs a " + what);
    }

    /**
     * Connection limits of a listener, so that a flood of connections is refused before it exhausts the process's
     * descriptors (which made Helidon terminate the server socket for good, issue 6 item 7).
     *
     * @param maxConnections TCP connections the listener holds at most; further ones wait in the accept backlog
     * @param maxConcurrentRequests requests handled at once over all connections (-1: unlimited)
     * @param idleTimeout a connection waiting for (or stalled in) a request line this long is closed: idle
     *     keep-alive connections and clients that connect and send nothing, or stop in the request line. Helidon
     *     4.4 has no timeout for a stall after the request line (its socket read timeout does not apply to the
     *     server's channels); {@code headerTimeout} covers that.
     * @param headerTimeout a connection whose request line and headers are not complete this long after their first
     *     byte gets a 408 and is closed ({@code listener_header_timeout_ms})
     */
    public record Limits(int maxConnections, int maxConcurrentRequests, Duration idleTimeout,
            Duration headerTimeout) {
        /** 2048 connections, 512 concurrent requests, 60 s idle, 10 s for a request head. */
        public static final Limits DEFAULTS = new Limits(2048, 512, Duration.ofSeconds(60));

        /** Limits with the default header timeout ({@link HttpConformance#DEFAULT_HEADER_TIMEOUT}). */
        public Limits(int maxConnections, int maxConcurrentRequests, Duration idleTimeout) {
            this(maxConnections, maxConcurrentRequests, idleTimeout, HttpConformance.DEFAULT_HEADER_TIMEOUT);
        }

        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: must be >= 1, got " + maxConnections);
            }
            if (maxConcurrentRequests < 1 && maxConcurrentRequests != -1) {
                throw new IllegalArgumentException("maxConcurrentRequests: must be >= 1 or -1, got "
                        + maxConcurrentRequests);
            }
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("idleTimeout: must be >= 100 ms, got " + idleTimeout);
            }
            if (headerTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("headerTimeout: must be >= 1 ms, got " + headerTimeout);
            }
        }

        /** How often idle connections are looked for: a quarter of the idle timeout, 50 ms .. 30 s. */
        Duration idlePeriod() {
            long ms = Math.clamp(idleTimeout.toMillis() / 4, 50, 30_000);
            return Duration.ofMillis(ms);
        }
    }

    /** Options of the API server; the read model, feed, registry and clock are required. */
    public static final class Builder {
        private int port = 8080;
        private String host = "0.0.0.0";
        private OracleReadModel model;
        private PublishedFeed feed;
        private PrometheusRegistry registry;
        private InstantSource clock;
        private int clientBuffer = RealtimeHub.DEFAULT_CLIENT_BUFFER;
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private Limits limits = Limits.DEFAULTS;
        private Duration listMinRefresh = Duration.ofMillis(200);
        private Duration listMaxAge = Duration.ofSeconds(1);
        private ClientLimits clientLimits = ClientLimits.DEFAULT;

        private Builder() {}

        /** Connection limits of the listener. Default {@link Limits#DEFAULTS}. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * How fresh the in-memory {@code /v1/markets} document is: rebuilt after a new value when at least
         * {@code minRefresh} passed, and at the latest after {@code maxAge}. Default 200 ms and 1 s.
         */
        public Builder marketListRefresh(Duration minRefresh, Duration maxAge) {
            if (minRefresh.isNegative() || maxAge.compareTo(minRefresh) < 0) {
                throw new IllegalArgumentException("marketListRefresh: need 0 <= minRefresh <= maxAge, got "
                        + minRefresh + " and " + maxAge);
            }
            this.listMinRefresh = minRefresh;
            this.listMaxAge = maxAge;
            return this;
        }

        /** TCP port; 0 picks a free one (tests). Default 8080. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Interface to bind; default every interface (0.0.0.0). Tests bind 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder readModel(OracleReadModel model) {
            this.model = model;
            return this;
        }

        public Builder feed(PublishedFeed feed) {
            this.feed = feed;
            return this;
        }

        public Builder registry(PrometheusRegistry registry) {
            this.registry = registry;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Messages buffered per WebSocket client before the oldest are dropped. Default 256. */
        public Builder clientBuffer(int messages) {
            this.clientBuffer = messages;
            return this;
        }

        /** What each WebSocket client may send (message size cap, message rate). Default {@link ClientLimits#DEFAULT}. */
        public Builder clientLimits(ClientLimits limits) {
            this.clientLimits = Objects.requireNonNull(limits, "clientLimits");
            return this;
        }

        /** How long {@link #close()} lets in-flight requests finish. Default 5 s. */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = Objects.requireNonNull(grace, "shutdownGrace");
            return this;
        }

        public ApiServer build() {
            return new ApiServer(this);
        }
    }
}
