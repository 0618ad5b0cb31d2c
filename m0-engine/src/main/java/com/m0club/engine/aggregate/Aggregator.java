package com.m0club.engine.aggregate;

import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.engine.market.MarketLookup;
import com.m0club.protocol.id.MarketId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregate stage for the markets one shard owns: routes each {@link NormalizedEvent} to its market's
 * {@link MarketAggregator} and emits at most one {@link FeatureVector} per (market, tick) (docs/quant.md,
 * "Aggregate"). Pure apart from that per-market state: no I/O, no clock of its own (the caller passes the time).
 *
 * <p><b>Single writer per market.</b> The aggregator and every market state in it belong to one thread, the shard
 * owning those markets' partitions. It is deliberately not thread-safe: sharing it would need locks on the hot path;
 * giving each shard its own instance needs none.
 */
public final class Aggregator {
    private final MarketLookup markets;
    private final AggregatorConfig config;
    private final AggregatorMetrics metrics;
    private final Map<MarketId, MarketAggregator> byMarket = new HashMap<>();

    public Aggregator(MarketLookup markets, AggregatorConfig config, AggregatorMetrics metrics) {
        this.markets = Objects.requireNonNull(markets, "markets");
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Folds one event into its market's state. */
    public AcceptOutcome accept(NormalizedEvent event) {
        Objects.requireNonNull(event, "event");
        Optional<MarketAggregator> m = state(event.market());
        AcceptOutcome outcome = m.isEmpty() ? AcceptOutcome.UNKNOWN_MARKET : m.get().accept(event);
        metrics.event(outcome);
        return outcome;
    }

    /** Folds one connector health report into its market's state; a report for an unknown market is dropped. */
    public void health(SourceHealth report) {
        Objects.requireNonNull(report, "report");
        metrics.health(report.degraded());
        state(report.market()).ifPresent(m -> m.health(report));
    }

    /**
     * The feature vector for {@code market}'s tick containing {@code nowMs}, or empty if that tick was already
     * emitted (idempotent per window key).
     *
     * @throws IllegalArgumentException if the market is not in the registry (a wiring error, not data)
     */
    public Optional<FeatureVector> tick(MarketId market, long nowMs) {
        MarketAggregator m = state(market).orElseThrow(() -> new IllegalArgumentException("market: " + market
                + " is not in the registry"));
        Optional<FeatureVector> fv = m.tick(nowMs);
        fv.ifPresent(metrics::feature);
        return fv;
    }

    private Optional<MarketAggregator> state(MarketId id) {
        MarketAggregator m = byMarket.get(id);
        if (m != null) {
            return Optional.of(m);
        }
        return markets.find(id).map(market -> {
            MarketAggregator created = new MarketAggregator(market, config);
            byMarket.put(id, created);
            return created;
        });
    }
}
