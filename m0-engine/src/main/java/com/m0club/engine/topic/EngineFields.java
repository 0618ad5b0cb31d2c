package com.m0club.engine.topic;

import com.m0club.engine.ingest.DemarginMethod;
import com.m0club.engine.source.QuoteKind;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.OutcomeId;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The field encodings the engine's record codecs share (layouts in each codec's Javadoc). */
final class EngineFields {
    private EngineFields() {}

    static void hash(RecordWriter w, Hash32 h) {
        w.raw(h.toByteArray());
    }

    static Hash32 hash(RecordReader r, String field) {
        return Hash32.of(r.raw(field, Hash32.LENGTH));
    }

    /** {@code u8 code}: 1 BOOKMAKER_ODDS, 2 EXCHANGE_PRICE ({@link QuoteKind#code()}). */
    static void kind(RecordWriter w, QuoteKind kind) {
        w.u8(kind.code());
    }

    static QuoteKind kind(RecordReader r, String field) {
        int code = r.u8(field);
        for (QuoteKind k : QuoteKind.values()) {
            if (k.code() == code) {
                return k;
            }
        }
        throw r.fail(field, "unknown quote kind code " + code);
    }

    /** {@code u8 code}: 1 SHIN, 2 POWER, 3 NORMALIZED_MID. */
    static void method(RecordWriter w, DemarginMethod m) {
        w.u8(switch (m) {
            case SHIN -> 1;
            case POWER -> 2;
            case NORMALIZED_MID -> 3;
        });
    }

    static DemarginMethod method(RecordReader r, String field) {
        int code = r.u8(field);
        return switch (code) {
            case 1 -> DemarginMethod.SHIN;
            case 2 -> DemarginMethod.POWER;
            case 3 -> DemarginMethod.NORMALIZED_MID;
            default -> throw r.fail(field, "unknown demargin method code " + code);
        };
    }

    /** {@code count n, then n x (str outcome_id, f64 p)} in ascending outcome id order. */
    static void probabilities(RecordWriter w, SortedMap<OutcomeId, Double> probabilities) {
        w.count(probabilities.size());
        for (Map.Entry<OutcomeId, Double> e : probabilities.entrySet()) {
            w.str(e.getKey().value()).f64(e.getValue());
        }
    }

    /** Outcome ids must come strictly ascending (one encoding per map). */
    static SortedMap<OutcomeId, Double> probabilities(RecordReader r, String field) {
        int n = r.count(field, 10);
        TreeMap<OutcomeId, Double> m = new TreeMap<>();
        OutcomeId previous = null;
        for (int i = 0; i < n; i++) {
            String f = field + "[" + i + "]";
            OutcomeId id = OutcomeId.of(r.str(f + ".outcome_id"));
            if (previous != null && previous.compareTo(id) >= 0) {
                throw r.fail(f + ".outcome_id", "outcome ids must be strictly ascending, " + id + " follows "
                        + previous);
            }
            previous = id;
            m.put(id, r.f64(f + ".p"));
        }
        return Collections.unmodifiableSortedMap(m);
    }
}
