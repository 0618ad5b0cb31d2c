package com.m0club.devkit.sim;

import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.SourceQuote;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The market simulator as a {@link QuoteSource}: each poll advances the {@link Simulator} to the node clock's time
 * and returns the quotes emitted since the previous poll, ordered as {@link Simulator#advanceTo} orders them. The
 * default source of {@code m0 dev} ({@code quote_source = "simulator"}).
 */
public final class SimulatorSource implements QuoteSource {
    private final Simulator simulator;
    private boolean started;
    private boolean closed;

    public SimulatorSource(Simulator simulator) {
        this.simulator = Objects.requireNonNull(simulator, "simulator");
    }

    @Override
    public String name() {
        return "simulator";
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("simulator: closed; a quote source cannot be restarted");
        }
        started = true;
    }

    @Override
    public synchronized List<SourceQuote> poll(Instant now) {
        Objects.requireNonNull(now, "now");
        if (!started || closed) {
            throw new IllegalStateException("simulator: poll needs a started, open source");
        }
        return simulator.advanceTo(now.toEpochMilli());
    }

    /** The simulator behind this source (its truth, for scoring). */
    public Simulator simulator() {
        return simulator;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
