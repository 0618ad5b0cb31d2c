package com.m0club.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.TestMetrics;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import com.m0club.protocol.registry.MarketStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestorTest {
    private static final long NOW = 1_000_000;
    private final ManualClock clock = new ManualClock(NOW);
    private PrometheusRegistry registry;
    private Ingestor ingestor;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        MarketLookup lookup = MarketLookup.of(List.of(TestMarkets.nba(), TestMarkets.epl(),
                TestMarkets.market(MarketId.of("OLD_MARKET"), com.m0club.protocol.registry.Domain.MACRO, "old", 1_000,
                        "A", "B").withStatus(MarketStatus.DEPRECATED)));
        ingestor = new Ingestor(lookup, IngestConfig.builder().dedupCapacity(3).build(), clock,
                new IngestMetrics(registry));
    }

    private static SourceQuote odds(String market, long t, double... odds) {
        List<OutcomeId> outcomes = market.equals("EPL_ARS_MCI") ? TestMarkets.epl().outcomes()
                : TestMarkets.nba().outcomes();
        Map<OutcomeId, Double> m = new TreeMap<>();
        for (int i = 0; i < odds.length; i++) {
            m.put(outcomes.get(i), odds[i]);
        }
        return new SourceQuote(SourceId.of("book-a"), MarketId.of(market), t, QuotePayload.BookmakerOdds.of(m),
                "trace-1");
    }

    private static SourceQuote prices(long t, double spread, double... prices) {
        List<OutcomeId> outcomes = TestMarkets.nba().outcomes();
        Map<OutcomeId, Double> m = new TreeMap<>();
        for (int i = 0; i < prices.length; i++) {
            m.put(outcomes.get(i), prices[i]);
        }
        return new SourceQuote(SourceId.of("exch-a"), TestMarkets.NBA, t, QuotePayload.ExchangePrices.of(m, spread),
                "trace-2");
    }

    private IngestResult.Rejected rejected(SourceQuote q) {
        IngestResult r = ingestor.ingest(q);
        assertThat(r).isInstanceOf(IngestResult.Rejected.class);
        return (IngestResult.Rejected) r;
    }

    @Test
    void acceptsAndDeMarginsBookmakerOdds() {
        IngestResult r = ingestor.ingest(odds("EPL_ARS_MCI", NOW - 1_000, 3.75, 3.40, 2.10));
        NormalizedEvent e = ((IngestResult.Accepted) r).event();
        assertThat(e.ingestTimeMs()).isEqualTo(NOW);
        assertThat(e.eventTimeMs()).isEqualTo(NOW - 1_000);
        assertThat(e.traceId()).isEqualTo("trace-1");
        assertThat(e.payload().method()).isEqualTo(DemarginMethod.SHIN);
        assertThat(e.payload().margin()).isCloseTo(0.0369747899, offset(1e-9));
        // outcomes AWAY_WIN, DRAW, HOME_WIN in canonical order
        assertThat(e.payload().probabilities().get(OutcomeId.of("HOME_WIN"))).isCloseTo(0.46267645616, offset(1e-9));
        assertThat(e.eventId()).isEqualTo(EventIds.of(odds("EPL_ARS_MCI", NOW - 1_000, 3.75, 3.40, 2.10)));
        assertThat(TestMetrics.counter(registry, "m0_ingest_events_total", "result", "accepted")).isEqualTo(1);
        assertThat(TestMetrics.counter(registry, "m0_ingest_demargin_total", "method", "shin")).isEqualTo(1);
    }

    @Test
    void acceptsExchangePricesNormalizedWithTheSpreadAsUncertainty() {
        NormalizedEvent e = ((IngestResult.Accepted) ingestor.ingest(prices(NOW, 0.03, 0.41, 0.61))).event();
        assertThat(e.payload().method()).isEqualTo(DemarginMethod.NORMALIZED_MID);
        assertThat(e.payload().margin()).isCloseTo(0.02, offset(1e-12));
        assertThat(e.payload().uncertainty()).isEqualTo(0.03);
        assertThat(e.payload().vector()[0]).isCloseTo(0.41 / 1.02, offset(1e-12));
    }

    @Test
    void duplicatesAreDetectedByEventIdIgnoringTheTraceId() {
        SourceQuote q = odds("NBA_LAL_BOS", NOW, 1.8, 2.05);
        assertThat(ingestor.ingest(q)).isInstanceOf(IngestResult.Accepted.class);
        SourceQuote again = new SourceQuote(q.source(), q.market(), q.eventTimeMs(), q.payload(), "another-trace");
        IngestResult r = ingestor.ingest(again);
        assertThat(r).isInstanceOf(IngestResult.Duplicate.class);
        assertThat(((IngestResult.Duplicate) r).eventId()).isEqualTo(EventIds.of(q));
        assertThat(TestMetrics.counter(registry, "m0_ingest_events_total", "result", "duplicate")).isEqualTo(1);
    }

    @Test
    void dedupWindowIsBounded() {
        SourceQuote first = odds("NBA_LAL_BOS", NOW - 4, 1.8, 2.05);
        ingestor.ingest(first);
        for (int i = 3; i >= 1; i--) {
            ingestor.ingest(odds("NBA_LAL_BOS", NOW - i, 1.8, 2.05));
        }
        assertThat(ingestor.dedupSize()).isEqualTo(3);
        // the oldest id fell out of the window, so it is accepted again
        assertThat(ingestor.ingest(first)).isInstanceOf(IngestResult.Accepted.class);
    }

    @Test
    void rejectionsNameTheRule() {
        assertThat(rejected(new SourceQuote(SourceId.of("b"), TestMarkets.NBA, NOW,
                odds("NBA_LAL_BOS", NOW, 1.8, 2.05).payload(), "has space")).reason())
                .isEqualTo(RejectReason.INVALID_TRACE_ID);
        assertThat(rejected(new SourceQuote(SourceId.of("b"), MarketId.of("NOPE_MARKET"), NOW,
                odds("NBA_LAL_BOS", NOW, 1.8, 2.05).payload(), "t")).reason()).isEqualTo(RejectReason.UNKNOWN_MARKET);
        var inactive = rejected(new SourceQuote(SourceId.of("b"), MarketId.of("OLD_MARKET"), NOW,
                QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("A"), 2.0, OutcomeId.of("B"), 1.9)), "t"));
        assertThat(inactive.reason()).isEqualTo(RejectReason.MARKET_INACTIVE);
        assertThat(inactive.message()).contains("DEPRECATED");

        var future = rejected(odds("NBA_LAL_BOS", NOW + 15_001, 1.8, 2.05));
        assertThat(future.reason()).isEqualTo(RejectReason.FUTURE_EVENT_TIME);
        assertThat(future.message()).startsWith("event_time_ms:").contains("15000");
        assertThat(ingestor.ingest(odds("NBA_LAL_BOS", NOW + 15_000, 1.8, 2.05)))
                .isInstanceOf(IngestResult.Accepted.class);

        var stale = rejected(odds("NBA_LAL_BOS", NOW - 45_001, 1.8, 2.05));
        assertThat(stale.reason()).isEqualTo(RejectReason.STALE_EVENT_TIME);
        assertThat(stale.message()).contains("SPORTS staleness limit is 45000");

        SourceQuote threeWay = odds("EPL_ARS_MCI", NOW, 3.75, 3.40, 2.10);
        var mismatch = rejected(new SourceQuote(threeWay.source(), TestMarkets.NBA, NOW, threeWay.payload(), "t"));
        assertThat(mismatch.reason()).isEqualTo(RejectReason.OUTCOME_MISMATCH);
        assertThat(mismatch.message()).startsWith("outcomes:").contains("unexpected [DRAW]");

        var lowOdds = rejected(odds("NBA_LAL_BOS", NOW, 1.0, 2.05));
        assertThat(lowOdds.reason()).isEqualTo(RejectReason.INVALID_ODDS);
        assertThat(lowOdds.message()).startsWith("odds[AWAY_WIN]:");
        assertThat(rejected(odds("NBA_LAL_BOS", NOW, Double.NaN, 2.05)).reason()).isEqualTo(RejectReason.INVALID_ODDS);
        assertThat(rejected(odds("NBA_LAL_BOS", NOW, Double.POSITIVE_INFINITY, 2.05)).reason())
                .isEqualTo(RejectReason.INVALID_ODDS);
        assertThat(rejected(odds("NBA_LAL_BOS", NOW, 2.5, 2.5)).reason()).isEqualTo(RejectReason.NEGATIVE_MARGIN);

        assertThat(rejected(prices(NOW, 0.01, 1.2, 0.1)).reason()).isEqualTo(RejectReason.INVALID_PRICE);
        assertThat(rejected(prices(NOW, 0.01, -0.1, 0.9)).reason()).isEqualTo(RejectReason.INVALID_PRICE);
        assertThat(rejected(prices(NOW, 0.01, Double.NaN, 0.9)).reason()).isEqualTo(RejectReason.INVALID_PRICE);
        assertThat(rejected(prices(NOW, 0.01, 0.3, 0.3)).message()).contains("must sum to 1 within 0.25");
        assertThat(rejected(prices(NOW, -0.01, 0.5, 0.5)).reason()).isEqualTo(RejectReason.INVALID_SPREAD);
        assertThat(rejected(prices(NOW, Double.NaN, 0.5, 0.5)).reason()).isEqualTo(RejectReason.INVALID_SPREAD);

        assertThat(TestMetrics.counter(registry, "m0_ingest_rejections_total", "reason", "invalid_odds"))
                .isEqualTo(3);
        assertThat(TestMetrics.counter(registry, "m0_ingest_rejections_total", "reason", "invalid_price"))
                .isEqualTo(4);
        assertThat(TestMetrics.counter(registry, "m0_ingest_events_total", "result", "rejected")).isEqualTo(16);
    }

    @Test
    void rejectedQuotesAreNotRemembered() {
        SourceQuote bad = odds("NBA_LAL_BOS", NOW, 2.5, 2.5);
        assertThat(rejected(bad).reason()).isEqualTo(RejectReason.NEGATIVE_MARGIN);
        assertThat(rejected(bad).reason()).isEqualTo(RejectReason.NEGATIVE_MARGIN);
        assertThat(ingestor.dedupSize()).isZero();
    }
}
