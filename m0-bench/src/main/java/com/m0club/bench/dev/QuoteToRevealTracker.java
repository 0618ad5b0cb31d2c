package com.m0club.bench.dev;

import com.m0club.chain.LedgerEvent;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Matches simulated quotes to the ledger items that first reflect them and collects the quote-to-reveal latency.
 *
 * <p><b>The rule.</b> A quote {@code q} for market {@code M}, with event time {@code t_q} (the simulator's
 * {@link SourceQuote#eventTimeMs()}) handed to the ingestor at {@code t_in}, is <i>contained</i> in the first item of
 * {@code M} the ledger accepts ({@link LedgerEvent.ItemAccepted}) whose tick starts strictly after {@code t_in}:
 * {@code window_start(epoch) + tick * cadence > t_in}. Its latency is that item's ledger time
 * ({@code ItemAccepted.timeMs}, the reveal) minus {@code t_q}.
 *
 * <p>Why that rule: the aggregator emits a tick's feature vector on its first engine tick at or after the tick's start,
 * from the latest event of every source it holds by then. A quote ingested before the tick starts is therefore in
 * that vector (or was superseded by a newer quote of the same source, which is the point of publishing), and so in the
 * model output and the item. The rule is conservative: a quote ingested in the first moments of a tick, before the
 * aggregator's first pass over that tick, did make that tick, and the rule gives it to the next published tick
 * instead. The size of that effect is bracketed by the <i>optimistic</i> rule, computed alongside: tick start plus
 * one engine tick {@code > t_in}, as if every quote ingested during the aggregator's first engine tick of a tick had
 * made it. Quotes that ingest rejects are matched like any other (they were offered; nothing later contains them
 * better); the driver reports how many ingest rejected.
 *
 * <p>Only quotes ingested inside the measurement window ({@link #open}) are measured, so start-up and the final
 * drain do not skew the figures. Thread-safe: the ingestor thread calls {@link #quoteIngested}, the ledger's
 * dispatcher {@link #ledgerEvent}, the driver {@link #report}.
 */
public final class QuoteToRevealTracker {
    private final Function<MarketId, Optional<Market>> markets;
    private final long engineTickMs;
    private final Map<MarketId, MarketState> byMarket = new HashMap<>();
    private final Map<Hash32, Long> commitTimeByCommitHash = new HashMap<>();
    private final Samples commitToReveal = new Samples();
    private long fromMs = Long.MAX_VALUE;
    private long untilMs = Long.MIN_VALUE;
    private long quotesSeen;
    private long quotesMeasured;
    private long itemsAccepted;
    private long itemsOfUnknownMarket;
    private long bundlesRevealed;
    private long epochsFinalized;

    /**
     * @param markets the registry as the ledger holds it (tier and epoch schedule per market), e.g.
     *     {@code ledger::market}
     * @param engineTickMs the engine tick, for the optimistic bracket (250 ms in {@code m0 dev})
     */
    public QuoteToRevealTracker(Function<MarketId, Optional<Market>> markets, long engineTickMs) {
        this.markets = Objects.requireNonNull(markets, "markets");
        if (engineTickMs < 0) {
            throw new IllegalArgumentException("engine_tick_ms: must be >= 0, got " + engineTickMs);
        }
        this.engineTickMs = engineTickMs;
    }

    /** Measures quotes ingested in {@code [fromMs, untilMs)} and items accepted in the same span or after. */
    public synchronized void open(long fromMs, long untilMs) {
        if (untilMs <= fromMs) {
            throw new IllegalArgumentException("measurement window: until (" + untilMs + ") must be after from ("
                    + fromMs + ")");
        }
        this.fromMs = fromMs;
        this.untilMs = untilMs;
    }

    /** One quote handed to the ingestor at {@code ingestMs} (the quote tap). */
    public void quoteIngested(SourceQuote quote, long ingestMs) {
        Optional<Market> market = markets.apply(quote.market()); // outside the lock: it may read the ledger
        synchronized (this) {
            quotesSeen++;
            if (ingestMs < fromMs || ingestMs >= untilMs) {
                return;
            }
            quotesMeasured++;
            Pending p = new Pending(quote.eventTimeMs(), ingestMs);
            MarketState m = state(quote.market(), market);
            m.conservative.addLast(p);
            m.optimistic.addLast(p);
        }
    }

    /** Every ledger event, in index order (the ledger subscription). */
    public void ledgerEvent(LedgerEvent event) {
        Optional<Market> market = event instanceof LedgerEvent.ItemAccepted item
                ? markets.apply(item.market()) : Optional.empty(); // outside the lock: it may read the ledger
        synchronized (this) {
            apply(event, market);
        }
    }

    private void apply(LedgerEvent event, Optional<Market> market) {
        switch (event) {
            case LedgerEvent.Committed c -> commitTimeByCommitHash.put(c.commitHash(), c.timeMs());
            case LedgerEvent.Revealed r -> {
                bundlesRevealed++;
                Long committed = commitTimeByCommitHash.remove(r.commitHash());
                if (committed != null && r.timeMs() >= fromMs) {
                    commitToReveal.add(r.timeMs() - committed);
                }
            }
            case LedgerEvent.ItemAccepted item -> itemAccepted(item, market);
            case LedgerEvent.EpochFinalized f -> epochsFinalized++;
        }
    }

    private void itemAccepted(LedgerEvent.ItemAccepted item, Optional<Market> market) {
        itemsAccepted++;
        if (market.isEmpty()) {
            itemsOfUnknownMarket++;
            return;
        }
        long tickStart = tickStartMs(market.get(), item);
        MarketState m = state(item.market(), market);
        SampleSet samples = m.samples;
        long accepted = item.timeMs();
        if (accepted >= fromMs) {
            samples.itemAge.add(accepted - tickStart);
            if (m.lastAcceptedMs >= fromMs) {
                samples.itemInterval.add(accepted - m.lastAcceptedMs);
            }
        }
        m.lastAcceptedMs = accepted;
        while (!m.conservative.isEmpty() && m.conservative.peekFirst().ingestMs() < tickStart) {
            Pending p = m.conservative.removeFirst();
            samples.latency.add(accepted - p.eventMs());
            samples.ingestLag.add(p.ingestMs() - p.eventMs());
            samples.waitForTick.add(tickStart - p.ingestMs());
            samples.tickToAccepted.add(accepted - tickStart);
        }
        while (!m.optimistic.isEmpty() && m.optimistic.peekFirst().ingestMs() < tickStart + engineTickMs) {
            samples.optimisticLatency.add(accepted - m.optimistic.removeFirst().eventMs());
        }
    }

    /** When the tick of an accepted item started: its epoch's window start plus tick times the market's cadence. */
    static long tickStartMs(Market market, LedgerEvent.ItemAccepted item) {
        EpochSchedule schedule = market.schedule();
        return schedule.epoch(item.epochId()).startMs() + item.tick() * schedule.publishCadenceMs();
    }

    private MarketState state(MarketId id, Optional<Market> market) {
        MarketState m = byMarket.computeIfAbsent(id, k -> new MarketState());
        market.ifPresent(value -> m.tier = value.tier());
        return m;
    }

    /** The figures so far; quotes of the window still waiting for an item count as unmatched. */
    public synchronized Report report() {
        Map<Tier, SampleSet> tiers = new EnumMap<>(Tier.class);
        SampleSet all = new SampleSet();
        long unmatched = 0;
        long matched = 0;
        for (MarketState m : byMarket.values()) {
            unmatched += m.conservative.size();
            matched += m.samples.latency.size();
            if (m.tier != null) {
                tiers.computeIfAbsent(m.tier, t -> new SampleSet()).addAll(m.samples);
            }
            all.addAll(m.samples);
        }
        Map<Tier, Figures> byTier = new EnumMap<>(Tier.class);
        tiers.forEach((tier, samples) -> byTier.put(tier, samples.figures()));
        return new Report(byTier, all.figures(), commitToReveal.stats(), quotesSeen,
                quotesMeasured, matched, unmatched, itemsAccepted, itemsOfUnknownMarket, bundlesRevealed,
                epochsFinalized);
    }

    /**
     * The latency figures of one tier (or of all markets).
     *
     * @param latency quote event time to reveal, by the rule above
     * @param optimisticLatency the same by the optimistic bracket
     * @param ingestLag {@code t_in - t_q}: how long the quote waited for the ingestor's next poll
     * @param waitForTick tick start minus {@code t_in}: how long it waited for a published tick to start
     * @param tickToAccepted reveal time minus tick start, per matched quote
     * @param itemAge reveal time minus tick start, per accepted item
     * @param itemInterval time between consecutive accepted items of one market
     */
    public record Figures(LatencyStats latency, LatencyStats optimisticLatency, LatencyStats ingestLag,
            LatencyStats waitForTick, LatencyStats tickToAccepted, LatencyStats itemAge, LatencyStats itemInterval) {}

    /** Everything a run measured. */
    public record Report(Map<Tier, Figures> byTier, Figures overall, LatencyStats commitToReveal, long quotesSeen,
            long quotesMeasured, long quotesMatched, long quotesUnmatched, long itemsAccepted,
            long itemsOfUnknownMarket, long bundlesRevealed, long epochsFinalized) {
        public Report {
            byTier = Map.copyOf(byTier);
        }
    }

    private record Pending(long eventMs, long ingestMs) {}

    private static final class MarketState {
        final Deque<Pending> conservative = new ArrayDeque<>();
        final Deque<Pending> optimistic = new ArrayDeque<>();
        final SampleSet samples = new SampleSet();
        Tier tier; // null until the market is known to the registry
        long lastAcceptedMs = Long.MIN_VALUE;
    }

    /** The samples behind one {@link Figures}: of one market, or pooled over several. */
    private static final class SampleSet {
        final Samples latency = new Samples();
        final Samples optimisticLatency = new Samples();
        final Samples ingestLag = new Samples();
        final Samples waitForTick = new Samples();
        final Samples tickToAccepted = new Samples();
        final Samples itemAge = new Samples();
        final Samples itemInterval = new Samples();

        void addAll(SampleSet other) {
            latency.addAll(other.latency);
            optimisticLatency.addAll(other.optimisticLatency);
            ingestLag.addAll(other.ingestLag);
            waitForTick.addAll(other.waitForTick);
            tickToAccepted.addAll(other.tickToAccepted);
            itemAge.addAll(other.itemAge);
            itemInterval.addAll(other.itemInterval);
        }

        Figures figures() {
            return new Figures(latency.stats(), optimisticLatency.stats(), ingestLag.stats(), waitForTick.stats(),
                    tickToAccepted.stats(), itemAge.stats(), itemInterval.stats());
        }
    }
}
