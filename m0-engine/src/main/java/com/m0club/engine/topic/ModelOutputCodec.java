package com.m0club.engine.topic;

import com.m0club.engine.quant.ModelDiagnostics;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link ModelOutput} on {@code m0.outputs}, schema version {@value ModelOutput#SCHEMA_VERSION}. Deterministic binary
 * layout ({@link RecordWriter}: big-endian, {@code str} = u16 length || UTF-8, {@code f64} = IEEE 754 bits, {@code
 * bool} = one byte 0/1, an optional value = {@code bool present} then the value when present):
 *
 * <pre>
 *   str market_id, i64 epoch_id, i64 tick, i64 window_start_ms, i64 window_end_ms,
 *   optional distribution: i32 outcome_count, per outcome (canonical order): str outcome_id, i64 p_e9,
 *     i64 ci_low_e9, i64 ci_high_e9,
 *   i32 ci_level_bps, i32 risk_score_bps, i64 quality_flags, str model_id, str model_version,
 *   optional [32] calibration_hash, [32] features_hash, i64 produced_at_ms, str trace_id,
 *   optional str blocked_reason,
 *   diagnostics: i32 sources_used, i32 n + n x str rejected_source, i32 n + n x f64 pooled, f64 divergence,
 *     f64 effective_sample_size, f64 normalized_entropy, f64 mean_ci_width, f64 jump
 * </pre>
 */
public final class ModelOutputCodec implements RecordCodec<ModelOutput> {
    public static final ModelOutputCodec INSTANCE = new ModelOutputCodec();

    private ModelOutputCodec() {}

    @Override
    public byte[] encode(ModelOutput o) {
        RecordWriter w = new RecordWriter(384);
        w.str(o.market().value()).i64(o.epochId()).i64(o.tick()).i64(o.windowStartMs()).i64(o.windowEndMs());
        w.bool(o.distribution().isPresent());
        o.distribution().ifPresent(d -> {
            w.count(d.size());
            for (OutcomeProbability p : d.outcomes()) {
                w.str(p.outcome().value()).i64(p.p()).i64(p.ciLow()).i64(p.ciHigh());
            }
        });
        w.i32(o.ciLevelBps()).i32(o.riskScoreBps()).i64(o.qualityFlags()).str(o.model().modelId())
                .str(o.model().modelVersion());
        w.bool(o.calibrationHash().isPresent());
        o.calibrationHash().ifPresent(h -> EngineFields.hash(w, h));
        EngineFields.hash(w, o.featuresHash());
        w.i64(o.producedAtMs()).str(o.traceId());
        w.bool(o.blockedReason().isPresent());
        o.blockedReason().ifPresent(w::str);
        ModelDiagnostics g = o.diagnostics();
        w.i32(g.sourcesUsed()).count(g.rejectedSources().size());
        g.rejectedSources().forEach(s -> w.str(s.value()));
        w.count(g.pooled().size());
        g.pooled().forEach(w::f64);
        w.f64(g.divergence()).f64(g.effectiveSampleSize()).f64(g.normalizedEntropy()).f64(g.meanCiWidth())
                .f64(g.jump());
        return w.toByteArray();
    }

    @Override
    public ModelOutput decode(byte[] bytes) {
        return RecordReader.decode("ModelOutput", bytes, r -> {
            var market = MarketId.of(r.str("market_id"));
            long epoch = r.i64("epoch_id");
            long tick = r.i64("tick");
            long windowStart = r.i64("window_start_ms");
            long windowEnd = r.i64("window_end_ms");
            Optional<Distribution> distribution = Optional.empty();
            if (r.bool("distribution.present")) {
                int n = r.count("distribution.outcomes", 27);
                List<OutcomeProbability> outcomes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String f = "distribution.outcomes[" + i + "]";
                    outcomes.add(new OutcomeProbability(OutcomeId.of(r.str(f + ".outcome_id")), r.i64(f + ".p"),
                            r.i64(f + ".ci_low"), r.i64(f + ".ci_high")));
                }
                distribution = Optional.of(new Distribution(outcomes));
            }
            int ciLevel = r.i32("ci_level_bps");
            int risk = r.i32("risk_score_bps");
            long flags = r.i64("quality_flags");
            var model = ModelRef.of(r.str("model.model_id"), r.str("model.model_version"));
            Optional<Hash32> calibration = r.bool("calibration_hash.present")
                    ? Optional.of(EngineFields.hash(r, "calibration_hash")) : Optional.empty();
            var featuresHash = EngineFields.hash(r, "features_hash");
            long producedAt = r.i64("produced_at_ms");
            String trace = r.str("trace_id");
            Optional<String> blocked = r.bool("blocked_reason.present")
                    ? Optional.of(r.str("blocked_reason")) : Optional.empty();
            int used = r.i32("diagnostics.sources_used");
            int rejectedCount = r.count("diagnostics.rejected_sources", 3);
            List<SourceId> rejected = new ArrayList<>(rejectedCount);
            for (int i = 0; i < rejectedCount; i++) {
                rejected.add(SourceId.of(r.str("diagnostics.rejected_sources[" + i + "]")));
            }
            int pooledCount = r.count("diagnostics.pooled", 8);
            List<Double> pooled = new ArrayList<>(pooledCount);
            for (int i = 0; i < pooledCount; i++) {
                pooled.add(r.f64("diagnostics.pooled[" + i + "]"));
            }
            var diagnostics = new ModelDiagnostics(used, rejected, pooled, r.f64("diagnostics.divergence"),
                    r.f64("diagnostics.effective_sample_size"), r.f64("diagnostics.normalized_entropy"),
                    r.f64("diagnostics.mean_ci_width"), r.f64("diagnostics.jump"));
            return new ModelOutput(market, epoch, tick, windowStart, windowEnd, distribution, ciLevel, risk, flags,
                    model, calibration, featuresHash, producedAt, trace, blocked, diagnostics);
        });
    }
}
