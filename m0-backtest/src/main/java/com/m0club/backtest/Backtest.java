package com.m0club.backtest;

import com.m0club.backtest.score.MarketScorer;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.ingest.IngestResult;
import com.m0club.engine.pipeline.EnginePipeline;
import com.m0club.engine.quant.QuantConfig;
import com.m0club.engine.source.QuoteFormatException;
import com.m0club.engine.source.QuoteJsonlReader;
import com.m0club.engine.source.SourceQuote;
import com.m0club.engine.source.replay.MalformedLine;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Replays a quotes file (the replay format of {@code QuoteJsonl}) in event time through the same ingest, aggregate
 * and quant code the live roles run ({@link EnginePipeline}: {@code Ingestor}, {@code Aggregator}, {@code QuantModel}
 * with {@code PriorFromPrevious}), writes {@code outputs.jsonl} and, given resolutions, {@code report.json} and
 * {@code report.html} (docs/quant.md, "Backtest").
 *
 * <p>Time: a {@link ReplayClock} that moves only to the quotes' and the ticks' times. A market starts ticking at the
 * first tick boundary at or after its first quote and ticks at every boundary of its cadence until the file's last
 * quote time; the tick at time {@code T} is evaluated after every quote with event time {@code <= T} read before a
 * later one (ties across markets go in canonical market order). A line whose time goes backwards is ingested at the
 * current clock (which does not go back), exactly as a late quote would be live.
 *
 * <p>Memory: the file is streamed line by line and outputs are written as they are produced; what is kept is per
 * market (the stages' state, the next tick, the scores). Malformed lines are skipped and counted, as
 * {@code JsonlReplaySource} does, and reported to the listener as {@code file:line: field: rule}.
 *
 * <p>Touches no live infrastructure: no database, event log, ledger or network. Not thread-safe; one run per object.
 */
public final class Backtest {
    /** How often (in lines) progress is reported. */
    static final int PROGRESS_EVERY = 4096;

    private final List<Market> markets;
    private final Path quotes;
    private final List<Resolution> resolutions;
    private final Path outDir;
    private final Progress progress;
    private final Consumer<MalformedLine> onMalformed;

    /** Told how far the replay got: bytes of the quotes file read so far, of {@code totalBytes}. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (read, total) -> { };

        void update(long bytesRead, long totalBytes);
    }

    private Backtest(Builder b) {
        this.markets = b.markets;
        this.quotes = b.quotes;
        this.resolutions = b.resolutions;
        this.outDir = b.outDir;
        this.progress = b.progress;
        this.onMalformed = b.onMalformed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the replay. Throws {@link UncheckedIOException} naming the file when a file cannot be read or written,
     * {@link IllegalArgumentException} when a resolution names a market or outcome the markets do not have.
     */
    public BacktestSummary run() {
        Map<MarketId, Market> byId = new LinkedHashMap<>();
        markets.stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(m -> byId.put(m.id(), m));
        Map<MarketId, MarketScorer> scorers = scorers(byId);
        ReplayClock clock = new ReplayClock(0);
        EnginePipeline pipeline = EnginePipeline.builder().markets(List.copyOf(byId.values())).clock(clock)
                .registry(new PrometheusRegistry()).aggregatorConfig(AggregatorConfig.DEFAULTS)
                .quantConfig(QuantConfig.DEFAULTS).build();
        List<MarketId> order = List.copyOf(byId.keySet());
        Map<MarketId, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i), i);
        }
        PriorityQueue<long[]> schedule = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
                : Long.compare(x[1], y[1]));
        boolean[] started = new boolean[order.size()];
        Counts c = new Counts();
        long total;
        try {
            Files.createDirectories(outDir);
            total = Files.size(quotes);
        } catch (IOException e) {
            throw new UncheckedIOException("backtest: " + e.getMessage(), e);
        }
        Path outputs = outDir.resolve("outputs.jsonl");
        try (CountingInputStream counting = new CountingInputStream(Files.newInputStream(quotes));
                QuoteJsonlReader reader = new QuoteJsonlReader(new InputStreamReader(counting,
                        StandardCharsets.UTF_8));
                Writer out = new BufferedWriter(Files.newBufferedWriter(outputs, StandardCharsets.UTF_8), 1 << 16)) {
            long lastTime = -1;
            progress.update(0, total);
            while (true) {
                Optional<SourceQuote> next;
                try {
                    next = reader.next();
                } catch (QuoteFormatException e) {
                    c.malformed++;
                    onMalformed.accept(malformed(e));
                    continue;
                }
                if (next.isEmpty()) {
                    break;
                }
                SourceQuote q = next.get();
                c.quotes++;
                fireBefore(q.eventTimeMs(), false, schedule, order, byId, pipeline, clock, scorers, out, c);
                clock.advanceTo(q.eventTimeMs());
                lastTime = Math.max(lastTime, q.eventTimeMs());
                IngestResult r = pipeline.push(q);
                if (r instanceof IngestResult.Accepted) {
                    c.accepted++;
                } else {
                    c.rejected++;
                }
                Integer idx = rank.get(q.market());
                if (idx != null && !started[idx]) {
                    started[idx] = true;
                    long cadence = byId.get(q.market()).schedule().publishCadenceMs();
                    long first = Math.ceilDiv(Math.max(0, q.eventTimeMs()), cadence) * cadence;
                    schedule.add(new long[] {first, idx});
                }
                if (reader.lineNumber() % PROGRESS_EVERY == 0) {
                    progress.update(counting.count, total);
                }
            }
            if (lastTime >= 0) {
                fireBefore(lastTime, true, schedule, order, byId, pipeline, clock, scorers, out, c);
            }
            progress.update(counting.count, total);
            c.bytes = counting.count;
        } catch (IOException e) {
            throw new UncheckedIOException("backtest: " + quotes + " or " + outputs + ": " + e.getMessage(), e);
        }
        boolean report = !resolutions.isEmpty();
        if (report) {
            new ReportWriter(byId, resolutions, scorers).write(outDir);
        }
        return new BacktestSummary(c.quotes, c.accepted, c.rejected, c.malformed, c.ticks, c.outputs, c.published,
                c.blocked, c.bytes, report);
    }

    /** Evaluates every scheduled tick before {@code timeMs} (or at it too when {@code inclusive}), in time order. */
    private static void fireBefore(long timeMs, boolean inclusive, PriorityQueue<long[]> schedule,
            List<MarketId> order, Map<MarketId, Market> byId, EnginePipeline pipeline, ReplayClock clock,
            Map<MarketId, MarketScorer> scorers, Writer out, Counts c) throws IOException {
        long lastTick = Long.MIN_VALUE;
        while (!schedule.isEmpty() && (schedule.peek()[0] < timeMs || (inclusive && schedule.peek()[0] == timeMs))) {
            long[] s = schedule.poll();
            long t = s[0];
            MarketId market = order.get((int) s[1]);
            clock.advanceTo(t);
            if (t != lastTick) {
                c.ticks++;
                lastTick = t;
            }
            Optional<EnginePipeline.Evaluation> ev = pipeline.evaluate(market, t);
            if (ev.isPresent()) {
                var output = ev.get().output();
                out.write(OutputsJsonl.toLine(output, t));
                out.write('\n');
                c.outputs++;
                if (output.isBlocked()) {
                    c.blocked++;
                } else {
                    c.published++;
                }
                MarketScorer scorer = scorers.get(market);
                if (scorer != null) {
                    scorer.add(ev.get().features(), output, t);
                }
            }
            schedule.add(new long[] {t + byId.get(market).schedule().publishCadenceMs(), s[1]});
        }
    }

    private Map<MarketId, MarketScorer> scorers(Map<MarketId, Market> byId) {
        Map<MarketId, MarketScorer> out = new LinkedHashMap<>();
        for (Resolution r : resolutions) {
            Market m = byId.get(r.market());
            if (m == null) {
                throw new IllegalArgumentException("resolutions: market " + r.market() + " is not in the markets");
            }
            int outcome = m.outcomes().indexOf(r.outcome());
            if (outcome < 0) {
                throw new IllegalArgumentException("resolutions: market " + r.market() + " has no outcome "
                        + r.outcome() + " (outcomes " + m.outcomes() + ")");
            }
            out.put(r.market(), new MarketScorer(r.market(), outcome, r.resolvedAtMs()));
        }
        return out;
    }

    private MalformedLine malformed(QuoteFormatException e) {
        String prefix = "line " + e.line() + ": " + e.field() + ": ";
        String message = e.getMessage();
        return new MalformedLine(quotes, Math.max(1, e.line()), e.field(),
                message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    private static final class Counts {
        long quotes;
        long accepted;
        long rejected;
        long malformed;
        long ticks;
        long outputs;
        long published;
        long blocked;
        long bytes;
    }

    /** Counts the bytes the reader pulled (ahead of the line being parsed by at most one buffer). */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Builder; {@code markets}, {@code quotes} and {@code outDir} are required. */
    public static final class Builder {
        private List<Market> markets = List.of();
        private Path quotes;
        private List<Resolution> resolutions = List.of();
        private Path outDir;
        private Progress progress = Progress.NONE;
        private Consumer<MalformedLine> onMalformed = m -> { };

        private Builder() {}

        /** The markets to replay (the markets file's, loaded by the caller); quotes of other markets are rejected. */
        public Builder markets(List<Market> markets) {
            this.markets = List.copyOf(Objects.requireNonNull(markets, "markets"));
            return this;
        }

        public Builder quotes(Path file) {
            this.quotes = Objects.requireNonNull(file, "quotes");
            return this;
        }

        /** How the markets resolved; with any, the report is written. */
        public Builder resolutions(List<Resolution> resolutions) {
            this.resolutions = List.copyOf(Objects.requireNonNull(resolutions, "resolutions"));
            return this;
        }

        public Builder outDir(Path dir) {
            this.outDir = Objects.requireNonNull(dir, "out_dir");
            return this;
        }

        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public Builder onMalformed(Consumer<MalformedLine> listener) {
            this.onMalformed = Objects.requireNonNull(listener, "on_malformed");
            return this;
        }

        public Backtest build() {
            if (markets.isEmpty()) {
                throw new IllegalArgumentException("markets: at least one market is required");
            }
            if (quotes == null) {
                throw new IllegalArgumentException("quotes: the quotes file is required");
            }
            if (outDir == null) {
                throw new IllegalArgumentException("out_dir: the output directory is required");
            }
            return new Backtest(this);
        }
    }
}
