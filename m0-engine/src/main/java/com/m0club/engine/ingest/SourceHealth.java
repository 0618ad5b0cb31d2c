package com.m0club.engine.ingest;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.Objects;

/**
 * What the ingestor says about one source's connector for one market, on {@code m0.source-health} (keyed by market):
 * whether the connector that feeds {@code source} is degraded (it kept failing: docs/quant.md, "Connector health").
 * The aggregator raises {@code CONNECTOR_DEGRADED} on the market's feature vectors while a fresh degraded report
 * stands, so the quant output of the market carries the flag. Record schema {@value #SCHEMA_VERSION}.
 *
 * <p>A report is a state, not an edge: the ingestor repeats a degraded report every
 * {@link SourceHealthAnnouncer#REPEAT_MS} ms while the connector stays degraded, and sends one healthy report when it
 * recovers; a report older than the aggregator's {@code source_health_ttl_ms} no longer counts, so a flag cannot
 * outlive the ingestor that raised it.
 *
 * @param source the source (for an HTTP connector, its connector id)
 * @param market a market the source quoted
 * @param degraded true while the connector is degraded
 * @param atMs when the ingestor made the report (its clock, UTC ms)
 */
public record SourceHealth(SourceId source, MarketId market, boolean degraded, long atMs) {
    public static final int SCHEMA_VERSION = 1;

    public SourceHealth {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(market, "market");
        if (atMs < 0) {
            throw new IllegalArgumentException("at_ms: must be >= 0, got " + atMs);
        }
    }
}
