package com.m0club.adapter.chain.remote;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The client's metrics, registered in the registry it is given and removed on {@link #close} (so a node can reopen
 * its ledger against the same registry):
 * <ul>
 *   <li>{@code m0_ledger_client_requests_total{endpoint,outcome}}: every call by endpoint and outcome ({@code ok},
 *       {@code rejected}, {@code events_expired}, {@code transport_error}: no answer, {@code http_error}: an answer
 *       that is not one of the wire format's);</li>
 *   <li>{@code m0_ledger_client_request_seconds{endpoint}}: call latency;</li>
 *   <li>{@code m0_ledger_client_subscription_errors_total}: failed long polls of a subscription (each retried with
 *       backoff);</li>
 *   <li>{@code m0_ledger_client_events_skipped_total}: events a subscription could not deliver because the server no
 *       longer keeps them;</li>
 *   <li>{@code m0_ledger_client_listener_errors_total}: subscription listeners that threw.</li>
 * </ul>
 */
final class RemoteLedgerMetrics implements AutoCloseable {
    static final String OK = "ok";
    static final String REJECTED = "rejected";
    static final String EXPIRED = "events_expired";
    static final String TRANSPORT_ERROR = "transport_error";
    static final String HTTP_ERROR = "http_error";

    private final PrometheusRegistry registry;
    private final Counter requests;
    private final Histogram seconds;
    private final Counter subscriptionErrors;
    private final Counter skipped;
    private final Counter listenerErrors;

    RemoteLedgerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.requests = Counter.builder().name("m0_ledger_client_requests_total")
                .help("Calls to the ledger server by endpoint and outcome (ok, rejected, events_expired,"
                        + " transport_error, http_error)")
                .labelNames("endpoint", "outcome").register(registry);
        this.seconds = Histogram.builder().name("m0_ledger_client_request_seconds")
                .help("Latency of calls to the ledger server by endpoint").labelNames("endpoint")
                .classicOnly().register(registry);
        for (String endpoint : LedgerWire.WRITES) {
            requests.labelValues(endpoint, OK);
            requests.labelValues(endpoint, TRANSPORT_ERROR);
        }
        this.subscriptionErrors = Counter.builder().name("m0_ledger_client_subscription_errors_total")
                .help("Long polls of a ledger event subscription that failed (retried with backoff)")
                .register(registry);
        this.skipped = Counter.builder().name("m0_ledger_client_events_skipped_total")
                .help("Ledger events a subscription could not deliver: the server no longer keeps them")
                .register(registry);
        this.listenerErrors = Counter.builder().name("m0_ledger_client_listener_errors_total")
                .help("Ledger event listeners that threw; the subscription went on").register(registry);
    }

    void request(String endpoint, String outcome, long startedNanos) {
        requests.labelValues(endpoint, outcome).inc();
        seconds.labelValues(endpoint).observe((System.nanoTime() - startedNanos) / 1e9);
    }

    void subscriptionError() {
        subscriptionErrors.inc();
    }

    void skipped(long events) {
        skipped.inc(events);
    }

    void listenerError() {
        listenerErrors.inc();
    }

    @Override
    public void close() {
        for (Collector c : List.<Collector>of(requests, seconds, subscriptionErrors, skipped, listenerErrors)) {
            registry.unregister(c);
        }
    }
}
