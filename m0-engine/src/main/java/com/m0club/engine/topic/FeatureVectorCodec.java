package com.m0club.engine.topic;

import com.m0club.engine.aggregate.Coverage;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FeatureVector} on {@code m0.features}, schema version {@value FeatureVector#SCHEMA_VERSION}. Deterministic
 * binary layout ({@link RecordWriter}: big-endian, {@code str} = u16 length || UTF-8, {@code f64} = IEEE 754 bits).
 * Reals travel exactly (not as the e9 fixed point of the features hash preimage), and the decoder rebuilds the vector
 * through its constructor, which recomputes {@code features_hash} and refuses a mismatch:
 *
 * <pre>
 *   str market_id, i64 epoch_id, i64 tick, i64 window_start_ms, i64 window_end_ms, i64 tick_start_ms,
 *   i64 tick_end_ms, i64 as_of_ms, i64 staleness_limit_ms,
 *   i32 source_count, then per source ascending by source id:
 *     str source_id, [32] event_id, u8 kind, i32 outcome_count, per outcome ascending: str outcome_id, f64 p,
 *     i64 event_time_ms, i64 age_ms, f64 margin, f64 uncertainty,
 *   i32 sources_expected, i32 sources_seen, i32 sources_stale, i64 events_seen, i64 late_events_dropped,
 *   i64 quality_flags, [32] features_hash, str trace_id
 * </pre>
 */
public final class FeatureVectorCodec implements RecordCodec<FeatureVector> {
    public static final FeatureVectorCodec INSTANCE = new FeatureVectorCodec();

    private FeatureVectorCodec() {}

    @Override
    public byte[] encode(FeatureVector f) {
        RecordWriter w = new RecordWriter(256 + f.sources().size() * 160);
        w.str(f.market().value()).i64(f.epochId()).i64(f.tick()).i64(f.windowStartMs()).i64(f.windowEndMs())
                .i64(f.tickStartMs()).i64(f.tickEndMs()).i64(f.asOfMs()).i64(f.stalenessLimitMs())
                .count(f.sources().size());
        for (SourceEvidence s : f.sources()) {
            w.str(s.source().value());
            EngineFields.hash(w, s.eventId());
            EngineFields.kind(w, s.kind());
            EngineFields.probabilities(w, s.probabilities());
            w.i64(s.eventTimeMs()).i64(s.ageMs()).f64(s.margin()).f64(s.uncertainty());
        }
        Coverage c = f.coverage();
        w.i32(c.sourcesExpected()).i32(c.sourcesSeen()).i32(c.sourcesStale()).i64(c.eventsSeen())
                .i64(c.lateEventsDropped()).i64(f.qualityFlags());
        EngineFields.hash(w, f.featuresHash());
        w.str(f.traceId());
        return w.toByteArray();
    }

    @Override
    public FeatureVector decode(byte[] bytes) {
        return RecordReader.decode("FeatureVector", bytes, r -> {
            var market = MarketId.of(r.str("market_id"));
            long epoch = r.i64("epoch_id");
            long tick = r.i64("tick");
            long windowStart = r.i64("window_start_ms");
            long windowEnd = r.i64("window_end_ms");
            long tickStart = r.i64("tick_start_ms");
            long tickEnd = r.i64("tick_end_ms");
            long asOf = r.i64("as_of_ms");
            long staleness = r.i64("staleness_limit_ms");
            int n = r.count("sources", 60);
            List<SourceEvidence> sources = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String f = "sources[" + i + "]";
                var source = SourceId.of(r.str(f + ".source_id"));
                var eventId = EngineFields.hash(r, f + ".event_id");
                var kind = EngineFields.kind(r, f + ".kind");
                var probabilities = EngineFields.probabilities(r, f + ".probabilities");
                sources.add(new SourceEvidence(source, eventId, kind, probabilities, r.i64(f + ".event_time_ms"),
                        r.i64(f + ".age_ms"), r.f64(f + ".margin"), r.f64(f + ".uncertainty")));
            }
            var coverage = new Coverage(r.i32("coverage.sources_expected"), r.i32("coverage.sources_seen"),
                    r.i32("coverage.sources_stale"), r.i64("coverage.events_seen"),
                    r.i64("coverage.late_events_dropped"));
            long flags = r.i64("quality_flags");
            var hash = EngineFields.hash(r, "features_hash");
            return new FeatureVector(market, epoch, tick, windowStart, windowEnd, tickStart, tickEnd, asOf, staleness,
                    sources, coverage, flags, hash, r.str("trace_id"));
        });
    }
}
