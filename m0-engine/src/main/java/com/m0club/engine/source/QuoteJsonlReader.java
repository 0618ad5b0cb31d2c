package com.m0club.engine.source;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads quotes in the replay format. Blank lines are skipped; any other malformed line is a
 * {@link QuoteFormatException} naming the line, so a bad replay file stops at the first error instead of silently
 * skipping data. Owns the {@link Reader} it is given. Not thread-safe.
 */
public final class QuoteJsonlReader implements Closeable {
    private final BufferedReader in;
    private long lineNumber;

    public QuoteJsonlReader(Reader in) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
    }

    /** The next quote, or empty at the end of input. */
    public Optional<SourceQuote> next() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    return Optional.of(QuoteJsonl.parseLine(line, lineNumber));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading replay line " + (lineNumber + 1), e);
        }
    }

    /** Every remaining quote. */
    public List<SourceQuote> readAll() {
        List<SourceQuote> out = new ArrayList<>();
        for (Optional<SourceQuote> q = next(); q.isPresent(); q = next()) {
            out.add(q.get());
        }
        return out;
    }

    /** The number of the last line read (1-based). */
    public long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
