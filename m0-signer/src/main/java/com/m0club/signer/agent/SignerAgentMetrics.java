package com.m0club.signer.agent;

import com.m0club.http.HttpConformance;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.tls.TlsRefusal;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The agent's metrics. One instance per registry: agents that share a JVM (the three of {@code m0 dev}) share one
 * instance, since a registry accepts each metric name once.
 *
 * <ul>
 *   <li>{@code m0_signer_requests_total{result}}: every sign request, by {@code result}: signed, refused,
 *       bad_request, too_large, unauthorized, error</li>
 *   <li>{@code m0_signer_refusals_total{reason}}: refusals by {@link RefusalReason}</li>
 *   <li>{@code m0_signer_sign_seconds}: time to check, journal and sign one bundle</li>
 *   <li>{@code m0_signer_tls_refused_total{reason}}: TLS handshakes the listener refused, by {@link TlsRefusal}
 *       label: no_client_certificate, untrusted_certificate, identity_not_allowed, handshake_failed</li>
 *   <li>the listener's HTTP layer (m0-http): {@code m0_signer_http_rejected_total{status}},
 *       {@code m0_signer_http_peer_gone_total}, {@code m0_signer_http_header_timeouts_total}</li>
 * </ul>
 */
public final class SignerAgentMetrics {
    public static final String SIGNED = "signed";
    public static final String REFUSED = "refused";
    public static final String BAD_REQUEST = "bad_request";
    public static final String TOO_LARGE = "too_large";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String ERROR = "error";
    /** The caller closed the connection before the body arrived (a cancelled request after early stop). */
    public static final String CLIENT_GONE = "client_gone";

    private final Counter requests;
    private final Counter refusals;
    private final Histogram signSeconds;
    private final Counter tlsRefused;
    private final HttpConformance conformance;

    public SignerAgentMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        this.conformance = new HttpConformance("m0_signer", registry, SignerAgentServer::errorBytes);
        this.requests = Counter.builder()
                .name("m0_signer_requests_total")
                .help("Sign requests handled by this signer agent, by result")
                .labelNames("result")
                .register(registry);
        this.refusals = Counter.builder()
                .name("m0_signer_refusals_total")
                .help("Sign requests refused by this signer agent, by reason")
                .labelNames("reason")
                .register(registry);
        this.signSeconds = Histogram.builder()
                .name("m0_signer_sign_seconds")
                .help("Time to check, journal (fsync) and sign one bundle")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .register(registry);
        this.tlsRefused = Counter.builder()
                .name("m0_signer_tls_refused_total")
                .help("TLS handshakes the signer agent's listener refused, by reason")
                .labelNames("reason")
                .register(registry);
        for (TlsRefusal r : TlsRefusal.values()) {
            tlsRefused.labelValues(r.label());
        }
        for (String r : new String[] {SIGNED, REFUSED, BAD_REQUEST, TOO_LARGE, UNAUTHORIZED, ERROR}) {
            requests.labelValues(r); // export zeros so alerts on rate() work from the first scrape
        }
        for (RefusalReason r : RefusalReason.values()) {
            refusals.labelValues(r.name());
        }
    }

    /** The HTTP layer of the agents' listeners, its counters shared by every agent on this registry. */
    HttpConformance conformance() {
        return conformance;
    }

    void request(String result) {
        requests.labelValues(result).inc();
    }

    void refusal(RefusalReason reason) {
        refusals.labelValues(reason.name()).inc();
    }

    void tlsRefused(TlsRefusal reason) {
        tlsRefused.labelValues(reason.label()).inc();
    }

    /** For tests and the admin view: TLS handshakes refused with {@code reason}. */
    public long tlsRefusals(TlsRefusal reason) {
        return (long) tlsRefused.labelValues(reason.label()).get();
    }

    void signSeconds(double seconds) {
        signSeconds.observe(seconds);
    }

    /** For tests and the admin view: requests counted with {@code result}. */
    public long requests(String result) {
        return (long) requests.labelValues(result).get();
    }

    /** For tests and the admin view: refusals counted with {@code reason}. */
    public long refusals(RefusalReason reason) {
        return (long) refusals.labelValues(reason.name()).get();
    }
}
