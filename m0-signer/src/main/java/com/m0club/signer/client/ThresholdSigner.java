package com.m0club.signer.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.signer.BearerToken;
import com.m0club.signer.SignerWire;
import com.m0club.signer.tls.ClientTls;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundler's side of m-of-n signing: sends a bundle's canonical bytes to every agent of the signer set at once,
 * verifies each returned signature itself (the key is a member of the set, the signature is valid over
 * {@link EncodedBundle#signedMessage()}), and completes as soon as m distinct valid signatures are in. The requests
 * still outstanding are then cancelled. When m can no longer be reached (too many refusals, errors or bogus
 * signatures) it fails at once with a {@link QuorumException} that lists every agent's outcome; when the overall
 * deadline passes first, likewise.
 *
 * <p>Each agent request runs on its own virtual thread with a per-request timeout. A retry of the same bundle is safe:
 * agents return the same signature for the same (set, sequence, hash).
 *
 * <p>Transport: HTTPS only, mutual TLS ({@link ClientTls}): the client presents its certificate and checks each
 * agent's server certificate against the CA, host name included; a failed handshake is {@code TLS_FAILED}.
 *
 * <p>Owns its HTTP client and threads; {@link #close} releases them.
 */
public final class ThresholdSigner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdSigner.class);

    private final SignerSet set;
    private final List<URI> endpoints;
    /** {@code <endpoint>/v1/sign} and {@code <endpoint>/v1/key}, resolved once, in endpoint order. */
    private final List<URI> signUris;
    private final List<URI> keyUris;
    private final Duration requestTimeout;
    private final Duration deadline;
    private final Optional<BearerToken> token;
    private final ThresholdSignerMetrics metrics;
    private final HttpClient http;
    private final ExecutorService requests;
    private final ExecutorService completer;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.atomic.AtomicLong consecutiveQuorumFailures =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile Optional<String> lastQuorumFailure = Optional.empty();

    private ThresholdSigner(Builder b) {
        this.set = b.set;
        this.endpoints = List.copyOf(b.endpoints);
        this.signUris = endpoints.stream().map(e -> resolve(e, SignerWire.SIGN_PATH)).toList();
        this.keyUris = endpoints.stream().map(e -> resolve(e, SignerWire.KEY_PATH)).toList();
        this.requestTimeout = b.requestTimeout;
        this.deadline = b.deadline;
        this.token = b.token;
        this.metrics = b.metrics;
        this.requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("m0-signer-client-", 0).factory());
        this.completer = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("m0-signer-client-done-", 0).factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("m0-signer-client-deadline").daemon(true).factory());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .sslContext(b.tls.sslContext())
                .sslParameters(b.tls.sslParameters())
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects m signatures for {@code bundle}. The future completes with {@link SignedBundle#of} over the valid
     * signatures, or exceptionally with a {@link QuorumException}. Cancelling it cancels the outstanding requests.
     */
    public CompletableFuture<SignedBundle> collect(EncodedBundle bundle) {
        return collect(bundle, Map.of());
    }

    /**
     * {@link #collect(EncodedBundle)} with {@code traceHeaders} (W3C {@code traceparent}, {@code tracestate}: the
     * caller's sign span) sent on every agent request, so the agents log under the caller's trace.
     *
     * @throws IllegalArgumentException when {@code traceHeaders} names another header
     */
    public CompletableFuture<SignedBundle> collect(EncodedBundle bundle, Map<String, String> traceHeaders) {
        Objects.requireNonNull(bundle, "bundle");
        Map<String, String> trace = traceHeaders(traceHeaders);
        if (bundle.header().signerSetId() != set.id()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("bundle names signer set "
                    + bundle.header().signerSetId() + " but this client collects for signer set " + set.id()));
        }
        QuorumRound round = new QuorumRound(bundle, set, endpoints, completer);
        byte[] body = bundle.bytes();
        Hash32 digest = bundle.signedMessage();
        String requestId = "bundle-" + set.id() + "-" + bundle.header().sequence() + "-"
                + bundle.bundleHash().toHex().substring(0, 16);
        List<Future<?>> tasks = new ArrayList<>(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            int index = i;
            URI endpoint = endpoints.get(i);
            tasks.add(requests.submit(() -> {
                AgentOutcome outcome = ask(index, body, bundle, digest, requestId, trace);
                AgentOutcome classified = round.record(index, outcome);
                metrics.request(endpoint, classified.result());
            }));
        }
        ScheduledFuture<?> expiry = timer.schedule(round::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<SignedBundle> result = round.result();
        result.whenComplete((signed, error) -> {
            expiry.cancel(false);
            for (Future<?> t : tasks) {
                t.cancel(true); // interrupts the virtual thread, which aborts its HTTP exchange
            }
            if (error instanceof QuorumException q) {
                consecutiveQuorumFailures.incrementAndGet();
                lastQuorumFailure = Optional.ofNullable(q.getMessage());
                metrics.quorumFailure();
                LOG.warn("{}", q.getMessage());
            } else if (signed != null) {
                consecutiveQuorumFailures.set(0);
                lastQuorumFailure = Optional.empty();
                metrics.quorumAvailable(true);
                LOG.debug("collected {} signatures for signer set {} sequence {} bundle {}",
                        signed.signatures().size(), set.id(), bundle.header().sequence(), bundle.bundleHash());
            }
        });
        return result;
    }

    /**
     * Blocking variant of {@link #collect}: waits at most the overall deadline.
     *
     * @throws QuorumException when m valid signatures were not collected in time
     */
    public SignedBundle collectBlocking(EncodedBundle bundle) throws InterruptedException {
        return collectBlocking(bundle, Map.of());
    }

    /** {@link #collectBlocking(EncodedBundle)} with trace headers, as {@link #collect(EncodedBundle, Map)}. */
    public SignedBundle collectBlocking(EncodedBundle bundle, Map<String, String> traceHeaders)
            throws InterruptedException {
        CompletableFuture<SignedBundle> f = collect(bundle, traceHeaders);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /**
     * Asks every agent for its key ({@code GET /v1/key}, per-request timeout) and reports whether at least m answer
     * with distinct keys of the set and the latest signing round reached quorum: the bundler's "signer quorum"
     * readiness. Also sets {@code m0_signer_quorum_available}.
     */
    public SignerReadiness readiness() {
        List<Future<SignerReadiness.AgentStatus>> probes = new ArrayList<>(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            int index = i;
            probes.add(requests.submit(() -> probe(index)));
        }
        List<SignerReadiness.AgentStatus> statuses = new ArrayList<>(endpoints.size());
        Set<SignerKey> keys = new HashSet<>();
        long waitUntil = System.nanoTime() + requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < probes.size(); i++) {
            SignerReadiness.AgentStatus status;
            try {
                status = probes.get(i).get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                probes.forEach(p -> p.cancel(true));
                status = notAnswering(endpoints.get(i), "interrupted");
            } catch (java.util.concurrent.TimeoutException e) {
                probes.get(i).cancel(true);
                status = notAnswering(endpoints.get(i), "no answer in time");
            } catch (ExecutionException e) {
                status = notAnswering(endpoints.get(i), String.valueOf(e.getCause()));
            }
            if (status.key().isPresent() && !keys.add(status.key().get())) {
                status = notAnswering(status.endpoint(),
                        "key " + status.key().get().toHex() + " already answered from another agent");
            }
            statuses.add(status);
        }
        SignerReadiness r = new SignerReadiness(set.id(), set.threshold(), keys.size(), statuses,
                consecutiveQuorumFailures.get(), lastQuorumFailure);
        metrics.quorumAvailable(r.ready());
        return r;
    }

    public SignerSet signerSet() {
        return set;
    }

    public List<URI> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        requests.shutdownNow();
        completer.shutdown();
        timer.shutdownNow();
        http.shutdownNow();
    }

    @Override
    public String toString() {
        return "ThresholdSigner[set=" + set.id() + ", " + set.threshold() + "-of-" + endpoints.size() + " agents, "
                + "token=" + (token.isPresent() ? "<redacted>" : "none") + "]";
    }

    // ------------------------------------------------------------------ one agent

    /** A request to {@code uri} with the per-request timeout and, when configured, the bearer token. */
    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(requestTimeout);
        token.ifPresent(t -> req.header("Authorization", t.authorizationHeader()));
        return req;
    }

    private AgentOutcome ask(int index, byte[] body, EncodedBundle bundle, Hash32 digest, String requestId,
            Map<String, String> trace) {
        URI endpoint = endpoints.get(index);
        HttpRequest.Builder req = request(signUris.get(index))
                .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                .header(SignerWire.REQUEST_ID_HEADER, requestId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        trace.forEach(req::header);
        long started = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.TIMEOUT,
                    "no answer within " + requestTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.CANCELLED, "cancelled: the round was decided");
        } catch (ConnectException e) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.UNREACHABLE, "connection failed: " + describe(e));
        } catch (javax.net.ssl.SSLException e) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.TLS_FAILED, "TLS handshake failed: " + describe(e));
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                return AgentOutcome.of(endpoint, AgentOutcome.Result.CANCELLED, "cancelled: the round was decided");
            }
            return AgentOutcome.of(endpoint, AgentOutcome.Result.UNREACHABLE, "request failed: " + describe(e));
        }
        metrics.latency((System.nanoTime() - started) / 1e9);
        return interpret(endpoint, response, bundle, digest);
    }

    private AgentOutcome interpret(URI endpoint, HttpResponse<byte[]> response, EncodedBundle bundle, Hash32 digest) {
        int status = response.statusCode();
        OptionalInt st = OptionalInt.of(status);
        JsonNode json;
        try {
            json = SignerWire.JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (status != 200) {
            AgentOutcome.Result result = status == 409 || status == 422 ? AgentOutcome.Result.REFUSED
                    : AgentOutcome.Result.ERROR;
            String reason = json != null && json.path(SignerWire.ERROR).isTextual()
                    ? json.path(SignerWire.ERROR).asText() : "HTTP_" + status;
            String message = json != null && json.path(SignerWire.MESSAGE).isTextual()
                    ? json.path(SignerWire.MESSAGE).asText() : "HTTP " + status;
            return AgentOutcome.of(endpoint, result, st, reason, message);
        }
        if (json == null || !json.isObject()) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.BAD_RESPONSE, st, "BAD_RESPONSE",
                    "200 without a JSON object body");
        }
        SignerSignature signature;
        try {
            signature = SignerSignature.fromHex(text(json, SignerWire.PUBLIC_KEY_HEX),
                    text(json, SignerWire.SIGNATURE_HEX));
        } catch (IllegalArgumentException e) { // includes ProtocolException
            return AgentOutcome.of(endpoint, AgentOutcome.Result.BAD_RESPONSE, st, "BAD_RESPONSE", e.getMessage());
        }
        String hash = json.path(SignerWire.BUNDLE_HASH_HEX).asText("");
        if (json.path(SignerWire.SIGNER_SET_ID).asLong(-1) != set.id()
                || json.path(SignerWire.SEQUENCE).asLong(-1) != bundle.header().sequence()
                || !hash.equalsIgnoreCase(bundle.bundleHash().toHex())) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.BAD_RESPONSE, st, "BAD_RESPONSE",
                    "the agent answered for signer set " + json.path(SignerWire.SIGNER_SET_ID) + " sequence "
                            + json.path(SignerWire.SEQUENCE) + " bundle " + hash + ", not for this bundle");
        }
        if (!set.contains(signature.key())) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.KEY_NOT_IN_SET, st, "KEY_NOT_IN_SET",
                    "key " + signature.key().toHex() + " is not a member of signer set " + set.id());
        }
        if (!signature.verifies(digest)) {
            return AgentOutcome.of(endpoint, AgentOutcome.Result.INVALID_SIGNATURE, st, "INVALID_SIGNATURE",
                    "the signature by " + signature.key().toHex() + " does not verify over the bundle's signed "
                            + "message");
        }
        return AgentOutcome.signed(endpoint, signature);
    }

    private SignerReadiness.AgentStatus probe(int index) {
        URI endpoint = endpoints.get(index);
        HttpRequest.Builder req = request(keyUris.get(index)).GET();
        try {
            HttpResponse<byte[]> response = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return notAnswering(endpoint, "HTTP " + response.statusCode());
            }
            JsonNode json = SignerWire.JSON.readTree(response.body());
            SignerKey key = SignerKey.fromHex(text(json, SignerWire.PUBLIC_KEY_HEX));
            long agentSet = json.path(SignerWire.SIGNER_SET_ID).asLong(-1);
            if (agentSet != set.id()) {
                return notAnswering(endpoint, "agent signs for signer set " + agentSet + ", not " + set.id());
            }
            if (!set.contains(key)) {
                return notAnswering(endpoint, "key " + key.toHex() + " is not a member of signer set " + set.id());
            }
            return new SignerReadiness.AgentStatus(endpoint, Optional.of(key), "answering");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notAnswering(endpoint, "interrupted");
        } catch (IOException | RuntimeException e) {
            return notAnswering(endpoint, describe(e));
        }
    }

    /** Only the two W3C headers, with values an HTTP header can carry: nothing else of the request can be set. */
    private static Map<String, String> traceHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "traceHeaders");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().equals(SignerWire.TRACEPARENT_HEADER) && !h.getKey().equals(SignerWire.TRACESTATE_HEADER)) {
                throw new IllegalArgumentException("traceHeaders: only " + SignerWire.TRACEPARENT_HEADER + " and "
                        + SignerWire.TRACESTATE_HEADER + " may be sent, got " + h.getKey());
            }
            if (!h.getValue().matches("[\\x20-\\x7e]{1,512}")) {
                throw new IllegalArgumentException("traceHeaders: " + h.getKey()
                        + " must be 1..512 printable ASCII characters");
            }
        }
        return Map.copyOf(headers);
    }

    private static SignerReadiness.AgentStatus notAnswering(URI endpoint, String why) {
        return new SignerReadiness.AgentStatus(endpoint, Optional.empty(), why);
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return v.asText();
    }

    private static URI resolve(URI endpoint, String path) {
        String base = endpoint.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Options for a threshold client. The signer set, endpoints and metrics are required. */
    public static final class Builder {
        private SignerSet set;
        private List<URI> endpoints = List.of();
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration deadline = Duration.ofSeconds(10);
        private Optional<BearerToken> token = Optional.empty();
        private ClientTls tls;
        private ThresholdSignerMetrics metrics;

        private Builder() {}

        /** The client certificate and the agents' CA (required: agents serve HTTPS with client certificates only). */
        public Builder tls(ClientTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        public Builder signerSet(SignerSet set) {
            this.set = Objects.requireNonNull(set, "set");
            return this;
        }

        /** The agents' base URLs ({@code https://host:port}); one per agent, no duplicates. */
        public Builder endpoints(List<URI> endpoints) {
            this.endpoints = List.copyOf(endpoints);
            return this;
        }

        /** Timeout of one agent request (connect + answer); default 5 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("request timeout", requestTimeout);
            return this;
        }

        /** Time after which {@link #collect} gives up on reaching m; default 10 s. */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        public Builder bearerToken(BearerToken token) {
            this.token = Optional.of(Objects.requireNonNull(token, "token"));
            return this;
        }

        public Builder bearerToken(Optional<BearerToken> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        public Builder metrics(ThresholdSignerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public Builder registry(PrometheusRegistry registry) {
            this.metrics = new ThresholdSignerMetrics(registry);
            return this;
        }

        public ThresholdSigner build() {
            if (set == null) {
                throw new IllegalStateException("threshold signer: signerSet is required");
            }
            if (metrics == null) {
                throw new IllegalStateException("threshold signer: metrics (or a registry) is required");
            }
            if (endpoints.isEmpty()) {
                throw new IllegalStateException("threshold signer: at least one agent endpoint is required");
            }
            if (new HashSet<>(endpoints).size() != endpoints.size()) {
                throw new IllegalStateException("threshold signer: agent endpoints must be distinct, got "
                        + endpoints);
            }
            if (tls == null) {
                throw new IllegalStateException("threshold signer: TLS (client certificate and CA) is required: the"
                        + " agents serve HTTPS with client certificates only");
            }
            for (URI e : endpoints) {
                if (!"https".equals(e.getScheme()) || e.getHost() == null) {
                    throw new IllegalStateException("threshold signer: endpoint " + e
                            + " must be an https:// URL with a host (agents serve mutual TLS only)");
                }
            }
            if (endpoints.size() < set.threshold()) {
                throw new IllegalStateException("threshold signer: " + endpoints.size() + " agent endpoints can "
                        + "never reach the threshold " + set.threshold() + " of signer set " + set.id());
            }
            return new ThresholdSigner(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0, got " + d);
            }
            return d;
        }
    }
}
