package com.m0club.engine.source;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;

/**
 * Writes quotes in the replay format, one line each. Owns the {@link Writer} it is given: {@link #close()} closes it.
 * Not thread-safe.
 */
public final class QuoteJsonlWriter implements Closeable, Flushable {
    private final Writer out;
    private long lines;

    public QuoteJsonlWriter(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Appends one line. */
    public void write(SourceQuote quote) {
        try {
            out.write(QuoteJsonl.toLine(quote));
            out.write('\n');
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("writing replay line " + (lines + 1), e);
        }
    }

    public void writeAll(Iterable<SourceQuote> quotes) {
        for (SourceQuote q : quotes) {
            write(q);
        }
    }

    /** Lines written so far. */
    public long lines() {
        return lines;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
