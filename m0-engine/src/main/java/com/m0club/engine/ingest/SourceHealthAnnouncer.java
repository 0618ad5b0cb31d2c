package com.m0club.engine.ingest;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a quote source's degraded set ({@link com.m0club.engine.source.QuoteSource#degradedSources()}) into the
 * {@link SourceHealth} reports the ingestor publishes: a degraded report when a (source, market) pair becomes degraded
 * and again every {@value #REPEAT_MS} ms while it stays so, and one healthy report when it recovers. Pure: the caller
 * passes the time. Not thread-safe (the ingest thread drives it).
 */
public final class SourceHealthAnnouncer {
    /** How often a degraded pair is reported again (well inside the aggregator's default TTL of 10 s). */
    public static final long REPEAT_MS = 2_000;

    private record Pair(SourceId source, MarketId market) {}

    private final Map<Pair, Long> lastDegradedReport = new HashMap<>();

    /**
     * The reports due at {@code nowMs}, in (source, market) order.
     *
     * @param degraded each degraded source with the markets it has quoted
     */
    public List<SourceHealth> update(Map<SourceId, Set<MarketId>> degraded, long nowMs) {
        Objects.requireNonNull(degraded, "degraded");
        TreeMap<SourceId, TreeSet<MarketId>> now = new TreeMap<>();
        degraded.forEach((s, ms) -> now.put(s, new TreeSet<>(ms)));
        List<SourceHealth> out = new ArrayList<>();
        TreeMap<SourceId, TreeSet<MarketId>> recovered = new TreeMap<>();
        for (Pair p : lastDegradedReport.keySet()) {
            TreeSet<MarketId> still = now.get(p.source());
            if (still == null || !still.contains(p.market())) {
                recovered.computeIfAbsent(p.source(), k -> new TreeSet<>()).add(p.market());
            }
        }
        recovered.forEach((s, ms) -> ms.forEach(m -> {
            lastDegradedReport.remove(new Pair(s, m));
            out.add(new SourceHealth(s, m, false, nowMs));
        }));
        now.forEach((s, ms) -> ms.forEach(m -> {
            Pair p = new Pair(s, m);
            Long last = lastDegradedReport.get(p);
            if (last == null || nowMs - last >= REPEAT_MS) {
                lastDegradedReport.put(p, nowMs);
                out.add(new SourceHealth(s, m, true, nowMs));
            }
        }));
        return out;
    }
}
