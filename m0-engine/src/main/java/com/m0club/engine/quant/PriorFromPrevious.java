package com.m0club.engine.quant;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.protocol.id.MarketId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prior-from-previous rule, in one place: each market's Dirichlet prior is centred on its last publishable
 * (not blocked) output, or uniform before there is one; a blocked output never becomes the next prior. The in-process
 * {@code EnginePipeline} and the quant role over the event log both evaluate through this, so they cannot drift.
 *
 * <p>Thread-safe (the memory is a concurrent map); per market, callers evaluate one feature vector at a time, in
 * tick order (single writer per market, see docs/architecture.md).
 */
public final class PriorFromPrevious {
    private final QuantModel quant;
    private final boolean enabled;
    private final Map<MarketId, ModelOutput> lastPublished = new ConcurrentHashMap<>();

    /**
     * @param quant the model that evaluates
     * @param enabled whether the prior is centred on the previous output; when false every evaluation uses the
     *     uniform prior (the last publishable output is still remembered)
     */
    public PriorFromPrevious(QuantModel quant, boolean enabled) {
        this.quant = Objects.requireNonNull(quant, "quant");
        this.enabled = enabled;
    }

    /** The rule with the previous output as prior (the default). */
    public PriorFromPrevious(QuantModel quant) {
        this(quant, true);
    }

    /** The prior the next evaluation of {@code market} uses. */
    public Prior priorFor(MarketId market) {
        Objects.requireNonNull(market, "market");
        ModelOutput previous = lastPublished.get(market);
        if (!enabled || previous == null) {
            return Prior.uniform();
        }
        return Prior.previous(previous.distribution().orElseThrow());
    }

    /** Evaluates {@code features} with its market's prior and remembers the output unless it is blocked. */
    public ModelOutput evaluate(FeatureVector features) {
        Objects.requireNonNull(features, "features");
        ModelOutput output = quant.evaluate(features, priorFor(features.market()));
        if (!output.isBlocked()) {
            lastPublished.put(features.market(), output);
        }
        return output;
    }

    /** The last publishable output of {@code market}, if any. */
    public Optional<ModelOutput> lastPublished(MarketId market) {
        return Optional.ofNullable(lastPublished.get(Objects.requireNonNull(market, "market")));
    }
}
