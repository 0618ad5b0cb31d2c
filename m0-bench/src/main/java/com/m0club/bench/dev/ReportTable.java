package com.m0club.bench.dev;

import com.m0club.bench.dev.QuoteToRevealTracker.Figures;
import com.m0club.bench.dev.QuoteToRevealTracker.Report;
import com.m0club.protocol.registry.Tier;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Function;

/** Prints a {@link Report} as plain-text tables (milliseconds), the form docs/benchmarks.md quotes. */
public final class ReportTable {
    private static final String ROW = "%-8s %7s %7s %7s %7s %7s %8s%n";

    private ReportTable() {}

    public static void print(Report report, PrintStream out) {
        breakdown(out, "Quote-to-reveal latency, ms (ItemAccepted ledger time - quote event time)", report,
                Figures::latency);
        breakdown(out,
                "Same, optimistic bracket (a quote ingested in a tick's first engine tick counted in that tick)",
                report, Figures::optimisticLatency);
        breakdown(out, "Breakdown per matched quote, ms: ingest lag (t_in - t_q)", report, Figures::ingestLag);
        breakdown(out, "Breakdown per matched quote, ms: wait for the next tick to start (tick start - t_in)", report,
                Figures::waitForTick);
        breakdown(out, "Breakdown per matched quote, ms: tick start -> revealed (ItemAccepted - tick start)", report,
                Figures::tickToAccepted);
        breakdown(out, "Per accepted item, ms: item age at reveal (ItemAccepted - tick start)", report,
                Figures::itemAge);
        breakdown(out, "Per accepted item, ms: interval between consecutive items of one market", report,
                Figures::itemInterval);
        out.println("Per revealed bundle, ms: commit -> reveal (ledger times)");
        header(out, ROW, "");
        row(out, ROW, "bundles", report.commitToReveal());
        out.println();
        out.printf(Locale.ROOT, "quotes tapped %d, in the window %d, matched %d, unmatched at the end %d%n",
                report.quotesSeen(), report.quotesMeasured(), report.quotesMatched(), report.quotesUnmatched());
        out.printf(Locale.ROOT, "ledger: %d bundles revealed, %d items accepted (%d of unknown markets),"
                + " %d epochs finalized while subscribed%n", report.bundlesRevealed(), report.itemsAccepted(),
                report.itemsOfUnknownMarket(), report.epochsFinalized());
    }

    private static void breakdown(PrintStream out, String title, Report report,
            Function<Figures, LatencyStats> pick) {
        out.println(title);
        header(out, ROW, "tier");
        for (Tier tier : Tier.values()) {
            Figures f = report.byTier().get(tier);
            if (f != null) {
                row(out, ROW, tier.name(), pick.apply(f));
            }
        }
        row(out, ROW, "all", pick.apply(report.overall()));
        out.println();
    }

    /** The column headings for rows printed with {@code format} (a first column and the six figures). */
    static void header(PrintStream out, String format, String first) {
        out.printf(Locale.ROOT, format, first, "count", "p50", "p95", "p99", "max", "mean");
    }

    /** One row of figures; an empty summary prints a count of 0 and dashes. */
    static void row(PrintStream out, String format, String name, LatencyStats s) {
        if (s.isEmpty()) {
            out.printf(Locale.ROOT, format, name, "0", "-", "-", "-", "-", "-");
            return;
        }
        out.printf(Locale.ROOT, format, name, s.count(), s.p50(), s.p95(), s.p99(), s.max(),
                String.format(Locale.ROOT, "%.0f", s.mean()));
    }
}
