package com.m0club.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 conformance for an M0 Helidon listener (docs/api.md, "HTTP conformance"), shared by the API, the admin
 * server and the signer agent. {@link #configure} installs, before routing:
 * <ul>
 *   <li>a JSON error body (the server's own shape) on every error Helidon generates itself, counted in
 *       {@code <prefix>_http_rejected_total{status}};</li>
 *   <li>strict request lines (method a case-sensitive known token, else 400/501) and HTTP/1.0 served, one request per
 *       connection ({@link GuardedReader});</li>
 *   <li>strict framing: one Content-Length of digits only, no Content-Length with chunked, only chunked
 *       ({@link FramingRules});</li>
 *   <li>a peer that hangs up mid-request costs one DEBUG line and {@code <prefix>_http_peer_gone_total};</li>
 *   <li>a request head not complete within {@link #headerTimeout} gets a 408 and the connection is closed
 *       ({@code <prefix>_http_header_timeouts_total}).</li>
 * </ul>
 * {@link Routes} adds GET routes that also answer HEAD (same headers, no body) and 405 with {@code Allow} for every
 * other method, and refuses encoded slashes ({@code %2F}) in a path.
 */
public final class HttpConformance {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConformance.class);
    static final String ALLOW = "GET, HEAD";

    private final HttpErrorRenderer renderer;
    private final Counter rejected;
    private final Counter peerGone;
    private final Counter headerTimeouts;
    private final Duration headerTimeout;
    /** Default {@code listener_header_timeout_ms}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Registers the layer's counters ({@code <metricPrefix>_http_*}) in {@code registry}; the header timeout is
     * {@link #DEFAULT_HEADER_TIMEOUT} until {@link #headerTimeout} derives another.
     *
     * @param metricPrefix for example {@code m0_api}, {@code m0_admin} or {@code m0_signer}: the servers may share one
     *                     registry (listeners that share a prefix share one instance and its counters)
     */
    public HttpConformance(String metricPrefix, PrometheusRegistry registry, HttpErrorRenderer renderer) {
        Objects.requireNonNull(metricPrefix, "metricPrefix");
        Objects.requireNonNull(registry, "registry");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.headerTimeout = DEFAULT_HEADER_TIMEOUT;
        this.rejected = Counter.builder().name(metricPrefix + "_http_rejected_total")
                .help("Requests refused by the HTTP conformance layer (malformed HTTP, framing, 405, encoded slash), by status")
                .labelNames("status").register(registry);
        this.peerGone = Counter.builder().name(metricPrefix + "_http_peer_gone_total")
                .help("Connections the peer closed in the middle of a request").register(registry);
        this.headerTimeouts = Counter.builder().name(metricPrefix + "_http_header_timeouts_total")
                .help("Connections closed (408) because their request head was not complete within"
                        + " listener_header_timeout_ms").register(registry);
    }

    private HttpConformance(HttpConformance shared, Duration headerTimeout) {
        this.renderer = shared.renderer;
        this.rejected = shared.rejected;
        this.peerGone = shared.peerGone;
        this.headerTimeouts = shared.headerTimeouts;
        this.headerTimeout = headerTimeout;
    }

    /**
     * This layer with another request-head deadline ({@code listener_header_timeout_ms}, default 10 s): a connection
     * whose request line and headers are not complete this long after their first byte gets a 408 and is closed.
     * The result shares this instance's renderer and counters (so listeners on one registry and prefix can each
     * have their own deadline); this instance is unchanged.
     */
    public HttpConformance headerTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("listener_header_timeout_ms: must be >= 1, got " + timeout.toMillis());
        }
        return new HttpConformance(this, timeout);
    }

    /** Installs the checks and JSON errors on {@code server}; {@code upgraders} are the HTTP/1 upgrades (WebSocket). */
    public WebServerConfig.Builder configure(WebServerConfig.Builder server, List<Http1Upgrader> upgraders) {
        Http1Config http1 = Http1Config.builder()
                .validatePath(true)
                .validateRequestHeaders(true)
                .addReceiveListener(new FramingRules())
                .build();
        JsonDirectHandler direct = new JsonDirectHandler(renderer, rejected);
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, direct);
        }
        return server
                .addConnectionSelector(new StrictHttp1Selector(http1, upgraders, this::peerGone,
                        new HeadDeadline(headerTimeout, renderer, headerTimeouts::inc)))
                .directHandlers(handlers.build())
                .errorHandling(e -> e.includeEntity(true));
    }

    private void peerGone() {
        peerGone.inc();
        LOG.debug("the peer closed the connection in the middle of a request");
    }

    /** Route registration for read-only resources on {@code routing}. */
    public Routes routes(HttpRouting.Builder routing) {
        return new Routes(routing);
    }

    /** Registers GET resources so HEAD works and other methods get 405 with {@code Allow: GET, HEAD}. */
    public final class Routes {
        private final HttpRouting.Builder routing;

        private Routes(HttpRouting.Builder routing) {
            this.routing = routing;
            routing.addFilter((chain, req, res) -> {
                String raw = req.path().rawPath();
                if (raw.contains("%2F") || raw.contains("%2f") || raw.contains("%5C") || raw.contains("%5c")) {
                    rejected.labelValues("400").inc();
                    sendError(res, Status.BAD_REQUEST_400, "INVALID_FORMAT",
                            "path: an encoded slash or backslash (%2F, %5C) is not allowed in a path segment");
                    return;
                }
                chain.proceed();
            });
        }

        /** GET and HEAD on {@code path} run {@code handler}; any other method gets 405. */
        public Routes get(String path, Handler handler) {
            routing.route(Method.GET, path, handler);
            routing.route(Method.HEAD, path, (req, res) -> handler.handle(req, headOnly(res)));
            routing.any(path, (req, res) -> {
                rejected.labelValues("405").inc();
                res.header(HeaderValues.create(HeaderNames.ALLOW, ALLOW));
                sendError(res, Status.METHOD_NOT_ALLOWED_405, "METHOD_NOT_ALLOWED",
                        "method " + req.prologue().method().text() + " is not allowed on " + path
                                + "; allowed: " + ALLOW);
            });
            return this;
        }

        public HttpRouting.Builder routing() {
            return routing;
        }
    }

    /** Sends the server's JSON error from a route or filter. */
    public void sendError(ServerResponse res, Status status, String code, String message) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        res.send(renderer.render(status.code(), code, message));
    }

    /**
     * A view of {@code res} for a HEAD request: a body sent through it is not written, only its length is
     * ({@code Content-Length} of what GET would send).
     */
    static ServerResponse headOnly(ServerResponse res) {
        Object[] self = new Object[1];
        ServerResponse proxy = (ServerResponse) Proxy.newProxyInstance(ServerResponse.class.getClassLoader(),
                new Class<?>[] {ServerResponse.class}, (p, method, args) -> {
                    if (method.getName().equals("send") && args != null && args.length >= 1
                            && args[0] instanceof byte[] body) {
                        int length = args.length == 3 ? (int) args[2] : body.length;
                        res.header(HeaderValues.create(HeaderNames.CONTENT_LENGTH, Integer.toString(length)));
                        res.send();
                        return null;
                    }
                    try {
                        Object result = method.invoke(res, args);
                        return result == res ? self[0] : result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        self[0] = proxy;
        return proxy;
    }
}
