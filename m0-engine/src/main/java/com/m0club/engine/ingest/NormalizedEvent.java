package com.m0club.engine.ingest;

import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.bundle.QualityFlag;
import java.util.Objects;

/**
 * A validated, de-margined quote: what ingest emits on {@code m0.events} (keyed by market). Record schema
 * {@value #SCHEMA_VERSION}.
 *
 * @param eventId deterministic id of the quote ({@link EventIds}; docs/quant.md "Event id"); the dedup key
 * @param source who quoted
 * @param market which market
 * @param eventTimeMs when the source published the quote
 * @param ingestTimeMs when ingest accepted it (from the injected clock)
 * @param payload the probability vector and margin
 * @param qualityFlags protocol quality flags raised by ingest or the connector (OR-ed downstream)
 * @param traceId the connector's trace id, carried on
 */
public record NormalizedEvent(Hash32 eventId, SourceId source, MarketId market, long eventTimeMs, long ingestTimeMs,
        ProbabilityEvidence payload, long qualityFlags, String traceId) {
    public static final int SCHEMA_VERSION = 1;

    public NormalizedEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(traceId, "trace_id");
        if (eventTimeMs < 0) {
            throw new IllegalArgumentException("event_time_ms: must be >= 0, got " + eventTimeMs);
        }
        if ((qualityFlags & ~QualityFlag.DEFINED_MASK) != 0) {
            throw new IllegalArgumentException("quality_flags: only protocol v1 flag bits 0..11 may be set, got 0x"
                    + Long.toHexString(qualityFlags));
        }
    }

    public QuoteKind kind() {
        return payload.kind();
    }
}
