package com.m0club.engine.source;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Several quote sources as one (for example {@code quote_source = simulator,connectors}): {@link #poll} returns each
 * part's quotes in the order the parts were given, {@link #degradedSources()} the union of theirs. Start starts the
 * parts in order and, when one fails, closes those already started before rethrowing; close closes every part in
 * reverse order, even when one throws (the first failure is rethrown with the others suppressed).
 */
public final class CombinedQuoteSource implements QuoteSource {
    private final List<QuoteSource> parts;
    private boolean closed;

    /** @param parts two or more sources */
    public CombinedQuoteSource(List<? extends QuoteSource> parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.size() < 2) {
            throw new IllegalArgumentException("parts: a combined source needs at least two sources, got "
                    + parts.size());
        }
        this.parts = List.copyOf(parts);
    }

    /** The parts, in poll order. */
    public List<QuoteSource> parts() {
        return parts;
    }

    @Override
    public String name() {
        return parts.stream().map(QuoteSource::name).collect(Collectors.joining(","));
    }

    @Override
    public void start() {
        List<QuoteSource> started = new ArrayList<>();
        try {
            for (QuoteSource p : parts) {
                p.start();
                started.add(p);
            }
        } catch (RuntimeException e) {
            for (QuoteSource p : started.reversed()) {
                try {
                    p.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    @Override
    public List<SourceQuote> poll(Instant now) {
        List<SourceQuote> out = new ArrayList<>();
        for (QuoteSource p : parts) {
            out.addAll(p.poll(now));
        }
        return out;
    }

    @Override
    public Map<SourceId, Set<MarketId>> degradedSources() {
        TreeMap<SourceId, Set<MarketId>> all = new TreeMap<>();
        for (QuoteSource p : parts) {
            p.degradedSources().forEach((s, ms) -> all.computeIfAbsent(s, k -> new TreeSet<>()).addAll(ms));
        }
        return all;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (QuoteSource p : parts.reversed()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
