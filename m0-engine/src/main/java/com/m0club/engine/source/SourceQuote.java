package com.m0club.engine.source;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.Objects;

/**
 * One raw quote from one source about one market, as a connector (or the simulator, or a replay file) hands it to
 * ingest. Nothing here is trusted yet: ingest checks ranges, outcomes and times, and turns it into a
 * {@code NormalizedEvent}.
 *
 * <p>Record schema {@value #SCHEMA_VERSION}: when a field is added or its meaning changes, the version goes up and the
 * readers of the replay format and of the event log accept both until the old one is retired.
 *
 * @param source who quoted
 * @param market which market the quote is about
 * @param eventTimeMs when the source published the quote (UTC ms); ingest measures staleness and skew from it
 * @param payload the numbers, by kind
 * @param traceId the trace id started at the connector, carried to the published bundle (printable ASCII, 1..128)
 */
public record SourceQuote(SourceId source, MarketId market, long eventTimeMs, QuotePayload payload, String traceId) {
    public static final int SCHEMA_VERSION = 1;

    public SourceQuote {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(traceId, "trace_id");
    }

    public QuoteKind kind() {
        return payload.kind();
    }
}
