package com.m0club.app.roles;

import com.m0club.engine.bundle.BundleAssembler;
import com.m0club.engine.bundle.PublishRound;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.bundle.Bundle;
import com.m0club.publish.bundle.RoundAssembler;
import com.m0club.publish.bundle.RoundEntry;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The engine's bundle stage ({@link PublishRound}, {@link BundleAssembler}) as the bundler's round assembly. */
final class EngineRoundAssembler implements RoundAssembler<ModelOutput> {
    private final BundleAssembler assembler = new BundleAssembler();

    @Override
    public Round roundAt(long timeMs, Duration roundLength, long signerSetId) {
        PublishRound round = PublishRound.roundAt(timeMs, roundLength.toMillis());
        return new Round(round.startMs(), round.endMs(), round.key(signerSetId));
    }

    @Override
    public Optional<Bundle> assemble(List<ModelOutput> outputs, long signerSetId, long sequence, Round round,
            long producedAtMs) {
        return assembler.assemble(outputs, signerSetId, sequence, round.startMs(), round.endMs(), producedAtMs);
    }

    /** A model output as the bundler takes it, with the span that produced it ({@code trace}, or invalid). */
    static RoundEntry<ModelOutput> entry(ModelOutput output, SpanContext trace) {
        return new RoundEntry<>(output.market(), output.epochId(), output.tick(), output.blockedReason(), output,
                trace);
    }
}
