package com.m0club.adapter.chain.remote;

import com.m0club.http.HttpConformance;
import com.m0club.http.JsonResponses;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of the ledger servers on one registry, and their HTTP layer (whose counters are
 * {@code m0_ledger_server_http_*}). One instance per registry, shared by every server started on it (a restart in
 * the same process reuses it):
 * <ul>
 *   <li>{@code m0_ledger_server_requests_total{endpoint,outcome}}: {@code ok}, {@code rejected} (the ledger refused:
 *       a rule, not a failure), {@code events_expired}, {@code bad_request}, {@code unauthorized},
 *       {@code too_large}, {@code unavailable} (the ledger is closed or its journal failed), {@code error};</li>
 *   <li>{@code m0_ledger_server_request_seconds{endpoint}}: handling time (a long poll's wait included);</li>
 *   <li>{@code m0_ledger_server_event_waiters}: long polls waiting for an event now.</li>
 * </ul>
 */
public final class LedgerServerMetrics {
    static final String OK = "ok";
    static final String REJECTED = "rejected";
    static final String EXPIRED = "events_expired";
    static final String BAD_REQUEST = "bad_request";
    static final String UNAUTHORIZED = "unauthorized";
    static final String TOO_LARGE = "too_large";
    static final String UNAVAILABLE = "unavailable";
    static final String ERROR = "error";

    private final Counter requests;
    private final Histogram seconds;
    private final AtomicLong waiting = new AtomicLong();
    private final HttpConformance conformance;

    /** Registers the metrics in {@code registry}; build one per registry. */
    public LedgerServerMetrics(PrometheusRegistry registry) {
        this.requests = Counter.builder().name("m0_ledger_server_requests_total")
                .help("Ledger server requests by endpoint and outcome (ok, rejected, events_expired, bad_request,"
                        + " unauthorized, too_large, unavailable, error)")
                .labelNames("endpoint", "outcome").register(registry);
        this.seconds = Histogram.builder().name("m0_ledger_server_request_seconds")
                .help("Ledger server request handling time by endpoint (long polls included)")
                .labelNames("endpoint").classicOnly().register(registry);
        GaugeWithCallback.builder().name("m0_ledger_server_event_waiters")
                .help("Long polls of GET events waiting for a new event")
                .callback(cb -> cb.call(waiting.get())).register(registry);
        for (String endpoint : LedgerWire.WRITES) {
            requests.labelValues(endpoint, OK);
            requests.labelValues(endpoint, ERROR);
        }
        this.conformance = new HttpConformance("m0_ledger_server", registry, (status, code, message) ->
                LedgerWire.bytes(JsonResponses.errorBody(code.toLowerCase(java.util.Locale.ROOT), message)));
    }

    void request(String endpoint, String outcome, long startedNanos) {
        requests.labelValues(endpoint, outcome).inc();
        seconds.labelValues(endpoint).observe((System.nanoTime() - startedNanos) / 1e9);
    }

    void waiting(int delta) {
        waiting.addAndGet(delta);
    }

    HttpConformance conformance() {
        return conformance;
    }
}
