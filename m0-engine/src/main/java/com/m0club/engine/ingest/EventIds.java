package com.m0club.engine.ingest;

import com.m0club.engine.canonical.EngineDigest;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.codec.CanonicalWriter;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.OutcomeId;
import java.util.Map;

/**
 * The event id: {@code sha256("M0_EVENT_V1" || canonical_quote)} where (little-endian, strings u16 length + ASCII,
 * reals as round_half_even(x * 10^9)):
 *
 * <pre>
 *   u16 schema_version (= 1)
 *   str source_id
 *   str market_id
 *   u64 event_time_ms
 *   u8  kind (1 = BOOKMAKER_ODDS, 2 = EXCHANGE_PRICE)
 *   u16 outcome_count
 *   outcome_count x { str outcome_id, u64 value_e9 }     outcomes ascending by byte; odds or price
 *   EXCHANGE_PRICE only: u64 spread_e9
 * </pre>
 *
 * The trace id is not part of it: the same quote delivered twice with different trace ids is one event. Only
 * validated quotes are hashed (finite, non-negative numbers; odds at most 10^6), so every value fits its field.
 */
public final class EventIds {
    private EventIds() {}

    /** The event id of a validated quote. */
    public static Hash32 of(SourceQuote quote) {
        return EngineDigest.EVENT.hash(canonicalBytes(quote));
    }

    /** The preimage after the tag (exposed for the documentation's worked example and its test). */
    public static byte[] canonicalBytes(SourceQuote quote) {
        CanonicalWriter w = new CanonicalWriter(96);
        w.u16(SourceQuote.SCHEMA_VERSION)
                .str(quote.source().value())
                .str(quote.market().value())
                .u64(quote.eventTimeMs())
                .u8(quote.kind().code());
        QuotePayload payload = quote.payload();
        w.u16(payload.values().size());
        for (Map.Entry<OutcomeId, Double> e : payload.values().entrySet()) {
            w.str(e.getKey().value()).fixed9(e.getValue());
        }
        if (payload instanceof QuotePayload.ExchangePrices prices) {
            w.fixed9(prices.spread());
        }
        return w.toByteArray();
    }
}
