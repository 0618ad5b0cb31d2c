package com.m0club.adapter.source.http;

import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connector: {@link #poll} GETs its endpoint once (with retries), maps the body to quotes and keeps the
 * connector's health.
 *
 * <p>A poll makes up to {@code 1 + retries} requests, each no sooner than the rate limit allows. A timeout, a
 * connection error, 429 or a 5xx is retried after {@code backoff_ms}, doubling each time; any other non-2xx, or a 2xx
 * body that cannot be used (too large, not JSON, no items array, or items none of which maps), fails the poll at once.
 * A poll that fails after its retries counts one consecutive failure; {@code degraded_after} of them in a row mark the
 * connector degraded ({@code m0_connector_healthy} 0, quality flag CONNECTOR_DEGRADED on the markets it quoted), and
 * the next good poll makes it healthy again. Items that cannot be mapped are skipped and counted; a quote equal to
 * the last one emitted for its market (same time and numbers) is not emitted again.
 *
 * <p>Logs never show header values or the URL's query: failures are logged with the connector id and
 * {@link ConnectorSpec#displayUrl()}, the first of a run of failures and every change of health at WARN/INFO, the rest
 * at DEBUG; skipped items at most once a minute.
 *
 * <p>{@link #poll} runs on one thread (the connector's poller); {@link #degraded()} and {@link #marketsSeen()} may be
 * read from any.
 */
public final class HttpConnector {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnector.class);
    private static final long BAD_ITEM_LOG_EVERY_NANOS = 60_000_000_000L;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final ConnectorSpec spec;
    private final String id;
    private final HttpClient client;
    private final ResponseMapper mapper;
    private final PollerClock clock;
    private final InstantSource wallClock;
    private final RateLimiter limiter;
    private final ConnectorMetrics metrics;
    private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final Set<MarketId> marketsSeen = new ConcurrentSkipListSet<>();
    private final Map<MarketId, SourceQuote> lastEmitted = new HashMap<>();
    private long fetches;
    private long lastBadItemLog;
    private boolean badItemLogged;
    private volatile int consecutiveFailures;
    private volatile boolean degraded;

    /**
     * @param client the HTTP client (its connect timeout should be the connector's {@code timeout_ms})
     * @param clock schedules backoff and the rate limit
     * @param wallClock the event time of quotes whose mapping has no {@code ts_ms}
     */
    public HttpConnector(ConnectorSpec spec, HttpClient client, PollerClock clock, InstantSource wallClock,
            ConnectorMetrics metrics) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.id = spec.id().value();
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.mapper = new ResponseMapper(spec);
        this.limiter = new RateLimiter(clock, spec.rateLimitPerS());
        metrics.register(id);
    }

    /** A client for {@code spec}: connect timeout {@code timeout_ms}, normal redirects (never https to http). */
    public static HttpClient clientFor(ConnectorSpec spec) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofMillis(spec.timeoutMs()))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public ConnectorSpec spec() {
        return spec;
    }

    /**
     * What one poll gave.
     *
     * @param ok true when a response was used
     * @param quotes the new quotes (empty when the poll failed)
     * @param requests requests made (1 + retries used)
     * @param result the last request's result label ({@code ok}, {@code timeout}, {@code server_error}, ...)
     */
    public record PollResult(boolean ok, List<SourceQuote> quotes, int requests, String result) {
        public PollResult {
            quotes = List.copyOf(quotes);
        }
    }

    private record Attempt(String result, boolean retryable, byte[] body, String detail) {}

    /** One poll: requests with retries, mapping, health. */
    public PollResult poll() throws InterruptedException {
        int requests = 0;
        String result = "ok";
        String detail = "";
        for (int attempt = 0; attempt <= spec.retries(); attempt++) {
            if (attempt > 0) {
                long backoff = Math.min(MAX_BACKOFF_MS, spec.backoffMs() << Math.min(attempt - 1, 20));
                clock.sleepNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
            }
            limiter.acquire();
            requests++;
            long t0 = System.nanoTime();
            Attempt a = request();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (a.result().equals("ok")) {
                long receivedAt = wallClock.millis();
                ResponseMapper.Mapped mapped = mapper.map(a.body(), receivedAt, id + "-" + runId + "-" + (++fetches));
                if (mapped.badResponse().isPresent() || (mapped.items() > 0 && mapped.quotes().isEmpty())) {
                    metrics.request(id, "bad_response", seconds);
                    metrics.items(id, "bad_item", mapped.badItems().size());
                    result = "bad_response";
                    detail = mapped.badResponse().orElseGet(() -> "none of its " + mapped.items()
                            + " items maps; first: " + mapped.badItems().getFirst());
                    break;
                }
                metrics.request(id, "ok", seconds);
                return succeeded(mapped, requests);
            }
            metrics.request(id, a.result(), seconds);
            result = a.result();
            detail = a.detail();
            if (!a.retryable()) {
                break;
            }
        }
        return failed(requests, result, detail);
    }

    private Attempt request() throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(spec.url()).GET().timeout(Duration.ofMillis(spec.timeoutMs()))
                .header("Accept", "application/json");
        spec.headers().forEach(b::header);
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(b.build(),
                BoundedBody.handler(spec.maxBodyBytes()));
        HttpResponse<byte[]> response;
        try {
            response = f.get(spec.timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Attempt("timeout", true, null, "no complete response within timeout_ms " + spec.timeoutMs());
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return new Attempt("timeout", true, null, "no response within timeout_ms " + spec.timeoutMs());
            }
            if (cause instanceof BoundedBody.TooLarge || (cause instanceof IOException
                    && cause.getCause() instanceof BoundedBody.TooLarge)) {
                return new Attempt("bad_response", false, null, "the body exceeds max_body_bytes "
                        + spec.maxBodyBytes());
            }
            return new Attempt("connect_error", true, null, cause == null ? "failed" : cause.getClass()
                    .getSimpleName() + (cause.getMessage() == null ? "" : ": " + redact(cause.getMessage())));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Attempt("ok", false, response.body(), "");
        }
        if (status == 429) {
            return new Attempt("rate_limited", true, null, "HTTP 429");
        }
        if (status >= 500) {
            return new Attempt("server_error", true, null, "HTTP " + status);
        }
        return new Attempt("client_error", false, null, "HTTP " + status);
    }

    /** {@code message} without the full URL or any header value (an exception message may quote either). */
    String redact(String message) {
        String out = message.replace(spec.url().toString(), spec.displayUrl());
        if (spec.url().getRawQuery() != null) {
            out = out.replace(spec.url().getRawQuery(), "...");
        }
        for (String v : spec.headers().values()) {
            if (!v.isEmpty()) {
                out = out.replace(v, "***");
            }
        }
        return out;
    }

    private PollResult succeeded(ResponseMapper.Mapped mapped, int requests) {
        boolean wasDegraded = degraded;
        int failuresBefore = consecutiveFailures;
        consecutiveFailures = 0;
        degraded = false;
        metrics.poll(id, true, 0, true);
        if (wasDegraded) {
            LOG.info("connector {}: healthy again after {} failed polls ({})", id, failuresBefore,
                    spec.displayUrl());
        }
        List<SourceQuote> fresh = new ArrayList<>();
        long unchanged = 0;
        for (SourceQuote q : mapped.quotes()) {
            SourceQuote last = lastEmitted.get(q.market());
            if (last != null && last.eventTimeMs() == q.eventTimeMs() && last.payload().equals(q.payload())) {
                unchanged++;
                continue;
            }
            lastEmitted.put(q.market(), q);
            marketsSeen.add(q.market());
            fresh.add(q);
        }
        metrics.items(id, "quote", fresh.size());
        metrics.items(id, "unchanged", unchanged);
        metrics.items(id, "bad_item", mapped.badItems().size());
        if (!mapped.badItems().isEmpty()) {
            long now = clock.nanoTime();
            if (!badItemLogged || now - lastBadItemLog >= BAD_ITEM_LOG_EVERY_NANOS) {
                badItemLogged = true;
                lastBadItemLog = now;
                LOG.warn("connector {}: skipped {} of {} items of {} (logged at most once a minute); first: {}", id,
                        mapped.badItems().size(), mapped.items(), spec.displayUrl(), mapped.badItems().getFirst());
            }
        }
        return new PollResult(true, fresh, requests, "ok");
    }

    private PollResult failed(int requests, String result, String detail) {
        int failures = consecutiveFailures + 1;
        consecutiveFailures = failures;
        boolean becameDegraded = !degraded && failures >= spec.degradedAfter();
        if (becameDegraded) {
            degraded = true;
        }
        metrics.poll(id, false, failures, !degraded);
        if (becameDegraded) {
            LOG.warn("connector {}: DEGRADED after {} failed polls in a row ({}: {}, {}); its markets carry"
                    + " CONNECTOR_DEGRADED until it recovers", id, failures, result, detail, spec.displayUrl());
        } else if (failures == 1) {
            LOG.warn("connector {}: poll failed after {} request(s): {}: {} ({})", id, requests, result, detail,
                    spec.displayUrl());
        } else {
            LOG.debug("connector {}: poll failed ({} in a row): {}: {}", id, failures, result, detail);
        }
        return new PollResult(false, List.of(), requests, result);
    }

    /** True once {@code degraded_after} polls in a row failed, until a poll succeeds. */
    public boolean degraded() {
        return degraded;
    }

    /** Failed polls since the last good one. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The markets this connector has emitted quotes for. */
    public Set<MarketId> marketsSeen() {
        return Set.copyOf(marketsSeen);
    }
}
