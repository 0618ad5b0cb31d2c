package com.m0club.adapter.chain.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.adapter.chain.remote.LedgerWire.EventPage;
import com.m0club.adapter.chain.remote.LedgerWire.Fields;
import com.m0club.chain.EpochRef;
import com.m0club.chain.EventsExpiredException;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.local.LocalLedger;
import com.m0club.http.HttpConformance;
import com.m0club.http.JsonResponses;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.MarketStatus;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link Ledger} (in {@code m0 ledger serve}, the local ledger) over HTTP to {@link RemoteLedger}
 * clients, in the wire format of {@link LedgerWire}: one endpoint per port method, the ledger's answers and
 * refusals as they are. The server adds no rule of its own: what the ledger accepts it accepts, what the ledger
 * refuses comes back as that refusal (422, the same reason and detail).
 *
 * <p>The listener runs on the strict HTTP layer of m0-http like every M0 listener: strict request lines and framing,
 * the JSON error body {@code {"error":{"code","message"}}} on every error (Helidon's own included), a request head
 * not complete within the header timeout answered 408, at most {@code maxConnections} TCP connections, idle ones
 * closed. Request bodies are bounded: a reveal by the largest signed bundle the ledger accepts
 * ({@link Builder#maxSignedBundleBytes}; a larger one is the ledger's own {@code TOO_LARGE} refusal), every other
 * write by {@value LedgerWire#MAX_SMALL_BODY_BYTES} bytes (413).
 *
 * <p>Authentication: with a {@link LedgerToken} every request needs {@code Authorization: Bearer <token>} (401
 * otherwise). Without one the server binds only a loopback address ({@link Builder#build} refuses another): a
 * dev/test stand-in reachable from this machine alone.
 *
 * <p>{@code GET events} with {@code wait_ms} is a long poll: when no event is at {@code from} yet, the answer waits
 * until one is appended (the server subscribes to the ledger) or {@code wait_ms} passes, then returns what there is.
 *
 * <p>Lifecycle: {@link #start} binds (port 0 picks a free port, see {@link #port}); {@link #close} wakes the long
 * polls and stops. The server does not own the ledger: close the ledger after the server.
 */
public final class LedgerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerServer.class);

    private final Ledger ledger;
    private final LedgerServerMetrics metrics;
    private final Optional<LedgerToken> token;
    private final int maxSignedBundleBytes;
    private final long maxRevealBody;
    private final String host;
    private final WebServer server;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Condition appended = appendLock.newCondition();
    private long appends;
    private volatile boolean closing;
    private Ledger.Subscription subscription;

    private LedgerServer(Builder b) {
        this.ledger = b.ledger;
        this.metrics = b.metrics;
        this.token = b.token;
        this.maxSignedBundleBytes = b.maxSignedBundleBytes;
        this.maxRevealBody = LedgerWire.maxRevealBodyBytes(b.maxSignedBundleBytes);
        this.host = b.host;
        var config = WebServer.builder()
                .host(b.host)
                .port(b.port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofMillis(500))
                .maxTcpConnections(b.maxConnections)
                .idleConnectionTimeout(b.idleTimeout)
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(b.idleTimeout.toMillis() / 4, 50, 30_000)))
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(this::routing);
        this.server = metrics.conformance().headerTimeout(b.headerTimeout).configure(config, List.of()).build();
    }

    public static Builder builder(Ledger ledger) {
        return new Builder(ledger);
    }

    /** Subscribes to the ledger (to wake long polls), binds and starts serving; returns this. */
    public LedgerServer start() {
        subscription = ledger.subscribe(e -> signalAppend());
        try {
            server.start();
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        LOG.info("ledger server for {} listening on {} (auth {})", ledger, endpoint(),
                token.isPresent() ? "bearer token" : "none, loopback only");
        return this;
    }

    /** The bound port (after {@link #start}). */
    public int port() {
        return server.port();
    }

    /** {@code http://<host>:<port>}, a wildcard bind address shown as loopback: what a client on this machine uses. */
    public URI endpoint() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
    }

    /** True while the listener runs. */
    public boolean isRunning() {
        return server.isRunning();
    }

    /** Wakes the long polls and stops the listener. Idempotent. */
    @Override
    public void close() {
        closing = true;
        signalAppend();
        if (subscription != null) {
            subscription.close();
        }
        if (server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "LedgerServer[" + ledger + ", " + host + ":" + (server.isRunning() ? port() : "-") + "]";
    }

    // ------------------------------------------------------------------------------------------------ routes

    private void routing(HttpRouting.Builder r) {
        HttpConformance conformance = metrics.conformance();
        HttpConformance.Routes routes = conformance.routes(r);
        write(r, LedgerWire.COMMIT, req -> {
            Fields f = body(req, LedgerWire.COMMIT);
            return LedgerWire.commitReceipt(ledger.commit(f.hash("commit_hash"), f.i64("signer_set_id"),
                    f.i64("sequence")));
        });
        write(r, LedgerWire.REVEAL, req -> {
            Fields f = revealBody(req);
            return LedgerWire.revealReceipt(ledger.reveal(f.bytes("signed_bundle"), f.bytes("salt")));
        });
        write(r, LedgerWire.FINALIZE_EPOCH, req -> {
            Fields f = body(req, LedgerWire.FINALIZE_EPOCH);
            return LedgerWire.finalizeReceipt(ledger.finalizeEpoch(f.marketId("market"), f.i64("epoch_id")));
        });
        write(r, LedgerWire.REGISTER_SIGNER_SET, req -> {
            ledger.registerSignerSet(LedgerWire.signerSet(body(req, LedgerWire.REGISTER_SIGNER_SET)));
            return LedgerWire.object();
        });
        write(r, LedgerWire.ACTIVATE_SIGNER_SET, req -> {
            ledger.activateSignerSet(body(req, LedgerWire.ACTIVATE_SIGNER_SET).i64("signer_set_id"));
            return LedgerWire.object();
        });
        write(r, LedgerWire.REGISTER_MARKET, req -> {
            ledger.registerMarket(LedgerWire.market(body(req, LedgerWire.REGISTER_MARKET)));
            return LedgerWire.object();
        });
        write(r, LedgerWire.SET_MARKET_STATUS, req -> {
            Fields f = body(req, LedgerWire.SET_MARKET_STATUS);
            ledger.setMarketStatus(f.marketId("market"), f.enumValue("status", MarketStatus.class));
            return LedgerWire.object();
        });

        read(routes, LedgerWire.INFO, Set.of(), q -> {
            ObjectNode n = LedgerWire.object();
            n.put("wire_version", LedgerWire.VERSION);
            n.put("max_signed_bundle_bytes", maxSignedBundleBytes);
            n.put("max_events_per_page", LedgerWire.MAX_EVENTS_PER_PAGE);
            n.put("max_wait_ms", LedgerWire.MAX_WAIT_MS);
            return n;
        });
        read(routes, LedgerWire.CLOCK, Set.of(), q -> {
            ObjectNode n = LedgerWire.object();
            n.put("slot", ledger.currentSlot());
            n.put("now_ms", ledger.nowMs());
            return n;
        });
        read(routes, LedgerWire.SIGNER_SET, Set.of("id"),
                q -> LedgerWire.optional(ledger.signerSet(q.i64("id")), LedgerWire::signerSet));
        read(routes, LedgerWire.LAST_SEQUENCE, Set.of("signer_set_id"),
                q -> LedgerWire.object().put("last_sequence", ledger.lastSequence(q.i64("signer_set_id"))));
        read(routes, LedgerWire.MARKET, Set.of("id"),
                q -> LedgerWire.optional(ledger.market(q.market("id")), LedgerWire::market));
        read(routes, LedgerWire.COMMITMENT, Set.of("commit_hash"),
                q -> LedgerWire.optional(ledger.commitment(q.hash("commit_hash")), LedgerWire::commitRecord));
        read(routes, LedgerWire.REVEALED_BUNDLE, Set.of("bundle_hash"),
                q -> LedgerWire.optional(ledger.revealedBundle(q.hash("bundle_hash")), LedgerWire::revealedBundle));
        read(routes, LedgerWire.EPOCH, Set.of("market", "epoch_id"),
                q -> LedgerWire.optional(ledger.epoch(q.market("market"), q.i64("epoch_id")),
                        LedgerWire::epochRecord));
        read(routes, LedgerWire.LATEST, Set.of("market"),
                q -> LedgerWire.optional(ledger.latest(q.market("market")), LedgerWire::marketValue));
        read(routes, LedgerWire.DUE_FOR_FINALIZATION, Set.of(), q -> {
            ObjectNode n = LedgerWire.object();
            ArrayNode epochs = n.putArray("epochs");
            for (EpochRef e : ledger.dueForFinalization()) {
                epochs.add(LedgerWire.epochRef(e));
            }
            return n;
        });
        read(routes, LedgerWire.EVENTS, Set.of("from", "max", "wait_ms"), this::events);
        read(routes, LedgerWire.EVENT_INDEX, Set.of(), q -> {
            ObjectNode n = LedgerWire.object();
            n.put("oldest", ledger.oldestEventIndex());
            n.put("next", ledger.nextEventIndex());
            return n;
        });
    }

    private ObjectNode events(Query q) {
        long from = q.i64("from");
        long max = q.i64("max");
        long waitMs = q.optI64("wait_ms").orElse(0);
        if (from < 0) {
            throw new BadRequest("from: must be >= 0, got " + from);
        }
        if (max < 0 || max > LedgerWire.MAX_EVENTS_PER_PAGE) {
            throw new BadRequest("max: must be 0.." + LedgerWire.MAX_EVENTS_PER_PAGE + ", got " + max);
        }
        if (waitMs < 0 || waitMs > LedgerWire.MAX_WAIT_MS) {
            throw new BadRequest("wait_ms: must be 0.." + LedgerWire.MAX_WAIT_MS + ", got " + waitMs);
        }
        return LedgerWire.eventPage(awaitEvents(from, (int) max, waitMs));
    }

    /** The events from {@code from}; when there are none yet, waits up to {@code waitMs} for one to be appended. */
    private EventPage awaitEvents(long from, int max, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        boolean counted = false;
        try {
            while (true) {
                long seen = appendCount();
                long next = ledger.nextEventIndex();
                long oldest = ledger.oldestEventIndex();
                List<LedgerEvent> events = ledger.events(from, max);
                if (!events.isEmpty() || max == 0 || closing || System.nanoTime() >= deadline) {
                    return new EventPage(oldest, events.isEmpty() ? next
                            : Math.max(next, events.getLast().index() + 1), events);
                }
                if (!counted) {
                    counted = true;
                    metrics.waiting(1);
                }
                if (!awaitAppendAfter(seen, deadline)) {
                    return new EventPage(oldest, next, List.of());
                }
            }
        } finally {
            if (counted) {
                metrics.waiting(-1);
            }
        }
    }

    private long appendCount() {
        appendLock.lock();
        try {
            return appends;
        } finally {
            appendLock.unlock();
        }
    }

    /** Waits for an append after the {@code seen}-th; false at the deadline, on close or on interrupt. */
    private boolean awaitAppendAfter(long seen, long deadline) {
        appendLock.lock();
        try {
            while (appends == seen && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                appended.awaitNanos(left);
            }
            return !closing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            appendLock.unlock();
        }
    }

    private void signalAppend() {
        appendLock.lock();
        try {
            appends++;
            appended.signalAll();
        } finally {
            appendLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Write {
        ObjectNode handle(ServerRequest req);
    }

    @FunctionalInterface
    private interface Read {
        ObjectNode handle(Query query);
    }

    private void write(HttpRouting.Builder r, String name, Write handler) {
        String path = LedgerWire.PREFIX + name;
        r.route(Method.POST, path, endpoint(name, (req, res) -> handler.handle(req)));
        r.any(path, (req, res) -> {
            metrics.request(name, LedgerServerMetrics.BAD_REQUEST, System.nanoTime());
            res.header(HeaderValues.create(HeaderNames.ALLOW, "POST"));
            metrics.conformance().sendError(res, Status.METHOD_NOT_ALLOWED_405, "METHOD_NOT_ALLOWED", "method "
                    + req.prologue().method().text() + " is not allowed on " + path + "; allowed: POST");
        });
    }

    private void read(HttpConformance.Routes routes, String name, Set<String> params, Read handler) {
        routes.get(LedgerWire.PREFIX + name, endpoint(name, (req, res) -> handler.handle(new Query(req, params))));
    }

    @FunctionalInterface
    private interface Body {
        ObjectNode answer(ServerRequest req, ServerResponse res);
    }

    /** Authorizes, runs the call and maps its outcome to the wire format; counts and times every request. */
    private Handler endpoint(String name, Body body) {
        return (req, res) -> {
            long started = System.nanoTime();
            String outcome;
            try {
                if (token.isPresent() && !token.get().matches(req.headers().first(HeaderNames.AUTHORIZATION))) {
                    res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"));
                    error(res, Status.UNAUTHORIZED_401, JsonResponses.errorBody(LedgerWire.UNAUTHORIZED,
                            "missing or wrong bearer token (the server's ledger_auth_token_file)"));
                    outcome = LedgerServerMetrics.UNAUTHORIZED;
                } else {
                    ObjectNode answer = body.answer(req, res);
                    JsonResponses.ok(res, answer);
                    outcome = LedgerServerMetrics.OK;
                }
            } catch (LedgerRejection r) {
                ObjectNode e = JsonResponses.errorBody(LedgerWire.REJECTED, r.getMessage());
                ObjectNode error = (ObjectNode) e.get("error");
                error.put("reason", r.reason().name());
                error.put("detail", r.detail());
                error(res, Status.UNPROCESSABLE_CONTENT_422, e);
                outcome = LedgerServerMetrics.REJECTED;
            } catch (EventsExpiredException x) {
                ObjectNode e = JsonResponses.errorBody(LedgerWire.EVENTS_EXPIRED, x.getMessage());
                ObjectNode error = (ObjectNode) e.get("error");
                error.put("requested", x.requested());
                error.put("oldest_kept", x.oldestKept());
                error(res, Status.GONE_410, e);
                outcome = LedgerServerMetrics.EXPIRED;
            } catch (TooLarge x) {
                error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, JsonResponses.errorBody(LedgerWire.PAYLOAD_TOO_LARGE,
                        x.getMessage()));
                outcome = LedgerServerMetrics.TOO_LARGE;
            } catch (BadRequest | WireFormatException | IllegalArgumentException x) {
                error(res, Status.BAD_REQUEST_400, JsonResponses.errorBody(LedgerWire.BAD_REQUEST, x.getMessage()));
                outcome = LedgerServerMetrics.BAD_REQUEST;
            } catch (CloseConnectionException | DataReader.InsufficientDataAvailableException x) {
                metrics.request(name, LedgerServerMetrics.BAD_REQUEST, started);
                throw x; // the connection ends (peer gone mid-request, head deadline): Helidon closes it
            } catch (IllegalStateException | UncheckedIOException x) {
                // the ledger is closed or stopped accepting writes after a journal failure: a transport failure
                LOG.warn("ledger server: {} failed: {}", name, x.getMessage());
                error(res, Status.SERVICE_UNAVAILABLE_503, JsonResponses.errorBody(LedgerWire.UNAVAILABLE,
                        x.getMessage()));
                outcome = LedgerServerMetrics.UNAVAILABLE;
            } catch (RuntimeException x) {
                LOG.error("ledger server: {} failed unexpectedly", name, x);
                error(res, Status.INTERNAL_SERVER_ERROR_500, JsonResponses.errorBody(LedgerWire.INTERNAL,
                        name + " failed; see the ledger server's log"));
                outcome = LedgerServerMetrics.ERROR;
            }
            metrics.request(name, outcome, started);
        };
    }

    private static void error(ServerResponse res, Status status, ObjectNode body) {
        if (!res.isSent()) {
            JsonResponses.send(res, status, body);
        }
    }

    /** The JSON object body of a small write. */
    private Fields body(ServerRequest req, String what) {
        return LedgerWire.parse(read(req, LedgerWire.MAX_SMALL_BODY_BYTES), what + " request body");
    }

    /**
     * The body of a reveal, bounded by the largest signed bundle the ledger accepts: a larger one is the ledger's own
     * refusal ({@code TOO_LARGE}), not a transport error, so the submitter fails the bundle instead of retrying it.
     */
    private Fields revealBody(ServerRequest req) {
        byte[] bytes;
        try {
            bytes = read(req, maxRevealBody);
        } catch (TooLarge e) {
            throw new LedgerRejection(LedgerRejection.Reason.TOO_LARGE, "the reveal request is " + e.size
                    + " bytes, more than a signed bundle of at most " + maxSignedBundleBytes + " bytes takes; the"
                    + " ledger accepts at most " + maxSignedBundleBytes + " (max_bundle_bytes)");
        }
        return LedgerWire.parse(bytes, "reveal request body");
    }

    private static byte[] read(ServerRequest req, long limit) {
        Optional<String> type = req.headers().first(HeaderNames.CONTENT_TYPE);
        if (type.isEmpty() || !mediaType(type.get()).equals(LedgerWire.JSON_CONTENT_TYPE)) {
            throw new BadRequest("Content-Type must be " + LedgerWire.JSON_CONTENT_TYPE);
        }
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw new TooLarge(declared.getAsLong(), "body is " + declared.getAsLong() + " bytes; the limit is "
                    + limit);
        }
        if (!req.content().hasEntity()) {
            throw new BadRequest("the body is empty; send a JSON object");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw new TooLarge(body.length, "body exceeds the limit of " + limit + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new BadRequest("the request body could not be read: " + e.getMessage());
        }
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** A request the server cannot understand (a field, a parameter, a content type): 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    /** A body over its limit: 413 (a reveal's is a TOO_LARGE refusal instead). */
    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long size;

        TooLarge(long size, String message) {
            super(message);
            this.size = size;
        }
    }

    /** The query parameters of a read: only the named ones, each at most once. */
    private static final class Query {
        private final ServerRequest req;

        Query(ServerRequest req, Set<String> allowed) {
            this.req = req;
            for (String name : req.query().names()) {
                if (!allowed.contains(name)) {
                    throw new BadRequest("unknown query parameter '" + printable(name) + "'"
                            + (allowed.isEmpty() ? "; this read takes none" : "; allowed: " + allowed));
                }
                if (req.query().all(name).size() > 1) {
                    throw new BadRequest("query parameter " + name + " is given more than once");
                }
            }
        }

        Optional<String> opt(String name) {
            return req.query().contains(name) ? Optional.of(req.query().get(name)) : Optional.empty();
        }

        String str(String name) {
            return opt(name).orElseThrow(() -> new BadRequest("query parameter " + name + " is required"));
        }

        long i64(String name) {
            String v = str(name);
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new BadRequest(name + ": must be an integer, got '" + printable(v) + "'");
            }
        }

        OptionalLong optI64(String name) {
            return opt(name).isPresent() ? OptionalLong.of(i64(name)) : OptionalLong.empty();
        }

        MarketId market(String name) {
            try {
                return MarketId.of(str(name));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(name + ": " + e.getMessage());
            }
        }

        Hash32 hash(String name) {
            String hex = str(name);
            Hash32 h;
            try {
                h = Hash32.fromHex(name, hex);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
            if (!h.toHex().equals(hex)) {
                throw new BadRequest(name + ": must be 64 lowercase hex characters");
            }
            return h;
        }

        private static String printable(String value) {
            String v = value.length() > 64 ? value.substring(0, 64) + "..." : value;
            return v.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /** Options of a ledger server. The ledger and the metrics (or a registry) are required. */
    public static final class Builder {
        public static final int DEFAULT_MAX_CONNECTIONS = 256;
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

        private final Ledger ledger;
        private LedgerServerMetrics metrics;
        private Optional<LedgerToken> token = Optional.empty();
        private int maxSignedBundleBytes = LocalLedger.DEFAULT_MAX_SIGNED_BUNDLE_BYTES;
        private String host = "127.0.0.1";
        private int port;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = HttpConformance.DEFAULT_HEADER_TIMEOUT;

        private Builder(Ledger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /** Metrics shared by every server on one registry (a restart in the same process reuses them). */
        public Builder metrics(LedgerServerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Registers this server's metrics in {@code registry} (one server per registry; else use metrics()). */
        public Builder registry(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
            this.metrics = new LedgerServerMetrics(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} on every request; without one only loopback binds. */
        public Builder token(Optional<LedgerToken> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * The largest signed bundle the served ledger accepts (default the local ledger's,
         * {@value LocalLedger#DEFAULT_MAX_SIGNED_BUNDLE_BYTES}): bounds the body of a reveal.
         */
        public Builder maxSignedBundleBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxSignedBundleBytes must be >= 1, got " + bytes);
            }
            this.maxSignedBundleBytes = bytes;
            return this;
        }

        /** Bind address (default {@code 127.0.0.1}). */
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

        /** TCP connections at most (default {@value #DEFAULT_MAX_CONNECTIONS}) and the idle timeout (default 60 s). */
        public Builder limits(int maxConnections, Duration idleTimeout) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("ledger server maxConnections: must be >= 1, got "
                        + maxConnections);
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("ledger server idleTimeout: must be >= 100 ms, got " + idleTimeout);
            }
            this.maxConnections = maxConnections;
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** A request head not complete this long after its first byte gets a 408 (default 10 s). */
        public Builder headerTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("ledger server headerTimeout: must be >= 1 ms, got " + timeout);
            }
            this.headerTimeout = timeout;
            return this;
        }

        public LedgerServer build() {
            if (metrics == null) {
                throw new IllegalStateException("ledger server: metrics (or a registry) is required");
            }
            if (token.isEmpty() && !loopback(host)) {
                throw new IllegalStateException("ledger server: binding " + host + " (not a loopback address) needs"
                        + " a bearer token (ledger_auth_token_file, env M0_LEDGER_AUTH_TOKEN_FILE): without one the"
                        + " ledger's admin calls would be open to the network");
            }
            return new LedgerServer(this);
        }

        private static boolean loopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("ledger server host " + host + " does not resolve", e);
            }
        }
    }
}
