package com.m0club.app.cli;

import com.m0club.backtest.Backtest;
import com.m0club.backtest.BacktestSummary;
import com.m0club.backtest.Resolution;
import com.m0club.backtest.ResolutionsJsonl;
import com.m0club.protocol.registry.Market;
import com.m0club.store.registry.MarketsFile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code m0 backtest --quotes Q.jsonl [--resolutions R.jsonl] [--markets FILE] --out DIR}: loads the markets file
 * (default {@code config/markets.toml}) and runs m0-backtest's {@link Backtest} (docs/quant.md, "Backtest"). Malformed
 * quote lines are skipped and counted (the first {@value #SHOW_MALFORMED} are printed as {@code file:line: field:
 * rule}); a bad resolutions line is fatal. Prints a progress bar on stderr when attached to a terminal and one summary
 * line on stdout.
 */
public final class BacktestCommand {
    static final int SHOW_MALFORMED = 10;

    private BacktestCommand() {}

    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("backtest", argv, Set.of());
        Path quotes = Path.of(args.required("quotes", "a quotes file in the replay format (JSONL)"));
        Optional<Path> resolutions = args.option("resolutions").map(Path::of);
        Path marketsFile = Path.of(args.option("markets").orElse("config/markets.toml"));
        Path outDir = Path.of(args.required("out", "the output directory"));
        args.rejectUnknown();
        if (!Files.isRegularFile(quotes)) {
            throw new Args.UsageException("backtest: --quotes " + quotes + ": no such file");
        }
        if (resolutions.isPresent() && !Files.isRegularFile(resolutions.get())) {
            throw new Args.UsageException("backtest: --resolutions " + resolutions.get() + ": no such file");
        }
        if (!Files.isRegularFile(marketsFile)) {
            throw new Args.UsageException("backtest: --markets " + marketsFile + ": no such file");
        }
        List<Market> markets;
        try {
            markets = MarketsFile.read(marketsFile);
        } catch (RuntimeException e) {
            throw new Args.UsageException("backtest: --markets " + marketsFile + ": " + e.getMessage());
        }
        List<Resolution> resolved;
        try {
            resolved = resolutions.map(ResolutionsJsonl::read).orElse(List.of());
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("backtest: --resolutions " + e.getMessage());
        }
        boolean terminal = System.console() != null;
        long[] shown = {0};
        long started = System.nanoTime();
        BacktestSummary s;
        try {
            s = Backtest.builder().markets(markets).quotes(quotes).resolutions(resolved).outDir(outDir)
                    .progress(terminal ? bar(err) : Backtest.Progress.NONE)
                    .onMalformed(m -> {
                        if (shown[0]++ < SHOW_MALFORMED) {
                            err.println((terminal ? "\r" : "") + "m0 backtest: skipped " + m);
                        }
                    }).build().run();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("backtest: --resolutions: " + e.getMessage());
        }
        if (terminal) {
            err.println();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        out.println(summary(s, elapsed) + "; wrote " + outDir.resolve("outputs.jsonl")
                + (s.report() ? ", report.json, report.html" : ""));
        return 0;
    }

    static String summary(BacktestSummary s, double elapsedSeconds) {
        return String.format(Locale.ROOT, "backtest: %d quotes (%d accepted, %d rejected, %d malformed lines skipped),"
                + " %d ticks, %d outputs (%d published, %d blocked) in %.1f s (%.0f quotes/s)", s.quotes(),
                s.accepted(), s.rejected(), s.malformed(), s.ticks(), s.outputs(), s.published(), s.blocked(),
                elapsedSeconds, elapsedSeconds > 0 ? s.quotes() / elapsedSeconds : 0.0);
    }

    /** A one-line bar redrawn in place: {@code [#####.....]  52% 12.3/23.6 MB}. */
    static Backtest.Progress bar(PrintStream err) {
        return (read, total) -> {
            int width = 30;
            double f = total > 0 ? Math.min(1.0, (double) read / total) : 1.0;
            int filled = (int) Math.round(f * width);
            err.print(String.format(Locale.ROOT, "\r[%s%s] %3.0f%% %.1f/%.1f MB", "#".repeat(filled),
                    ".".repeat(width - filled), f * 100, read / 1e6, total / 1e6));
            err.flush();
        };
    }
}
