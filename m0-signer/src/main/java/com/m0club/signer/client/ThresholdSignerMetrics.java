package com.m0club.signer.client;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The threshold client's metrics (one instance per registry):
 * <ul>
 *   <li>{@code m0_signer_client_requests_total{endpoint,result}}: every sign request, by agent and
 *       {@link AgentOutcome.Result} (lower case)</li>
 *   <li>{@code m0_signer_client_latency_seconds}: time to an agent's answer</li>
 *   <li>{@code m0_signer_quorum_failures_total}: bundles for which no quorum was collected</li>
 *   <li>{@code m0_signer_quorum_available}: 1 while the latest round reached quorum and (at the latest probe) m
 *       agents answer, 0 otherwise; alert on {@code m0_signer_quorum_available == 0}</li>
 * </ul>
 */
public final class ThresholdSignerMetrics {
    private final Counter requests;
    private final Histogram latency;
    private final Counter quorumFailures;
    private final io.prometheus.metrics.core.metrics.Gauge quorumAvailable;

    public ThresholdSignerMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        this.requests = Counter.builder()
                .name("m0_signer_client_requests_total")
                .help("Sign requests sent to signer agents, by agent endpoint and result")
                .labelNames("endpoint", "result")
                .register(registry);
        this.latency = Histogram.builder()
                .name("m0_signer_client_latency_seconds")
                .help("Time from sending a bundle to a signer agent to its answer")
                .unit(Unit.SECONDS)
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        this.quorumFailures = Counter.builder()
                .name("m0_signer_quorum_failures_total")
                .help("Bundles for which m valid signatures could not be collected")
                .register(registry);
        this.quorumAvailable = io.prometheus.metrics.core.metrics.Gauge.builder()
                .name("m0_signer_quorum_available")
                .help("1 while the signer set reaches quorum (latest round and latest probe), else 0")
                .register(registry);
        quorumAvailable.set(1);
    }

    void request(URI endpoint, AgentOutcome.Result result) {
        requests.labelValues(endpoint.toString(), result.name().toLowerCase(Locale.ROOT)).inc();
    }

    void latency(double seconds) {
        latency.observe(seconds);
    }

    void quorumFailure() {
        quorumFailures.inc();
        quorumAvailable.set(0);
    }

    void quorumAvailable(boolean available) {
        quorumAvailable.set(available ? 1 : 0);
    }

    /** For tests and admin views: the gauge's value (1 or 0). */
    public long quorumAvailable() {
        return (long) quorumAvailable.get();
    }

    /** For tests and admin views: requests to {@code endpoint} counted with {@code result}. */
    public long requests(URI endpoint, AgentOutcome.Result result) {
        return (long) requests.labelValues(endpoint.toString(), result.name().toLowerCase(Locale.ROOT)).get();
    }

    public long quorumFailures() {
        return (long) quorumFailures.get();
    }
}
