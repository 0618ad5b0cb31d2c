package com.m0club.engine.pipeline;

import com.m0club.engine.aggregate.Aggregator;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.aggregate.AggregatorMetrics;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.ingest.IngestConfig;
import com.m0club.engine.ingest.IngestMetrics;
import com.m0club.engine.ingest.IngestResult;
import com.m0club.engine.ingest.Ingestor;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.engine.quant.PriorFromPrevious;
import com.m0club.engine.quant.QuantConfig;
import com.m0club.engine.quant.QuantMetrics;
import com.m0club.engine.quant.QuantModel;
import com.m0club.engine.quant.SourceWeights;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ingest, aggregate and quant wired in-process for a fixed set of markets, with no threads and no I/O: push quotes,
 * pull one model output per market per tick. Tests, backtests and {@code m0 dev}'s single-process mode use it; split
 * deployments wire the same stage objects to the event log instead.
 *
 * <pre>{@code
 * EnginePipeline pipeline = EnginePipeline.builder().markets(markets).clock(clock).registry(registry).build();
 * simulator.advanceTo(t).forEach(pipeline::push);
 * List<ModelOutput> outputs = pipeline.tick(t);   // at most one per market per tick
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives a pipeline (single writer per market).
 */
public final class EnginePipeline {
    private final List<Market> markets;
    private final Ingestor ingestor;
    private final Aggregator aggregator;
    private final QuantModel quant;
    private final PriorFromPrevious priors;

    private EnginePipeline(Builder b) {
        this.markets = b.markets.stream().sorted(Comparator.comparing(Market::id)).toList();
        MarketLookup lookup = MarketLookup.of(markets);
        this.ingestor = new Ingestor(lookup, b.ingestConfig, b.clock, new IngestMetrics(b.registry));
        this.aggregator = new Aggregator(lookup, b.aggregatorConfig, new AggregatorMetrics(b.registry));
        this.quant = new QuantModel(b.quantConfig, b.sourceWeights, b.clock, new QuantMetrics(b.registry));
        this.priors = new PriorFromPrevious(quant, b.priorFromPrevious);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ingests one quote and, if accepted, folds it into its market's state. */
    public IngestResult push(SourceQuote quote) {
        IngestResult r = ingestor.ingest(quote);
        if (r instanceof IngestResult.Accepted a) {
            aggregator.accept(a.event());
        }
        return r;
    }

    /** Pushes quotes in order. */
    public List<IngestResult> pushAll(List<SourceQuote> quotes) {
        List<IngestResult> out = new ArrayList<>(quotes.size());
        for (SourceQuote q : quotes) {
            out.add(push(q));
        }
        return out;
    }

    /**
     * One model output for every market whose tick containing {@code nowMs} has not been evaluated yet, in canonical
     * market order; blocked outputs are included (they carry the reason).
     */
    public List<ModelOutput> tick(long nowMs) {
        List<ModelOutput> out = new ArrayList<>();
        for (Market m : markets) {
            tick(m.id(), nowMs).ifPresent(out::add);
        }
        return out;
    }

    /** The output for {@code market}'s tick containing {@code nowMs}, unless that tick was already evaluated. */
    public Optional<ModelOutput> tick(MarketId market, long nowMs) {
        return evaluate(market, nowMs).map(Evaluation::output);
    }

    /**
     * Like {@link #tick(MarketId, long)}, with the feature vector the output was computed from (the backtest scores
     * baselines on the same evidence the model saw).
     */
    public Optional<Evaluation> evaluate(MarketId market, long nowMs) {
        Optional<FeatureVector> fv = aggregator.tick(market, nowMs);
        if (fv.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Evaluation(fv.get(), priors.evaluate(fv.get())));
    }

    /** One tick of one market: the aggregator's feature vector and the quant stage's output for it. */
    public record Evaluation(FeatureVector features, ModelOutput output) {
        public Evaluation {
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(output, "output");
        }
    }

    /** The last publishable output of {@code market}. */
    public Optional<ModelOutput> lastPublished(MarketId market) {
        return priors.lastPublished(market);
    }

    public List<Market> markets() {
        return markets;
    }

    public Ingestor ingestor() {
        return ingestor;
    }

    public Aggregator aggregator() {
        return aggregator;
    }

    public QuantModel quant() {
        return quant;
    }

    /** Builder; {@code markets}, {@code clock} and {@code registry} are required. */
    public static final class Builder {
        private List<Market> markets = List.of();
        private InstantSource clock;
        private PrometheusRegistry registry;
        private IngestConfig ingestConfig = IngestConfig.DEFAULTS;
        private AggregatorConfig aggregatorConfig = AggregatorConfig.DEFAULTS;
        private QuantConfig quantConfig = QuantConfig.DEFAULTS;
        private SourceWeights sourceWeights = SourceWeights.EQUAL;
        private boolean priorFromPrevious = true;

        private Builder() {}

        public Builder markets(List<Market> markets) {
            this.markets = List.copyOf(Objects.requireNonNull(markets, "markets"));
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the stages register their counters (never the default registry implicitly). */
        public Builder registry(PrometheusRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public Builder ingestConfig(IngestConfig v) {
            this.ingestConfig = Objects.requireNonNull(v, "ingest_config");
            return this;
        }

        public Builder aggregatorConfig(AggregatorConfig v) {
            this.aggregatorConfig = Objects.requireNonNull(v, "aggregator_config");
            return this;
        }

        public Builder quantConfig(QuantConfig v) {
            this.quantConfig = Objects.requireNonNull(v, "quant_config");
            return this;
        }

        public Builder sourceWeights(SourceWeights v) {
            this.sourceWeights = Objects.requireNonNull(v, "source_weights");
            return this;
        }

        /**
         * Whether the Dirichlet prior is centred on the market's previous published output (decayed toward uniform)
         * rather than uniform; default true. The previous output is also what the JUMP flag compares against.
         */
        public Builder priorFromPrevious(boolean v) {
            this.priorFromPrevious = v;
            return this;
        }

        public EnginePipeline build() {
            if (markets.isEmpty()) {
                throw new IllegalArgumentException("markets: at least one market is required");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock: is required (stages never read the system clock)");
            }
            if (registry == null) {
                throw new IllegalArgumentException("registry: is required (metrics are never registered in the"
                        + " default registry implicitly)");
            }
            return new EnginePipeline(this);
        }
    }
}
