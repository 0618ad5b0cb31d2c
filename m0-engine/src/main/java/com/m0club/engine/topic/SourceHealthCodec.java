package com.m0club.engine.topic;

import com.m0club.engine.ingest.SourceHealth;
import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;

/**
 * {@link SourceHealth} on {@code m0.source-health}, schema version {@value SourceHealth#SCHEMA_VERSION}
 * ({@link RecordWriter} encodings):
 *
 * <pre>
 *   str source_id, str market_id, bool degraded, i64 at_ms
 * </pre>
 */
public final class SourceHealthCodec implements RecordCodec<SourceHealth> {
    public static final SourceHealthCodec INSTANCE = new SourceHealthCodec();

    private SourceHealthCodec() {}

    @Override
    public byte[] encode(SourceHealth h) {
        return new RecordWriter(48).str(h.source().value()).str(h.market().value()).bool(h.degraded()).i64(h.atMs())
                .toByteArray();
    }

    @Override
    public SourceHealth decode(byte[] bytes) {
        return RecordReader.decode("SourceHealth", bytes, r -> new SourceHealth(SourceId.of(r.str("source_id")),
                MarketId.of(r.str("market_id")), r.bool("degraded"), r.i64("at_ms")));
    }
}
