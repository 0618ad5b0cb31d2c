package com.m0club.adapter.source.http;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP connector as the connectors file defines it ({@link ConnectorsFile}; the format is in the module's
 * README). Its quotes carry {@link #id} as their source id. {@link #toString()} never shows header values or the
 * URL's query and user info, which may hold credentials.
 *
 * @param id the connector's id, also the source id of its quotes and the id {@code m0 connector disable} takes
 * @param url the endpoint polled with GET (http or https)
 * @param kind what the endpoint's numbers are
 * @param intervalMs time from the start of one poll to the start of the next
 * @param timeoutMs the limit of one request (connect, headers and body)
 * @param retries further attempts after a failed one within a poll (timeouts, connection errors, 429 and 5xx)
 * @param backoffMs the wait before the first retry, doubled before each further one
 * @param rateLimitPerS requests per second at most, retries included (requests are spaced 1/rate apart)
 * @param degradedAfter consecutive failed polls after which the connector is degraded (CONNECTOR_DEGRADED)
 * @param maxBodyBytes the largest response body read; a larger one is a bad response
 * @param defaultSpread the spread of probability and price quotes when the mapping has none (in probability units)
 * @param priceScale what a price of 1.0 is in the endpoint's units (kind price only; 1 for the others)
 * @param headers request headers (values may be secrets: never logged)
 * @param mapping where the fields are in the JSON
 * @param marketMap the endpoint's market names to market ids; empty: the names are market ids
 * @param outcomeMap the endpoint's outcome names to outcome ids; empty: the names are outcome ids
 */
public record ConnectorSpec(SourceId id, URI url, ConnectorKind kind, long intervalMs, long timeoutMs, int retries,
        long backoffMs, double rateLimitPerS, int degradedAfter, int maxBodyBytes, double defaultSpread,
        double priceScale, Map<String, String> headers, FieldMapping mapping, Map<String, MarketId> marketMap,
        Map<String, OutcomeId> outcomeMap) {

    public ConnectorSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(kind, "kind");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        Objects.requireNonNull(mapping, "mapping");
        marketMap = Map.copyOf(Objects.requireNonNull(marketMap, "market_map"));
        outcomeMap = Map.copyOf(Objects.requireNonNull(outcomeMap, "outcome_map"));
        if (intervalMs < 1 || timeoutMs < 1 || retries < 0 || backoffMs < 0 || !(rateLimitPerS > 0)
                || degradedAfter < 1 || maxBodyBytes < 1 || !(priceScale > 0)) {
            throw new IllegalArgumentException("connector " + id + ": out-of-range settings (ConnectorsFile checks"
                    + " them with the rules)");
        }
    }

    /** The URL without user info, query or fragment: what logs and errors show. */
    public String displayUrl() {
        return displayUrl(url);
    }

    static String displayUrl(URI url) {
        StringBuilder b = new StringBuilder();
        b.append(url.getScheme()).append("://").append(url.getHost());
        if (url.getPort() >= 0) {
            b.append(':').append(url.getPort());
        }
        b.append(url.getRawPath() == null ? "" : url.getRawPath());
        if (url.getRawQuery() != null) {
            b.append("?...");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ConnectorSpec[id=" + id + ", url=" + displayUrl() + ", kind=" + kind.id() + ", interval_ms="
                + intervalMs + ", timeout_ms=" + timeoutMs + ", retries=" + retries + ", rate_limit_per_s="
                + rateLimitPerS + ", degraded_after=" + degradedAfter + ", headers=" + headers.keySet() + "]";
    }
}
