package com.m0club.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.TestMetrics;
import com.m0club.engine.canonical.EngineDigest;
import com.m0club.engine.ingest.DemarginMethod;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.ProbabilityEvidence;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AggregatorTest {
    // NBA: SPORTS (staleness 45 s), cadence 1.5 s, epoch 1 h
    private static final long T0 = 3_600_000 * 10;
    private PrometheusRegistry registry;
    private Aggregator aggregator;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        aggregator = newAggregator(registry);
    }

    private static Aggregator newAggregator(PrometheusRegistry registry) {
        return new Aggregator(MarketLookup.of(TestMarkets.all()),
                AggregatorConfig.builder().minSources(2).sourcesExpected(TestMarkets.NBA, 4).build(),
                new AggregatorMetrics(registry));
    }

    static NormalizedEvent event(String source, long t, double away) {
        TreeMap<OutcomeId, Double> p = new TreeMap<>();
        p.put(OutcomeId.of("AWAY_WIN"), away);
        p.put(OutcomeId.of("HOME_WIN"), 1 - away);
        Hash32 id = EngineDigest.EVENT.hash((source + "|" + t + "|" + away).getBytes(StandardCharsets.US_ASCII));
        return new NormalizedEvent(id, SourceId.of(source), TestMarkets.NBA, t, t,
                new ProbabilityEvidence(QuoteKind.EXCHANGE_PRICE, p, 0.01, 0.02, DemarginMethod.NORMALIZED_MID), 0,
                "trace-" + source + "-" + t);
    }

    @Test
    void emitsOneFeatureVectorPerTick() {
        aggregator.accept(event("a", T0, 0.4));
        aggregator.accept(event("b", T0, 0.42));
        FeatureVector fv = aggregator.tick(TestMarkets.NBA, T0 + 100).orElseThrow();
        assertThat(fv.epochId()).isEqualTo(10);
        assertThat(fv.tick()).isZero();
        assertThat(fv.windowStartMs()).isEqualTo(T0);
        assertThat(fv.windowEndMs()).isEqualTo(T0 + 3_600_000);
        assertThat(fv.tickStartMs()).isEqualTo(T0);
        assertThat(fv.tickEndMs()).isEqualTo(T0 + 1_500);
        assertThat(fv.sources()).extracting(s -> s.source().value()).containsExactly("a", "b");
        assertThat(fv.sources().get(0).ageMs()).isEqualTo(100);
        assertThat(fv.qualityFlags()).isZero();
        assertThat(fv.sourcesSeen()).isEqualTo(2);
        assertThat(fv.sourcesExpected()).isEqualTo(4);
        assertThat(fv.coverage().eventsSeen()).isEqualTo(2);

        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 1_499)).isEmpty();
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 1_500)).get().extracting(FeatureVector::tick).isEqualTo(1L);
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 200)).isEmpty(); // an earlier tick is never re-emitted
        assertThat(TestMetrics.counter(registry, "m0_aggregate_features_total")).isEqualTo(2);
    }

    @Test
    void staleSourcesDropOutAndRaiseStaleSourceAndLowCoverage() {
        aggregator.accept(event("a", T0, 0.4));
        aggregator.accept(event("b", T0 + 10_000, 0.42));
        FeatureVector fresh = aggregator.tick(TestMarkets.NBA, T0 + 45_000).orElseThrow();
        assertThat(fresh.sourcesSeen()).isEqualTo(2);
        assertThat(fresh.qualityFlags()).isZero();

        FeatureVector stale = aggregator.tick(TestMarkets.NBA, T0 + 45_001 + 1_500).orElseThrow();
        assertThat(stale.sources()).extracting(s -> s.source().value()).containsExactly("b");
        assertThat(stale.coverage().sourcesStale()).isEqualTo(1);
        assertThat(QualityFlag.decode(stale.qualityFlags()))
                .containsExactlyInAnyOrder(QualityFlag.STALE_SOURCE, QualityFlag.LOW_COVERAGE);
        assertThat(TestMetrics.counter(registry, "m0_aggregate_stale_sources_total")).isEqualTo(1);
        assertThat(TestMetrics.counter(registry, "m0_aggregate_low_coverage_total")).isEqualTo(1);
    }

    @Test
    void noEvidenceAtAllIsLowCoverageWithADerivedTraceId() {
        FeatureVector fv = aggregator.tick(TestMarkets.NBA, T0).orElseThrow();
        assertThat(fv.sources()).isEmpty();
        assertThat(QualityFlag.LOW_COVERAGE.isSet(fv.qualityFlags())).isTrue();
        assertThat(fv.traceId()).startsWith("fv-").hasSize(35);
    }

    @Test
    void lateAndDuplicateEventsAreDroppedAndLateDataIsFlagged() {
        NormalizedEvent newer = event("a", T0 + 5_000, 0.4);
        assertThat(aggregator.accept(newer)).isEqualTo(AcceptOutcome.UPDATED);
        assertThat(aggregator.accept(newer)).isEqualTo(AcceptOutcome.DUPLICATE);
        assertThat(aggregator.accept(event("a", T0 + 4_000, 0.5))).isEqualTo(AcceptOutcome.LATE);
        aggregator.accept(event("b", T0 + 5_000, 0.41));
        FeatureVector fv = aggregator.tick(TestMarkets.NBA, T0 + 6_000).orElseThrow();
        assertThat(fv.sources().get(0).probabilities().get(OutcomeId.of("AWAY_WIN"))).isEqualTo(0.4);
        assertThat(QualityFlag.LATE_DATA_DROPPED.isSet(fv.qualityFlags())).isTrue();
        assertThat(fv.coverage().lateEventsDropped()).isEqualTo(1);
        // counters reset after each vector
        FeatureVector next = aggregator.tick(TestMarkets.NBA, T0 + 7_500).orElseThrow();
        assertThat(next.qualityFlags()).isZero();
        assertThat(TestMetrics.counter(registry, "m0_aggregate_events_total", "result", "late")).isEqualTo(1);
        assertThat(TestMetrics.counter(registry, "m0_aggregate_events_total", "result", "duplicate")).isEqualTo(1);
    }

    @Test
    void traceIdIsTheNewestContributingEvents() {
        aggregator.accept(event("a", T0 + 2_000, 0.4));
        aggregator.accept(event("b", T0 + 1_000, 0.41));
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 3_000).orElseThrow().traceId())
                .isEqualTo("trace-a-" + (T0 + 2_000));
    }

    @Test
    void featuresHashIsDeterministicAndVerified() {
        List<NormalizedEvent> events = List.of(event("b", T0, 0.42), event("a", T0 + 1, 0.4), event("c", T0, 0.5));
        Aggregator other = newAggregator(new PrometheusRegistry());
        events.forEach(aggregator::accept);
        events.reversed().forEach(other::accept);
        FeatureVector x = aggregator.tick(TestMarkets.NBA, T0 + 700).orElseThrow();
        FeatureVector y = other.tick(TestMarkets.NBA, T0 + 700).orElseThrow();
        assertThat(x).isEqualTo(y);
        assertThat(x.featuresHash()).isEqualTo(y.featuresHash());
        assertThat(x.featuresHash()).isEqualTo(EngineDigest.FEATURES.hash(x.canonicalBytes()));

        assertThatThrownBy(() -> new FeatureVector(x.market(), x.epochId(), x.tick(), x.windowStartMs(),
                x.windowEndMs(), x.tickStartMs(), x.tickEndMs(), x.asOfMs() + 1, x.stalenessLimitMs(), x.sources(),
                x.coverage(), x.qualityFlags(), x.featuresHash(), x.traceId()))
                .hasMessageContaining("features_hash: does not match");

        Aggregator third = newAggregator(new PrometheusRegistry());
        third.accept(event("a", T0 + 1, 0.4001));
        third.accept(event("b", T0, 0.42));
        third.accept(event("c", T0, 0.5));
        assertThat(third.tick(TestMarkets.NBA, T0 + 700).orElseThrow().featuresHash()).isNotEqualTo(x.featuresHash());
        assertThat(x.windowKey()).isEqualTo(FeatureVector.windowKey(TestMarkets.NBA, 10, 0, T0, T0 + 3_600_000));
    }

    @Test
    void unknownMarketsAreCountedOrRefused() {
        NormalizedEvent e = event("a", T0, 0.4);
        NormalizedEvent elsewhere = new NormalizedEvent(e.eventId(), e.source(), MarketId.of("NOT_LISTED"),
                e.eventTimeMs(), e.ingestTimeMs(), e.payload(), 0, e.traceId());
        assertThat(aggregator.accept(elsewhere)).isEqualTo(AcceptOutcome.UNKNOWN_MARKET);
        assertThatThrownBy(() -> aggregator.tick(MarketId.of("NOT_LISTED"), T0))
                .hasMessageContaining("NOT_LISTED is not in the registry");
        assertThat(aggregator.tick(TestMarkets.EPL, T0)).isPresent().get()
                .extracting(FeatureVector::sources).isEqualTo(List.of());
        assertThat(Optional.of(TestMetrics.counter(registry, "m0_aggregate_events_total", "result",
                "unknown_market"))).contains(1.0);
    }

    @Test
    void silentSourcesAreEventuallyForgotten() {
        MarketAggregator m = new MarketAggregator(TestMarkets.nba(), AggregatorConfig.builder()
                .evictAfterStalenessMultiple(2).build());
        m.accept(event("a", T0, 0.4));
        m.tick(T0 + 60_000);
        assertThat(m.sourcesHeld()).isEqualTo(1);
        m.tick(T0 + 91_000);
        assertThat(m.sourcesHeld()).isZero();
    }

    @Test
    void aDegradedConnectorReportFlagsTheMarketUntilItsSourceRecoversOrTheReportExpires() {
        aggregator.accept(event("a", T0, 0.4));
        aggregator.accept(event("b", T0, 0.42));
        aggregator.health(new SourceHealth(SourceId.of("a"), TestMarkets.NBA, true, T0 + 100));
        aggregator.health(new SourceHealth(SourceId.of("a"), TestMarkets.EPL, true, T0 + 100));
        FeatureVector flagged = aggregator.tick(TestMarkets.NBA, T0 + 200).orElseThrow();
        assertThat(QualityFlag.decode(flagged.qualityFlags())).containsExactly(QualityFlag.CONNECTOR_DEGRADED);

        aggregator.health(new SourceHealth(SourceId.of("a"), TestMarkets.NBA, false, T0 + 1_000));
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 1_600).orElseThrow().qualityFlags())
                .as("a healthy report clears it").isZero();
        aggregator.health(new SourceHealth(SourceId.of("a"), TestMarkets.NBA, true, T0 + 500));
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 3_100).orElseThrow().qualityFlags())
                .as("a repeat delivered after the recovery does not undo it").isZero();
        aggregator.health(new SourceHealth(SourceId.of("a"), TestMarkets.NBA, true, T0 + 4_000));
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 4_600).orElseThrow().qualityFlags())
                .isEqualTo(QualityFlag.CONNECTOR_DEGRADED.mask());
        assertThat(aggregator.tick(TestMarkets.NBA, T0 + 4_000 + 10_001).orElseThrow().qualityFlags())
                .as("a report older than the TTL no longer counts").isZero();
        assertThat(QualityFlag.CONNECTOR_DEGRADED.isSet(aggregator.tick(TestMarkets.EPL, T0 + 200).orElseThrow()
                .qualityFlags())).as("each market has its own reports").isTrue();
        assertThat(TestMetrics.counter(registry, "m0_aggregate_connector_degraded_total")).isEqualTo(3);
    }

    @Test
    void healthReportsForUnknownMarketsAreDropped() {
        aggregator.health(new SourceHealth(SourceId.of("a"), MarketId.of("NOT_LISTED"), true, T0));
        assertThat(aggregator.tick(TestMarkets.NBA, T0).orElseThrow().qualityFlags())
                .isEqualTo(QualityFlag.LOW_COVERAGE.mask());
    }
}
