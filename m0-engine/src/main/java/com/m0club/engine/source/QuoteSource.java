package com.m0club.engine.source;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the ingestor's quotes come from: the port every feed implements (the market simulator of m0-devkit, the
 * JSONL replay source, and later one adapter per real feed). The ingest role pulls: once per engine tick it calls
 * {@link #poll} with the node clock's time and hands every quote returned to ingest, which trusts nothing in them.
 *
 * <p>Lifecycle: {@link #start} once (opens what the source reads; a source that cannot start throws, naming what is
 * wrong), then {@link #poll} from one thread, then {@link #close} (idempotent; a closed source cannot be restarted).
 * {@code poll} before {@code start} or after {@code close} is an {@link IllegalStateException}. Implementations need
 * not be thread-safe: one ingest thread drives a source.
 */
public interface QuoteSource extends AutoCloseable {

    /** A short name for logs and metrics, e.g. {@code simulator} or {@code jsonl:/data/quotes.jsonl}. */
    String name();

    /** Opens the source. Throws an unchecked exception naming the problem when it cannot. */
    void start();

    /**
     * The quotes that became available up to {@code now}, in the order ingest should see them; empty when none did.
     * {@code now} never goes backwards between calls.
     */
    List<SourceQuote> poll(Instant now);

    /**
     * The sources whose connector is degraded right now (it kept failing; quality flag {@code CONNECTOR_DEGRADED}),
     * each with the markets it has quoted, so the ingestor can flag those markets (docs/quant.md, "Connector
     * health"). Sources without connectors of their own (the simulator, a replay file) are never degraded: the
     * default is empty. Called from the ingest thread, like {@link #poll}.
     */
    default Map<SourceId, Set<MarketId>> degradedSources() {
        return Map.of();
    }

    /** Releases what {@link #start} opened. Idempotent. */
    @Override
    void close();
}
