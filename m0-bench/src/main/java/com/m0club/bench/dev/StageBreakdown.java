package com.m0club.bench.dev;

import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the time from a tick's start to its item's reveal goes, read back from the ledger after a run: the
 * bundle header's {@code produced_at_ms} (when the bundler sealed its publish round) and the ledger times of the
 * commitment and the reveal split it into three stages.
 *
 * <ol>
 *   <li><b>tick start to bundle produced</b>, per item: the aggregator's first pass over the tick (0 to one engine
 *       tick), the model, and the wait for the bundler to close the 1 s publish round the output fell in;</li>
 *   <li><b>produced to committed</b>, per bundle: m-of-n signatures from the signer agents over loopback HTTP, the
 *       PostgreSQL writes, the commitment;</li>
 *   <li><b>committed to revealed</b>, per bundle: the one-slot (400 ms) minimum reveal delay, polled every 100 ms.</li>
 * </ol>
 *
 * Pure: events and header lookups in, figures out.
 */
public record StageBreakdown(LatencyStats tickToProduced, LatencyStats producedToCommitted,
        LatencyStats committedToRevealed, LatencyStats tickToRevealed) {

    /**
     * @param events the ledger's events in index order
     * @param headers the header of a revealed bundle by bundle hash
     * @param markets the registry, for tick start times
     * @param fromMs only bundles revealed at or after this ledger time count
     */
    public static StageBreakdown of(List<LedgerEvent> events, Function<Hash32, Optional<BundleHeader>> headers,
            Function<MarketId, Optional<Market>> markets, long fromMs) {
        Map<Hash32, Long> committedAt = new HashMap<>();
        Map<Hash32, Long> producedAt = new HashMap<>();
        Samples tickToProduced = new Samples();
        Samples producedToCommitted = new Samples();
        Samples committedToRevealed = new Samples();
        Samples tickToRevealed = new Samples();
        for (LedgerEvent e : events) {
            switch (e) {
                case LedgerEvent.Committed c -> committedAt.put(c.commitHash(), c.timeMs());
                case LedgerEvent.Revealed r -> {
                    Long committed = committedAt.get(r.commitHash());
                    Optional<BundleHeader> header = headers.apply(r.bundleHash());
                    if (r.timeMs() < fromMs || committed == null || header.isEmpty()) {
                        continue;
                    }
                    producedAt.put(r.bundleHash(), header.get().producedAtMs());
                    producedToCommitted.add(committed - header.get().producedAtMs());
                    committedToRevealed.add(r.timeMs() - committed);
                }
                case LedgerEvent.ItemAccepted item -> {
                    Long produced = producedAt.get(item.bundleHash());
                    Optional<Market> market = markets.apply(item.market());
                    if (produced == null || market.isEmpty()) {
                        continue;
                    }
                    long tickStart = QuoteToRevealTracker.tickStartMs(market.get(), item);
                    tickToProduced.add(produced - tickStart);
                    tickToRevealed.add(item.timeMs() - tickStart);
                }
                case LedgerEvent.EpochFinalized f -> {
                    // not part of the reveal path
                }
            }
        }
        return new StageBreakdown(tickToProduced.stats(), producedToCommitted.stats(), committedToRevealed.stats(),
                tickToRevealed.stats());
    }

    public void print(PrintStream out) {
        String row = "%-36s %7s %7s %7s %7s %7s %8s%n";
        out.println("Tick start -> reveal, by stage, ms (bundle header produced_at_ms and ledger times)");
        ReportTable.header(out, row, "stage");
        ReportTable.row(out, row, "tick start -> bundle produced (item)", tickToProduced);
        ReportTable.row(out, row, "produced -> committed (bundle)", producedToCommitted);
        ReportTable.row(out, row, "committed -> revealed (bundle)", committedToRevealed);
        ReportTable.row(out, row, "tick start -> revealed (item)", tickToRevealed);
        out.println();
    }
}
