package com.m0club.bench.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.LedgerEvent;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuoteToRevealTrackerTest {
    private static final MarketId FAST = MarketId.of("FAST_M");
    private static final MarketId SLOW = MarketId.of("SLOW_M");
    private static final long W = 60_000;

    private final QuoteToRevealTracker tracker = new QuoteToRevealTracker(
            id -> Optional.ofNullable(id.equals(FAST) ? market(FAST, Tier.FAST, 1_000)
                    : id.equals(SLOW) ? market(SLOW, Tier.SLOW, 15_000) : null), 250);
    private long index;

    @Test
    void aQuoteIsContainedInTheFirstItemWhoseTickStartsAfterItsIngest() {
        tracker.open(0, 1_000_000);
        // epoch 10 starts at 600_000; tick 3 of a 1 s cadence starts at 603_000
        tracker.quoteIngested(quote(FAST, 602_100), 602_300);
        tracker.quoteIngested(quote(FAST, 602_900), 603_000); // ingested exactly at tick start: not in tick 3
        item(FAST, 10, 3, 604_500);
        item(FAST, 10, 4, 605_600);

        var report = tracker.report();
        var fast = report.byTier().get(Tier.FAST);
        assertThat(fast.latency().count()).isEqualTo(2);
        assertThat(fast.latency().p50()).isEqualTo(604_500 - 602_100);
        assertThat(fast.latency().max()).isEqualTo(605_600 - 602_900);
        assertThat(fast.ingestLag().max()).isEqualTo(200);
        assertThat(fast.waitForTick().p50()).isEqualTo(603_000 - 602_300);
        assertThat(fast.tickToAccepted().p50()).isEqualTo(1_500);
        assertThat(fast.itemInterval().p50()).isEqualTo(1_100);
        assertThat(report.quotesUnmatched()).isZero();
    }

    @Test
    void theOptimisticBracketCountsAQuoteIngestedInTheTicksFirstEngineTick() {
        tracker.open(0, 1_000_000);
        tracker.quoteIngested(quote(FAST, 603_050), 603_100);
        item(FAST, 10, 3, 604_500);
        item(FAST, 10, 4, 605_600);

        var fast = tracker.report().byTier().get(Tier.FAST);
        assertThat(fast.latency().p50()).isEqualTo(605_600 - 603_050);
        assertThat(fast.optimisticLatency().p50()).isEqualTo(604_500 - 603_050);
    }

    @Test
    void skippedTicksAndOtherMarketsDoNotMatch() {
        tracker.open(0, 1_000_000);
        tracker.quoteIngested(quote(SLOW, 600_500), 600_600);
        item(FAST, 10, 5, 606_000); // another market
        item(SLOW, 10, 0, 601_000); // tick 0 started at 600_000, before the ingest
        assertThat(tracker.report().quotesUnmatched()).isEqualTo(1);

        item(SLOW, 10, 2, 631_000); // tick 1 was never published; tick 2 starts at 630_000
        var report = tracker.report();
        assertThat(report.byTier().get(Tier.SLOW).latency().p50()).isEqualTo(631_000 - 600_500);
        assertThat(report.quotesUnmatched()).isZero();
        assertThat(report.overall().latency().count()).isEqualTo(1);
    }

    @Test
    void quotesOutsideTheWindowAreNotMeasured() {
        tracker.open(602_000, 603_000);
        tracker.quoteIngested(quote(FAST, 601_900), 601_950);
        tracker.quoteIngested(quote(FAST, 603_000), 603_000);
        item(FAST, 10, 4, 605_000);
        var report = tracker.report();
        assertThat(report.quotesSeen()).isEqualTo(2);
        assertThat(report.quotesMeasured()).isZero();
        assertThat(report.overall().latency().isEmpty()).isTrue();
    }

    @Test
    void commitToRevealIsMeasuredPerSequence() {
        tracker.open(0, 1_000_000);
        tracker.ledgerEvent(new LedgerEvent.Committed(index++, 1, 600_000, "tx", hash(), 1, 7));
        tracker.ledgerEvent(new LedgerEvent.Revealed(index++, 2, 600_420, "tx", hash(), 1, 7, hash(), List.of(FAST)));
        assertThat(tracker.report().commitToReveal().p50()).isEqualTo(420);
        assertThat(tracker.report().bundlesRevealed()).isEqualTo(1);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i;
        }
        LatencyStats s = LatencyStats.of(samples);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
        assertThat(LatencyStats.of(new long[] {7}).p99()).isEqualTo(7);
        assertThat(LatencyStats.of(new long[0]).isEmpty()).isTrue();
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> DriverOptions.parse(new String[] {"--minutes", "0"}))
                .hasMessageContaining("--minutes: must be > 0");
        assertThatThrownBy(() -> DriverOptions.parse(new String[] {"--warmup-seconds", "x"}))
                .hasMessageContaining("--warmup-seconds: must be a number");
        assertThatThrownBy(() -> DriverOptions.parse(new String[] {"--frobnicate", "1"}))
                .hasMessageContaining("unknown option --frobnicate");
        assertThat(DriverOptions.parse(new String[] {"--minutes", "0.5"}).measure().toSeconds()).isEqualTo(30);
    }

    private void item(MarketId market, long epoch, long tick, long timeMs) {
        tracker.ledgerEvent(new LedgerEvent.ItemAccepted(index++, timeMs / 400, timeMs, "tx", market, epoch, tick,
                hash(), 0));
    }

    private static SourceQuote quote(MarketId market, long eventTimeMs) {
        return new SourceQuote(SourceId.of("src_a"), market, eventTimeMs,
                QuotePayload.ExchangePrices.of(Map.of(OutcomeId.of("A"), 0.5, OutcomeId.of("B"), 0.5), 0.01), "trace-1");
    }

    private static Hash32 hash() {
        return Hash32.of(new byte[32]);
    }

    private static Market market(MarketId id, Tier tier, long cadenceMs) {
        return new Market(id, Domain.CRYPTO, "test market " + id, tier,
                List.of(OutcomeId.of("A"), OutcomeId.of("B")), new EpochSchedule(W, cadenceMs),
                LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
    }
}
