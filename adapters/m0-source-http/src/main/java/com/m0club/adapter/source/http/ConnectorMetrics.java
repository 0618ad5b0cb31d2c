package com.m0club.adapter.source.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The HTTP connectors' metrics, registered once in the registry passed in (never the default registry), every
 * series labelled with the connector id:
 * <ul>
 *   <li>{@code m0_connector_requests_total{connector,result}}: HTTP requests (retries included) by result:
 *       {@code ok}, {@code timeout}, {@code connect_error} (refused, reset, DNS), {@code server_error} (5xx),
 *       {@code rate_limited} (429), {@code client_error} (other non-2xx), {@code bad_response} (2xx whose body is
 *       too large, not JSON, or has no items array);</li>
 *   <li>{@code m0_connector_latency_seconds{connector}}: time of each request to its response or failure;</li>
 *   <li>{@code m0_connector_polls_total{connector,result}}: polls ({@code ok}, {@code failed} after the retries);</li>
 *   <li>{@code m0_connector_items_total{connector,result}}: response items ({@code quote} emitted, {@code bad_item}
 *       skipped, {@code unchanged} the same quote as last time, not re-emitted, {@code disabled} fetched just before
 *       the connector was disabled and dropped, {@code overflow} dropped because ingest fell
 *       {@value HttpQuoteSource#MAX_QUEUED} quotes behind);</li>
 *   <li>{@code m0_connector_healthy{connector}}: 1, or 0 once {@code degraded_after} polls in a row failed;</li>
 *   <li>{@code m0_connector_consecutive_failures{connector}}: failed polls since the last good one;</li>
 *   <li>{@code m0_connector_disabled{connector}}: 1 while an operator has disabled it ({@code m0 connector
 *       disable}).</li>
 * </ul>
 */
public final class ConnectorMetrics {
    static final String[] REQUEST_RESULTS = {"ok", "timeout", "connect_error", "server_error", "rate_limited",
            "client_error", "bad_response"};

    private final Counter requests;
    private final Histogram latency;
    private final Counter polls;
    private final Counter items;
    private final Gauge healthy;
    private final Gauge failures;
    private final Gauge disabled;

    public ConnectorMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        requests = Counter.builder().name("m0_connector_requests_total")
                .help("HTTP requests of the quote connectors (retries included), by connector and result")
                .labelNames("connector", "result").register(registry);
        latency = Histogram.builder().name("m0_connector_latency_seconds")
                .help("Time of each connector request to its response or failure")
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("connector").register(registry);
        polls = Counter.builder().name("m0_connector_polls_total")
                .help("Connector polls (one request and its retries), by connector and result")
                .labelNames("connector", "result").register(registry);
        items = Counter.builder().name("m0_connector_items_total")
                .help("Items of connector responses, by connector and result (quote, bad_item, unchanged)")
                .labelNames("connector", "result").register(registry);
        healthy = Gauge.builder().name("m0_connector_healthy")
                .help("1 while the connector is healthy, 0 once degraded_after polls in a row failed")
                .labelNames("connector").register(registry);
        failures = Gauge.builder().name("m0_connector_consecutive_failures")
                .help("Failed polls of the connector since its last good one")
                .labelNames("connector").register(registry);
        disabled = Gauge.builder().name("m0_connector_disabled")
                .help("1 while an operator has disabled the connector (m0 connector disable)")
                .labelNames("connector").register(registry);
    }

    /** Initialises every series of {@code connector} so dashboards see zeros, not gaps. */
    void register(String connector) {
        for (String r : REQUEST_RESULTS) {
            requests.initLabelValues(connector, r);
        }
        polls.initLabelValues(connector, "ok");
        polls.initLabelValues(connector, "failed");
        for (String r : new String[] {"quote", "bad_item", "unchanged", "disabled", "overflow"}) {
            items.initLabelValues(connector, r);
        }
        latency.initLabelValues(connector);
        healthy.labelValues(connector).set(1);
        failures.labelValues(connector).set(0);
        disabled.labelValues(connector).set(0);
    }

    void request(String connector, String result, double seconds) {
        requests.labelValues(connector, result).inc();
        latency.labelValues(connector).observe(seconds);
    }

    void poll(String connector, boolean ok, int consecutiveFailures, boolean isHealthy) {
        polls.labelValues(connector, ok ? "ok" : "failed").inc();
        failures.labelValues(connector).set(consecutiveFailures);
        healthy.labelValues(connector).set(isHealthy ? 1 : 0);
    }

    void items(String connector, String result, long n) {
        if (n > 0) {
            items.labelValues(connector, result).inc(n);
        }
    }

    void disabled(String connector, boolean isDisabled) {
        disabled.labelValues(connector).set(isDisabled ? 1 : 0);
    }
}
