package com.m0club.signer.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.http.HttpConformance;
import com.m0club.signer.BearerToken;
import com.m0club.signer.BundleSummary;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.SignerWire;
import com.m0club.signer.TraceParent;
import com.m0club.signer.tls.AgentTls;
import com.m0club.signer.tls.ClientIdentities;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SignerAgent} on HTTP (Helidon SE WebServer); the contract is in {@link SignerWire}.
 *
 * <p>Every sign request, whatever its outcome, produces exactly one audit line on the logger
 * {@code com.m0club.signer.audit}: request id, caller address, signer set, sequence, bundle hash, market count,
 * result, HTTP status and reason; when the caller sent a W3C {@code traceparent} the request's lines carry its
 * trace id in the MDC ({@link TraceParent}). Key material never reaches it (the agent holds the key; this class sees only
 * public keys and signatures).
 *
 * <p>Authentication, two factors. (1) Mutual TLS ({@link AgentTls}): the listener serves HTTPS only, TLS 1.3, and
 * requires a client certificate that chains to the configured CA and names an allowed identity; any other client is
 * refused in the handshake, before HTTP, and counted in {@code m0_signer_tls_refused_total{reason}}. (2) A shared
 * bearer token ({@link BearerToken}) on {@code /v1/*}. {@link Builder#build} refuses a server without either;
 * {@code m0 dev} issues its own dev certificates and a random token per run. {@code /healthz} and {@code /metrics}
 * need the client certificate too (probes use the standalone agent's plain-HTTP admin port instead).
 *
 * <p>The listener runs on the strict HTTP layer of m0-http, as the admin and API listeners do: strict request lines
 * and framing, a JSON error body ({@code {"error": CODE, "message": "..."}}, the {@link SignerWire} shape) on
 * every error Helidon generates itself, at most {@link Builder#limits maxConnections} TCP connections (more wait in
 * the accept backlog), idle connections closed after {@code idleTimeout}, and a request head not complete within
 * {@link Builder#headerTimeout} answered 408 and closed. Defaults: {@value Builder#DEFAULT_MAX_CONNECTIONS}
 * connections, 60 s idle, 10 s header.
 *
 * <p>Lifecycle: {@link #start} binds (port 0 picks a free port, see {@link #port}), {@link #close} stops. The server
 * does not own the agent: close the agent after the server.
 */
public final class SignerAgentServer implements AutoCloseable {
    /** Audit log: one line per sign request. */
    public static final String AUDIT_LOGGER = "com.m0club.signer.audit";

    private static final Logger LOG = LoggerFactory.getLogger(SignerAgentServer.class);
    private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);
    private static final HeaderName REQUEST_ID = HeaderNames.create(SignerWire.REQUEST_ID_HEADER);
    private static final HeaderName TRACEPARENT = HeaderNames.create(SignerWire.TRACEPARENT_HEADER);
    private static final Pattern REQUEST_ID_RULE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final SignerAgent agent;
    private final SignerAgentMetrics metrics;
    private final Optional<BearerToken> token;
    private final Optional<PrometheusRegistry> exposedRegistry;
    private final int maxBundleBytes;
    private final String host;
    private final ClientIdentities allowedClients;
    private final WebServer server;

    private SignerAgentServer(Builder b) {
        this.agent = b.agent;
        this.metrics = b.metrics;
        this.token = b.token;
        this.exposedRegistry = b.exposedRegistry;
        this.maxBundleBytes = b.maxBundleBytes;
        this.host = b.host;
        this.allowedClients = b.tls.allowed();
        var config = WebServer.builder()
                .host(b.host)
                .port(b.port)
                // Helidon 4.4.0 applies TLS client authentication only on its NIO connection path: the default
                // socket path serves a client without a certificate (ClientCertificateTest proves this one refuses)
                .useNio(true)
                .tls(b.tls.serverTls(b.metrics::tlsRefused))
                .shutdownGracePeriod(Duration.ofMillis(200))
                .maxTcpConnections(b.maxConnections)
                .idleConnectionTimeout(b.idleTimeout)
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(b.idleTimeout.toMillis() / 4, 50, 30_000)))
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(this::routing);
        this.server = b.metrics.conformance().headerTimeout(b.headerTimeout).configure(config, List.of()).build();
    }

    public static Builder builder(SignerAgent agent) {
        return new Builder(agent);
    }

    private void routing(HttpRouting.Builder r) {
        r.post(SignerWire.SIGN_PATH, this::sign)
                .get(SignerWire.KEY_PATH, this::key)
                .get(SignerWire.HEALTH_PATH, (req, res) -> json(res, Status.OK_200,
                        SignerWire.JSON.createObjectNode().put("status", "UP")));
        exposedRegistry.ifPresent(registry -> r.get(SignerWire.METRICS_PATH, (req, res) -> {
            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writer.write(out, registry.scrape());
            res.header(HeaderNames.CONTENT_TYPE, writer.getContentType()).send(out.toByteArray());
        }));
    }

    /** Binds and starts serving; returns this. */
    public SignerAgentServer start() {
        server.start();
        LOG.info("signer agent {} (signer set {}) listening on https://{}:{} (mutual TLS)", agent.publicKey().toHex(),
                agent.signerSet().id(), host, server.port());
        return this;
    }

    /** The bound port (after {@link #start}). */
    public int port() {
        return server.port();
    }

    /** {@code https://<host>:<port>}, with a wildcard bind address shown as loopback. */
    public URI endpoint() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("https://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
    }

    public SignerAgent agent() {
        return agent;
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "SignerAgentServer[" + agent + ", " + host + ":" + (server.isRunning() ? port() : "-") + "]";
    }

    // ------------------------------------------------------------------ handlers

    private void key(ServerRequest req, ServerResponse res) {
        if (!authorized(req)) {
            error(res, Status.UNAUTHORIZED_401, SignerWire.UNAUTHORIZED, "missing or wrong bearer token");
            return;
        }
        json(res, Status.OK_200, SignerWire.JSON.createObjectNode()
                .put(SignerWire.PUBLIC_KEY_HEX, agent.publicKey().toHex())
                .put(SignerWire.SIGNER_SET_ID, agent.signerSet().id()));
    }

    /** A sign request, its log lines (the audit line too) under the caller's trace id when it sent one. */
    private void sign(ServerRequest req, ServerResponse res) {
        try (var trace = TraceParent.inMdc(req.headers().first(TRACEPARENT))) {
            signRequest(req, res);
        }
    }

    private void signRequest(ServerRequest req, ServerResponse res) {
        Audit audit = new Audit(caller(req), clientIdentity(req));
        try {
            Optional<String> presentedId = req.headers().first(REQUEST_ID);
            if (presentedId.isPresent() && !REQUEST_ID_RULE.matcher(presentedId.get()).matches()) {
                reject(res, audit, Status.BAD_REQUEST_400, SignerWire.BAD_REQUEST, SignerAgentMetrics.BAD_REQUEST,
                        SignerWire.REQUEST_ID_HEADER + " must match " + REQUEST_ID_RULE.pattern());
                return;
            }
            audit.requestId = presentedId.orElseGet(() -> "agent-" + UUID.randomUUID());
            res.header(REQUEST_ID, audit.requestId);
            if (!authorized(req)) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                reject(res, audit, Status.UNAUTHORIZED_401, SignerWire.UNAUTHORIZED,
                        SignerAgentMetrics.UNAUTHORIZED, "missing or wrong bearer token");
                return;
            }
            Optional<String> contentType = req.headers().first(HeaderNames.CONTENT_TYPE);
            if (contentType.isEmpty() || !mediaType(contentType.get()).equals(SignerWire.BUNDLE_CONTENT_TYPE)) {
                reject(res, audit, Status.BAD_REQUEST_400, SignerWire.BAD_REQUEST, SignerAgentMetrics.BAD_REQUEST,
                        "Content-Type must be " + SignerWire.BUNDLE_CONTENT_TYPE + " (canonical bundle bytes), got "
                                + contentType.map(SignerAgentServer::printable).orElse("none"));
                return;
            }
            OptionalLong declared = req.headers().contentLength();
            if (declared.isPresent() && declared.getAsLong() > maxBundleBytes) {
                reject(res, audit, Status.REQUEST_ENTITY_TOO_LARGE_413, SignerWire.PAYLOAD_TOO_LARGE,
                        SignerAgentMetrics.TOO_LARGE, "body is " + declared.getAsLong() + " bytes; the limit is "
                                + maxBundleBytes);
                return;
            }
            byte[] body;
            try {
                body = readBody(req);
            } catch (IOException | UncheckedIOException e) {
                reject(res, audit, Status.BAD_REQUEST_400, SignerWire.BAD_REQUEST, SignerAgentMetrics.BAD_REQUEST,
                        "the request body could not be read: " + e.getMessage());
                return;
            } catch (DataReader.InsufficientDataAvailableException | CloseConnectionException e) {
                // the caller went away mid-body: typically the threshold client cancelling the requests it no
                // longer needs once m signatures are in. Not an agent failure; nothing was signed. (The HTTP layer
                // reports a hang-up as CloseConnectionException, which must reach Helidon to close quietly.)
                metrics.request(SignerAgentMetrics.CLIENT_GONE);
                audit.log(499, SignerAgentMetrics.CLIENT_GONE, e.getClass().getSimpleName());
                LOG.debug("sign request {}: client went away while sending the body: {}", audit.requestId,
                        e.toString());
                if (e instanceof CloseConnectionException close) {
                    throw close;
                }
                return;
            }
            if (body == null) {
                reject(res, audit, Status.REQUEST_ENTITY_TOO_LARGE_413, SignerWire.PAYLOAD_TOO_LARGE,
                        SignerAgentMetrics.TOO_LARGE, "body exceeds the limit of " + maxBundleBytes + " bytes");
                return;
            }
            if (body.length == 0) {
                reject(res, audit, Status.BAD_REQUEST_400, SignerWire.BAD_REQUEST, SignerAgentMetrics.BAD_REQUEST,
                        "the body is empty; send the canonical bundle bytes");
                return;
            }
            long started = System.nanoTime();
            SignResult result = agent.sign(body);
            metrics.signSeconds((System.nanoTime() - started) / 1e9);
            result.summary().ifPresent(s -> audit.bundle = s);
            switch (result) {
                case SignResult.Signed s -> {
                    metrics.request(SignerAgentMetrics.SIGNED);
                    audit.log(200, s.repeat() ? "signed_repeat" : "signed", "-");
                    json(res, Status.OK_200, SignerWire.JSON.createObjectNode()
                            .put(SignerWire.PUBLIC_KEY_HEX, s.signature().key().toHex())
                            .put(SignerWire.SIGNATURE_HEX, s.signature().signatureHex())
                            .put(SignerWire.SIGNER_SET_ID, s.bundle().signerSetId())
                            .put(SignerWire.SEQUENCE, s.sequence())
                            .put(SignerWire.BUNDLE_HASH_HEX, s.bundleHash().toHex()));
                }
                case SignResult.Refused r -> {
                    metrics.request(SignerAgentMetrics.REFUSED);
                    metrics.refusal(r.reason());
                    Status status = statusOf(r.reason());
                    audit.log(status.code(), "refused", r.reason().name());
                    error(res, status, r.reason().name(), r.message());
                }
            }
        } catch (CloseConnectionException e) {
            throw e; // the connection ends (peer gone, head deadline): not an agent error
        } catch (UncheckedIOException e) {
            // the answer could not be written: the caller went away, typically the threshold client cancelling the
            // requests it no longer needs once m signatures are in. What was decided (and audited) stands.
            LOG.debug("sign request {}: the client went away before the answer was sent: {}", audit.requestId,
                    e.toString());
            throw new CloseConnectionException("the client went away before the answer was sent", e);
        } catch (RuntimeException e) {
            metrics.request(SignerAgentMetrics.ERROR);
            audit.log(500, "error", e.getClass().getSimpleName());
            LOG.error("sign request {} failed unexpectedly", audit.requestId, e);
            if (!res.isSent()) {
                error(res, Status.INTERNAL_SERVER_ERROR_500, SignerWire.INTERNAL, "internal error; see the agent log");
            }
        }
    }

    private void reject(ServerResponse res, Audit audit, Status status, String error, String result, String message) {
        metrics.request(result);
        audit.log(status.code(), result, error);
        error(res, status, error, message);
    }

    static Status statusOf(RefusalReason reason) {
        return switch (reason.category()) {
            case BUNDLE, POLICY -> Status.UNPROCESSABLE_CONTENT_422;
            case REPLAY -> Status.CONFLICT_409;
            case UNAVAILABLE -> Status.SERVICE_UNAVAILABLE_503;
        };
    }

    /** Reads at most the limit; null when the body is longer. */
    private byte[] readBody(ServerRequest req) throws IOException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(maxBundleBytes + 1);
            return body.length > maxBundleBytes ? null : body;
        }
    }

    private boolean authorized(ServerRequest req) {
        return token.isPresent() && token.get().matches(req.headers().first(HeaderNames.AUTHORIZATION));
    }

    private static String caller(ServerRequest req) {
        try {
            if (req.remotePeer().address() instanceof java.net.InetSocketAddress isa && isa.getAddress() != null) {
                String ip = isa.getAddress().getHostAddress(); // the address, never a reverse DNS name
                return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + isa.getPort();
            }
            return req.remotePeer().host() + ":" + req.remotePeer().port();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** The allowed identity the caller's certificate presents (the handshake already required one). */
    private String clientIdentity(ServerRequest req) {
        try {
            return req.remotePeer().tlsCertificates()
                    .filter(c -> c.length > 0 && c[0] instanceof java.security.cert.X509Certificate)
                    .flatMap(c -> allowedClients.match((java.security.cert.X509Certificate) c[0]))
                    .orElse("-");
        } catch (RuntimeException e) {
            return "-";
        }
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** A header value safe to echo in a message: printable ASCII, at most 64 characters. */
    private static String printable(String value) {
        String v = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return v.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void json(ServerResponse res, Status status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = SignerWire.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.status(status).header(HeaderNames.CONTENT_TYPE, SignerWire.JSON_CONTENT_TYPE).send(bytes);
    }

    private static void error(ServerResponse res, Status status, String error, String message) {
        json(res, status, errorBody(error, message));
    }

    private static ObjectNode errorBody(String error, String message) {
        return SignerWire.JSON.createObjectNode().put(SignerWire.ERROR, error).put(SignerWire.MESSAGE, message);
    }

    /** The HTTP layer's error body: the same {@link SignerWire} shape as the agent's own errors. */
    static byte[] errorBytes(int status, String code, String message) {
        try {
            return SignerWire.JSON.writeValueAsBytes(errorBody(code, message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The audit line of one sign request, filled in as the request is understood. */
    private static final class Audit {
        final String caller;
        final String identity;
        String requestId = "-";
        BundleSummary bundle;

        Audit(String caller, String identity) {
            this.caller = caller;
            this.identity = identity;
        }

        void log(int status, String result, String reason) {
            if (bundle == null) {
                AUDIT.info("sign request_id={} caller={} client={} set=- sequence=- bundle_hash=- markets=- result={} "
                        + "status={} reason={}", requestId, caller, identity, result, status, reason);
            } else {
                AUDIT.info("sign request_id={} caller={} client={} set={} sequence={} bundle_hash={} markets={} "
                                + "result={} status={} reason={}", requestId, caller, identity, bundle.signerSetId(),
                        bundle.sequence(),
                        bundle.bundleHash().toHex(), bundle.marketCount(), result, status, reason);
            }
        }
    }

    /** Options for one agent server. The agent, metrics, TLS and token are required; host defaults to loopback, port to 0. */
    public static final class Builder {
        /** Default TCP connection cap of the agent listener. */
        public static final int DEFAULT_MAX_CONNECTIONS = 64;
        /** Default idle connection timeout of the agent listener. */
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

        private final SignerAgent agent;
        private SignerAgentMetrics metrics;
        private Optional<BearerToken> token = Optional.empty();
        private AgentTls tls;
        private Optional<PrometheusRegistry> exposedRegistry = Optional.empty();
        private int maxBundleBytes = SignerWire.MAX_BUNDLE_BYTES;
        private String host = "127.0.0.1";
        private int port;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = HttpConformance.DEFAULT_HEADER_TIMEOUT;

        private Builder(SignerAgent agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
        }

        /** Metrics shared with other agents in this JVM (one {@link SignerAgentMetrics} per registry). */
        public Builder metrics(SignerAgentMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Registers this server's metrics in {@code registry} (only one agent per registry; else use metrics()). */
        public Builder registry(PrometheusRegistry registry) {
            this.metrics = new SignerAgentMetrics(registry);
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} on /v1/*. */
        public Builder bearerToken(BearerToken token) {
            this.token = Optional.of(Objects.requireNonNull(token, "token"));
            return this;
        }

        public Builder bearerToken(Optional<BearerToken> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** The listener's mutual TLS (required): server certificate, CA and allowed client identities. */
        public Builder tls(AgentTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Also serves {@code GET /metrics} from {@code registry} (the standalone agent has no other admin port). */
        public Builder exposeMetrics(PrometheusRegistry registry) {
            this.exposedRegistry = Optional.of(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        public Builder maxBundleBytes(int maxBundleBytes) {
            if (maxBundleBytes < 1) {
                throw new IllegalArgumentException("max bundle bytes must be >= 1, got " + maxBundleBytes);
            }
            this.maxBundleBytes = maxBundleBytes;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Listener limits: TCP connections at most (default {@value #DEFAULT_MAX_CONNECTIONS}; more wait in the
         * accept backlog) and the idle connection timeout (default 60 s; also cuts off a client that stalls before
         * its request line ends).
         */
        public Builder limits(int maxConnections, Duration idleTimeout) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("signer agent maxConnections: must be >= 1, got " + maxConnections);
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("signer agent idleTimeout: must be >= 100 ms, got " + idleTimeout);
            }
            this.maxConnections = maxConnections;
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * A connection whose request line and headers are not complete this long after their first byte gets a 408
         * and is closed (default 10 s).
         */
        public Builder headerTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("signer agent headerTimeout: must be >= 1 ms, got " + timeout);
            }
            this.headerTimeout = timeout;
            return this;
        }

        public SignerAgentServer build() {
            if (metrics == null) {
                throw new IllegalStateException("signer agent server: metrics (or a registry) is required");
            }
            if (tls == null) {
                throw new IllegalStateException("signer agent server: TLS is required in every profile (the agent "
                        + "serves HTTPS with client certificates only; m0 dev issues its own dev certificates)");
            }
            if (token.isEmpty()) {
                throw new IllegalStateException("signer agent server: a bearer token is required in every profile "
                        + "(an agent never signs for an unauthenticated caller)");
            }
            return new SignerAgentServer(this);
        }
    }
}
