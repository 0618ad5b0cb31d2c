package com.m0club.engine.topic;

import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.ProbabilityEvidence;
import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;

/**
 * {@link NormalizedEvent} on {@code m0.events}, schema version {@value NormalizedEvent#SCHEMA_VERSION}. Deterministic
 * binary layout ({@link RecordWriter}: big-endian, {@code str} = u16 length || UTF-8, {@code f64} = IEEE 754 bits):
 *
 * <pre>
 *   [32] event_id, str source_id, str market_id, i64 event_time_ms, i64 ingest_time_ms,
 *   u8 kind (1 bookmaker odds, 2 exchange price),
 *   i32 outcome_count, then per outcome ascending: str outcome_id, f64 p,
 *   f64 margin, f64 uncertainty, u8 demargin_method (1 shin, 2 power, 3 normalized mid),
 *   i64 quality_flags, str trace_id
 * </pre>
 */
public final class NormalizedEventCodec implements RecordCodec<NormalizedEvent> {
    public static final NormalizedEventCodec INSTANCE = new NormalizedEventCodec();

    private NormalizedEventCodec() {}

    @Override
    public byte[] encode(NormalizedEvent e) {
        RecordWriter w = new RecordWriter(192);
        EngineFields.hash(w, e.eventId());
        w.str(e.source().value()).str(e.market().value()).i64(e.eventTimeMs()).i64(e.ingestTimeMs());
        ProbabilityEvidence p = e.payload();
        EngineFields.kind(w, p.kind());
        EngineFields.probabilities(w, p.probabilities());
        w.f64(p.margin()).f64(p.uncertainty());
        EngineFields.method(w, p.method());
        w.i64(e.qualityFlags()).str(e.traceId());
        return w.toByteArray();
    }

    @Override
    public NormalizedEvent decode(byte[] bytes) {
        return RecordReader.decode("NormalizedEvent", bytes, r -> {
            var eventId = EngineFields.hash(r, "event_id");
            var source = SourceId.of(r.str("source_id"));
            var market = MarketId.of(r.str("market_id"));
            long eventTime = r.i64("event_time_ms");
            long ingestTime = r.i64("ingest_time_ms");
            var kind = EngineFields.kind(r, "payload.kind");
            var probabilities = EngineFields.probabilities(r, "payload.probabilities");
            double margin = r.f64("payload.margin");
            double uncertainty = r.f64("payload.uncertainty");
            var method = EngineFields.method(r, "payload.method");
            var payload = new ProbabilityEvidence(kind, probabilities, margin, uncertainty, method);
            return new NormalizedEvent(eventId, source, market, eventTime, ingestTime, payload, r.i64("quality_flags"),
                    r.str("trace_id"));
        });
    }
}
