package com.m0club.engine.source.replay;

import com.m0club.engine.source.QuoteFormatException;
import com.m0club.engine.source.QuoteJsonlReader;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.SourceQuote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replays a quotes file in the JSONL replay format ({@link com.m0club.engine.source.QuoteJsonl}) in file order, paced
 * by the quotes' own timestamps against the node clock.
 *
 * <p>Pacing: the file's time is re-based onto the node clock. The first {@link #poll} maps the first quote's
 * {@code event_time_ms} to that poll's {@code now}; every later quote is released at the first poll whose
 * {@code now} reaches its re-based time, and is handed on with {@code event_time_ms} re-based too, so ingest's
 * staleness and skew rules see the same ages the quotes had when they were recorded, whenever the file is replayed.
 * A line whose time goes backwards is released right after the line before it, with its own (earlier) re-based
 * time: file order is kept and no time is invented. At most
 * {@value #MAX_BATCH} quotes are released per poll; the rest follow on the next polls.
 *
 * <p>Malformed lines are skipped, not fatal: each is reported to the {@code onMalformed} listener as
 * {@code file:line: field: rule} ({@link MalformedLine}) and counted ({@link #malformedLines()} and
 * {@code m0_replay_lines_total{result="malformed"}}). At the end of the file the source stays open and every poll
 * returns an empty list; {@link #finished()} tells. An I/O error while reading is thrown from {@code poll}.
 */
public final class JsonlReplaySource implements QuoteSource {
    /** Most quotes released by one poll. */
    public static final int MAX_BATCH = 10_000;

    private final Path file;
    private final ReplayMetrics metrics;
    private final Consumer<MalformedLine> onMalformed;
    private QuoteJsonlReader reader;
    private boolean closed;
    private boolean endOfFile;
    private SourceQuote pending;
    private Long offsetMs;
    private long quotes;
    private long malformed;

    /**
     * @param file the replay file; read when {@link #start()} is called
     * @param metrics where lines are counted
     * @param onMalformed told of every malformed line (for example to log it)
     */
    public JsonlReplaySource(Path file, ReplayMetrics metrics, Consumer<MalformedLine> onMalformed) {
        this.file = Objects.requireNonNull(file, "file");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.onMalformed = Objects.requireNonNull(onMalformed, "onMalformed");
    }

    @Override
    public String name() {
        return "jsonl:" + file;
    }

    /** Opens the file; a missing or unreadable file is an {@link UncheckedIOException} naming it. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name() + ": closed; a replay source cannot be restarted");
        }
        if (reader != null) {
            throw new IllegalStateException(name() + ": already started");
        }
        try {
            reader = new QuoteJsonlReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("quote replay file " + file + ": cannot be read: " + e, e);
        }
    }

    @Override
    public synchronized List<SourceQuote> poll(Instant now) {
        Objects.requireNonNull(now, "now");
        if (reader == null || closed) {
            throw new IllegalStateException(name() + ": poll needs a started, open source");
        }
        long nowMs = now.toEpochMilli();
        List<SourceQuote> out = new ArrayList<>();
        while (out.size() < MAX_BATCH) {
            if (pending == null) {
                Optional<SourceQuote> next = readNext();
                if (next.isEmpty()) {
                    break;
                }
                pending = next.get();
            }
            if (offsetMs == null) {
                offsetMs = nowMs - pending.eventTimeMs();
            }
            long at = pending.eventTimeMs() + offsetMs;
            if (at > nowMs) {
                break;
            }
            out.add(new SourceQuote(pending.source(), pending.market(), at, pending.payload(), pending.traceId()));
            pending = null;
        }
        return out;
    }

    /** The next well-formed quote; malformed lines on the way are reported and counted. */
    private Optional<SourceQuote> readNext() {
        while (!endOfFile) {
            try {
                Optional<SourceQuote> q = reader.next();
                if (q.isEmpty()) {
                    endOfFile = true;
                    return q;
                }
                if (offsetMs != null && overflows(q.get().eventTimeMs(), offsetMs)) {
                    report(new QuoteFormatException(reader.lineNumber(), "event_time_ms",
                            "is too far from the file's first quote to re-base onto the node clock"));
                    continue;
                }
                quotes++;
                metrics.quote();
                return q;
            } catch (QuoteFormatException e) {
                report(e);
            }
        }
        return Optional.empty();
    }

    private static boolean overflows(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0;
    }

    private void report(QuoteFormatException e) {
        malformed++;
        metrics.malformed();
        onMalformed.accept(MalformedLine.of(file, e));
    }

    /** True once the whole file has been read and every quote released. */
    public synchronized boolean finished() {
        return endOfFile && pending == null;
    }

    /** Well-formed quotes read so far (released or waiting for their time). */
    public synchronized long quotesRead() {
        return quotes;
    }

    /** Malformed lines skipped so far. */
    public synchronized long malformedLines() {
        return malformed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing quote replay file " + file, e);
            }
        }
    }
}
