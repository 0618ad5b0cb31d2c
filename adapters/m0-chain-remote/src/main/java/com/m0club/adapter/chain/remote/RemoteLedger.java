package com.m0club.adapter.chain.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.adapter.chain.remote.LedgerWire.EventPage;
import com.m0club.adapter.chain.remote.LedgerWire.Fields;
import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.EventsExpiredException;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The ledger ports over HTTP: every call is one request to a {@link LedgerServer} (in a split topology, the
 * {@code m0 ledger serve} process that owns the local ledger), so the rules are enforced exactly once, by the ledger
 * behind the server, whichever process calls.
 *
 * <ul>
 *   <li><b>Rejections</b> cross the wire as themselves: a {@link LedgerRejection} on the server is a
 *       {@link LedgerRejection} here, with the same {@link LedgerRejection.Reason} and detail (so
 *       {@code reason().retryLater()} and the publish-state reasons are unchanged), and {@link EventsExpiredException}
 *       likewise.</li>
 *   <li><b>Transport failures</b> (connection refused or reset, no answer within the request timeout, a 5xx, refused
 *       credentials, an answer this client cannot read) are {@link RemoteLedgerException}, an
 *       {@link java.io.UncheckedIOException}: never a rejection. No call is retried here; callers retry (every write is
 *       idempotent, so a repeat after a lost answer returns the original receipt).</li>
 *   <li><b>Time</b>: {@link #currentSlot} and {@link #nowMs} are the server's ledger clock, one request each.</li>
 *   <li><b>Events</b>: {@link #events}, {@link #oldestEventIndex} and {@link #nextEventIndex} map 1:1 to requests (a
 *       page holds at most {@value LedgerWire#MAX_EVENTS_PER_PAGE} events: "up to max"). {@link #subscribe} runs one
 *       background thread per subscription that long-polls the server from its next index and delivers in index
 *       order; when the server is unreachable (a restart) it retries with exponential backoff and resumes at the
 *       same index, so nothing is delivered twice or skipped. If the server no longer keeps the next events (it was
 *       reopened from a snapshot past them), the subscription jumps to the oldest kept, logs an ERROR and counts the
 *       gap in {@code m0_ledger_client_events_skipped_total}. Listeners run on that thread, one event at a time;
 *       one that throws is counted and logged and the subscription goes on.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close} stops the subscriptions and the HTTP client; later calls throw
 * {@link IllegalStateException}.
 */
public final class RemoteLedger implements Ledger {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RemoteLedger.class);
    /** Largest answer read (a revealed bundle of the largest size the server accepts is about 1.4 MB). */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final URI server;
    private final String base;
    private final HttpClient http;
    private final Optional<LedgerToken> token;
    private final Duration requestTimeout;
    private final Duration eventWait;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final RemoteLedgerMetrics metrics;
    private final List<EventFollower> followers = new CopyOnWriteArrayList<>();
    private final AtomicInteger subscriptionIds = new AtomicInteger();
    private final Object deliveries = new Object();
    private volatile boolean closed;

    private RemoteLedger(Builder b) {
        this.server = b.server;
        String text = b.server.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.token = b.token;
        this.requestTimeout = b.requestTimeout;
        this.eventWait = b.eventWait;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        this.metrics = new RemoteLedgerMetrics(b.registry);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A client of the ledger server at {@code server} ({@code http(s)://host:port}, optionally with a path prefix). */
    public static Builder builder(URI server) {
        return new Builder(server);
    }

    /** The server this client calls. */
    public URI server() {
        return server;
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public CommitReceipt commit(Hash32 commitHash, long signerSetId, long sequence) {
        Objects.requireNonNull(commitHash, "commitHash");
        return post(LedgerWire.COMMIT, LedgerWire.commitRequest(commitHash, signerSetId, sequence),
                LedgerWire::commitReceipt);
    }

    @Override
    public RevealReceipt reveal(byte[] signedBundleBytes, byte[] salt) {
        Objects.requireNonNull(signedBundleBytes, "signedBundleBytes");
        Objects.requireNonNull(salt, "salt");
        return post(LedgerWire.REVEAL, LedgerWire.revealRequest(signedBundleBytes, salt), LedgerWire::revealReceipt);
    }

    @Override
    public FinalizeReceipt finalizeEpoch(MarketId market, long epochId) {
        Objects.requireNonNull(market, "market");
        return post(LedgerWire.FINALIZE_EPOCH, LedgerWire.finalizeRequest(market, epochId),
                LedgerWire::finalizeReceipt);
    }

    @Override
    public void registerSignerSet(SignerSet set) {
        Objects.requireNonNull(set, "set");
        post(LedgerWire.REGISTER_SIGNER_SET, LedgerWire.signerSet(set), f -> f);
    }

    @Override
    public void activateSignerSet(long signerSetId) {
        post(LedgerWire.ACTIVATE_SIGNER_SET, LedgerWire.activateRequest(signerSetId), f -> f);
    }

    @Override
    public void registerMarket(Market market) {
        Objects.requireNonNull(market, "market");
        post(LedgerWire.REGISTER_MARKET, LedgerWire.market(market), f -> f);
    }

    @Override
    public void setMarketStatus(MarketId market, MarketStatus status) {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(status, "status");
        post(LedgerWire.SET_MARKET_STATUS, LedgerWire.statusRequest(market, status), f -> f);
    }

    // ------------------------------------------------------------------------------------------------ reads

    @Override
    public long currentSlot() {
        return get(LedgerWire.CLOCK, "", f -> f.i64("slot"));
    }

    @Override
    public long nowMs() {
        return get(LedgerWire.CLOCK, "", f -> f.i64("now_ms"));
    }

    @Override
    public Optional<SignerSet> signerSet(long signerSetId) {
        return get(LedgerWire.SIGNER_SET, "id=" + signerSetId, f -> LedgerWire.optional(f, LedgerWire::signerSet));
    }

    @Override
    public long lastSequence(long signerSetId) {
        return get(LedgerWire.LAST_SEQUENCE, "signer_set_id=" + signerSetId, f -> f.i64("last_sequence"));
    }

    @Override
    public Optional<Market> market(MarketId market) {
        Objects.requireNonNull(market, "market");
        return get(LedgerWire.MARKET, "id=" + market.value(), f -> LedgerWire.optional(f, LedgerWire::market));
    }

    @Override
    public Optional<CommitRecord> commitment(Hash32 commitHash) {
        Objects.requireNonNull(commitHash, "commitHash");
        return get(LedgerWire.COMMITMENT, "commit_hash=" + commitHash.toHex(),
                f -> LedgerWire.optional(f, LedgerWire::commitRecord));
    }

    @Override
    public Optional<RevealedBundle> revealedBundle(Hash32 bundleHash) {
        Objects.requireNonNull(bundleHash, "bundleHash");
        return get(LedgerWire.REVEALED_BUNDLE, "bundle_hash=" + bundleHash.toHex(),
                f -> LedgerWire.optional(f, LedgerWire::revealedBundle));
    }

    @Override
    public Optional<EpochRecord> epoch(MarketId market, long epochId) {
        Objects.requireNonNull(market, "market");
        return get(LedgerWire.EPOCH, "market=" + market.value() + "&epoch_id=" + epochId,
                f -> LedgerWire.optional(f, LedgerWire::epochRecord));
    }

    @Override
    public Optional<MarketValue> latest(MarketId market) {
        Objects.requireNonNull(market, "market");
        return get(LedgerWire.LATEST, "market=" + market.value(), f -> LedgerWire.optional(f, LedgerWire::marketValue));
    }

    @Override
    public List<EpochRef> dueForFinalization() {
        return get(LedgerWire.DUE_FOR_FINALIZATION, "", f -> {
            List<EpochRef> due = new ArrayList<>();
            for (Fields e : f.objects("epochs")) {
                due.add(LedgerWire.epochRef(e));
            }
            return List.copyOf(due);
        });
    }

    // ------------------------------------------------------------------------------------------------ events

    @Override
    public List<LedgerEvent> events(long fromIndexInclusive, int max) {
        if (fromIndexInclusive < 0) {
            throw new IllegalArgumentException("fromIndexInclusive must be >= 0, got " + fromIndexInclusive);
        }
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, got " + max);
        }
        return poll(fromIndexInclusive, max, Duration.ZERO).events();
    }

    @Override
    public long oldestEventIndex() {
        return get(LedgerWire.EVENT_INDEX, "", f -> f.i64("oldest"));
    }

    @Override
    public long nextEventIndex() {
        return get(LedgerWire.EVENT_INDEX, "", f -> f.i64("next"));
    }

    /**
     * Pushes every event appended from now on (from the server's {@link #nextEventIndex} at this call) to
     * {@code listener}, in index order, from a background thread. Needs the server once, to learn where "now" is:
     * an unreachable server fails the call with {@link RemoteLedgerException}. After that the subscription outlives
     * server restarts (see the class comment).
     */
    @Override
    public Subscription subscribe(Consumer<LedgerEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        long from = nextEventIndex();
        EventFollower follower = new EventFollower(this, listener, from,
                "m0-ledger-events-" + subscriptionIds.incrementAndGet());
        followers.add(follower);
        follower.start();
        return follower;
    }

    /**
     * Waits until every open subscription has delivered the events below {@code nextIndex} (or moved past them);
     * false when {@code timeout} passed first. For an orderly hand-over and for tests: delivery is asynchronous.
     */
    public boolean awaitDelivered(long nextIndex, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (deliveries) {
            while (followers.stream().anyMatch(f -> f.next() < nextIndex)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                deliveries.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** One page of events from {@code from}, the server waiting up to {@code wait} for the first one. */
    EventPage poll(long from, int max, Duration wait) {
        int page = Math.min(max, LedgerWire.MAX_EVENTS_PER_PAGE);
        String query = "from=" + from + "&max=" + page + (wait.isZero() ? "" : "&wait_ms=" + wait.toMillis());
        return call(LedgerWire.EVENTS, Optional.empty(), query, requestTimeout.plus(wait), LedgerWire::eventPage);
    }

    /** A subscription moved its next index (delivered or skipped events): wakes {@link #awaitDelivered}. */
    void advanced() {
        synchronized (deliveries) {
            deliveries.notifyAll();
        }
    }

    void closed(EventFollower follower) {
        followers.remove(follower);
        advanced();
    }

    RemoteLedgerMetrics metrics() {
        return metrics;
    }

    Duration eventWait() {
        return eventWait;
    }

    Duration backoffMin() {
        return backoffMin;
    }

    Duration backoffMax() {
        return backoffMax;
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------------ transport

    private <T> T post(String endpoint, JsonNode body, Function<Fields, T> decode) {
        return call(endpoint, Optional.of(body), "", requestTimeout, decode);
    }

    private <T> T get(String endpoint, String query, Function<Fields, T> decode) {
        return call(endpoint, Optional.empty(), query, requestTimeout, decode);
    }

    private <T> T call(String endpoint, Optional<JsonNode> body, String query, Duration timeout,
            Function<Fields, T> decode) {
        ensureOpen();
        long started = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + LedgerWire.PREFIX + endpoint
                        + (query.isEmpty() ? "" : "?" + query)))
                .timeout(timeout).header("Accept", LedgerWire.JSON_CONTENT_TYPE);
        token.ifPresent(t -> request.header("Authorization", t.authorizationHeader()));
        if (body.isPresent()) {
            request.header("Content-Type", LedgerWire.JSON_CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(LedgerWire.bytes(body.get())));
        } else {
            request.GET();
        }
        int status;
        byte[] answer;
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                answer = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (HttpTimeoutException e) {
            throw transport(endpoint, started, 0, "no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw transport(endpoint, started, 0, "unreachable: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw transport(endpoint, started, 0, "interrupted while waiting for the answer",
                    new InterruptedIOException(e.getMessage()));
        }
        if (answer.length > MAX_RESPONSE_BYTES) {
            throw httpError(endpoint, started, status, "the answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        if (status == 200) {
            T value;
            try {
                value = decode.apply(LedgerWire.parse(answer, "the answer"));
            } catch (RuntimeException e) {
                throw httpError(endpoint, started, status, "unreadable answer: " + e.getMessage());
            }
            metrics.request(endpoint, RemoteLedgerMetrics.OK, started);
            return value;
        }
        throw failure(endpoint, started, status, answer);
    }

    /** The exception an error answer stands for: the rejection or expiry it carries, else a transport failure. */
    private RuntimeException failure(String endpoint, long started, int status, byte[] answer) {
        Fields error;
        String code;
        String message;
        try {
            error = LedgerWire.parse(answer, "the error answer").obj("error");
            code = error.str("code");
            message = error.str("message");
        } catch (RuntimeException e) {
            return httpError(endpoint, started, status, "HTTP " + status + " without the standard error body");
        }
        try {
            if (status == 422 && code.equals(LedgerWire.REJECTED)) {
                LedgerRejection r = new LedgerRejection(
                        error.enumValue("reason", LedgerRejection.Reason.class), error.str("detail"));
                metrics.request(endpoint, RemoteLedgerMetrics.REJECTED, started);
                return r;
            }
            if (status == 410 && code.equals(LedgerWire.EVENTS_EXPIRED)) {
                EventsExpiredException e = new EventsExpiredException(error.i64("requested"),
                        error.i64("oldest_kept"));
                metrics.request(endpoint, RemoteLedgerMetrics.EXPIRED, started);
                return e;
            }
        } catch (WireFormatException e) {
            return httpError(endpoint, started, status, "unreadable " + code + " answer: " + e.getMessage());
        }
        if (status == 401) {
            return httpError(endpoint, started, status, "refused the credentials (HTTP 401): " + (token.isPresent()
                    ? "the token of ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE) is not the server's"
                    : "the server requires a token; set ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE)"));
        }
        return httpError(endpoint, started, status, "HTTP " + status + " " + code + ": " + message);
    }

    /** {@code ConnectException} and friends often carry no message; their cause says what happened. */
    private static String describe(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        Throwable cause = e.getCause();
        return cause == null || cause == e ? text : text + " (" + describe(cause) + ")";
    }

    private RemoteLedgerException transport(String endpoint, long started, int status, String problem,
            IOException cause) {
        metrics.request(endpoint, RemoteLedgerMetrics.TRANSPORT_ERROR, started);
        return new RemoteLedgerException(server, endpoint, status, problem, cause);
    }

    private RemoteLedgerException httpError(String endpoint, long started, int status, String problem) {
        metrics.request(endpoint, RemoteLedgerMetrics.HTTP_ERROR, started);
        return new RemoteLedgerException(server, endpoint, status, problem, new IOException(problem));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("remote ledger " + server + " is closed");
        }
    }

    /** Stops every subscription (waiting briefly for a running listener) and the HTTP client. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EventFollower f : followers) {
            f.close();
        }
        http.shutdownNow();
        metrics.close();
        LOG.debug("remote ledger {} closed", server);
    }

    @Override
    public String toString() {
        return "RemoteLedger[" + server + "]";
    }

    /** Options of a client. The registry is required; nothing is taken implicitly. */
    public static final class Builder {
        private final URI server;
        private PrometheusRegistry registry;
        private Optional<LedgerToken> token = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration eventWait = Duration.ofSeconds(10);
        private Duration backoffMin = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(5);

        private Builder(URI server) {
            Objects.requireNonNull(server, "server");
            String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
                throw new IllegalArgumentException("ledger_url must be an http:// or https:// URL with a host, got "
                        + server);
            }
            if (server.getRawQuery() != null || server.getRawFragment() != null || server.getRawUserInfo() != null) {
                throw new IllegalArgumentException("ledger_url must not carry user info, a query or a fragment, got "
                        + server.getScheme() + "://" + server.getHost() + "...");
            }
            this.server = server;
        }

        /** Where the client's metrics are registered (and unregistered on close). */
        public Builder registry(PrometheusRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Sends {@code Authorization: Bearer <token>} with every call (the server's {@code ledger_auth_token_file}). */
        public Builder token(Optional<LedgerToken> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** TCP connect timeout (default 2 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** How long a call waits for its answer (default 10 s); then it fails as a transport error. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * How long one long poll of a subscription lets the server wait for a new event (default 10 s, at most
         * {@value LedgerWire#MAX_WAIT_MS} ms). Events arrive as soon as they are appended either way; this only
         * bounds how long a quiet connection stays open.
         */
        public Builder eventWait(Duration wait) {
            positive("eventWait", wait);
            if (wait.toMillis() > LedgerWire.MAX_WAIT_MS) {
                throw new IllegalArgumentException("eventWait must be at most " + LedgerWire.MAX_WAIT_MS
                        + " ms, got " + wait.toMillis());
            }
            this.eventWait = wait;
            return this;
        }

        /** Backoff of a subscription while the server is unreachable: from {@code min}, doubling up to {@code max}. */
        public Builder reconnectBackoff(Duration min, Duration max) {
            positive("reconnectBackoff min", min);
            positive("reconnectBackoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff: max " + max + " is below min " + min);
            }
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        public RemoteLedger build() {
            if (registry == null) {
                throw new IllegalStateException("RemoteLedger.builder(...).registry(...) is required");
            }
            return new RemoteLedger(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
