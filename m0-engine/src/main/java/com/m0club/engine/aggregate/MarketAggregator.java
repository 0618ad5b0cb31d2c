package com.m0club.engine.aggregate;

import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.id.SourceId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One market's aggregation state: each source's latest event and the last tick emitted.
 *
 * <p><b>Single writer.</b> An instance belongs to exactly one thread (the shard that owns the market's partition);
 * it has no locks and must not be shared. Scaling out means more shards, each with its own markets, never two threads
 * on one market.
 */
public final class MarketAggregator {
    private final Market market;
    private final AggregatorConfig config;
    private final long stalenessLimitMs;
    private final int sourcesExpected;
    private final TreeMap<SourceId, NormalizedEvent> latest = new TreeMap<>();
    /** Per source, its latest connector health report (dropped once older than the TTL). */
    private final TreeMap<SourceId, SourceHealth> health = new TreeMap<>();
    private long lastEpoch = -1;
    private long lastTick = -1;
    private long eventsSinceTick;
    private long lateSinceTick;

    public MarketAggregator(Market market, AggregatorConfig config) {
        this.market = market;
        this.config = config;
        this.stalenessLimitMs = config.staleness().limitMs(market.domain());
        this.sourcesExpected = config.sourcesExpectedFor(market.id());
    }

    public Market market() {
        return market;
    }

    /**
     * Keeps {@code event} if it is newer than its source's current evidence: later event time, or the same time and a
     * larger event id (an arbitrary but deterministic tie-break, so replays in any order end in the same state).
     */
    public AcceptOutcome accept(NormalizedEvent event) {
        if (!event.market().equals(market.id())) {
            throw new IllegalArgumentException("event.market: " + event.market() + " sent to the aggregator of "
                    + market.id());
        }
        NormalizedEvent current = latest.get(event.source());
        if (current != null) {
            if (current.eventId().equals(event.eventId())) {
                return AcceptOutcome.DUPLICATE;
            }
            boolean newer = event.eventTimeMs() > current.eventTimeMs()
                    || (event.eventTimeMs() == current.eventTimeMs()
                            && event.eventId().compareTo(current.eventId()) > 0);
            if (!newer) {
                lateSinceTick++;
                return AcceptOutcome.LATE;
            }
        }
        latest.put(event.source(), event);
        eventsSinceTick++;
        return AcceptOutcome.UPDATED;
    }

    /**
     * Folds one connector health report: a degraded report raises CONNECTOR_DEGRADED on this market's feature vectors
     * until it is {@code source_health_ttl_ms} old or a later healthy report for the source clears it. A report older
     * than the one held for its source is ignored (a repeat delivered late must not undo a recovery).
     */
    public void health(SourceHealth report) {
        if (!report.market().equals(market.id())) {
            throw new IllegalArgumentException("report.market: " + report.market() + " sent to the aggregator of "
                    + market.id());
        }
        SourceHealth held = health.get(report.source());
        if (held == null || report.atMs() >= held.atMs()) {
            health.put(report.source(), report);
        }
    }

    /**
     * The feature vector for the tick containing {@code nowMs}, or empty if that tick (or a later one) was already
     * emitted. Ages are measured from {@code nowMs}; a source whose latest event is older than the domain's staleness
     * limit is left out and raises STALE_SOURCE; fewer than {@code minSources} fresh sources raise LOW_COVERAGE; late
     * events dropped since the previous vector raise LATE_DATA_DROPPED; a degraded connector report younger than
     * {@code source_health_ttl_ms} raises CONNECTOR_DEGRADED.
     */
    public Optional<FeatureVector> tick(long nowMs) {
        EpochSchedule.Tick t = market.schedule().tickAt(nowMs);
        long epoch = t.epoch().id();
        if (epoch < lastEpoch || (epoch == lastEpoch && t.index() <= lastTick)) {
            return Optional.empty();
        }
        long evictBefore = nowMs - stalenessLimitMs * (long) config.evictAfterStalenessMultiple();
        List<SourceEvidence> fresh = new ArrayList<>();
        int stale = 0;
        NormalizedEvent newest = null;
        for (Iterator<Map.Entry<SourceId, NormalizedEvent>> it = latest.entrySet().iterator(); it.hasNext();) {
            NormalizedEvent e = it.next().getValue();
            long age = Math.max(0, nowMs - e.eventTimeMs());
            if (age > stalenessLimitMs) {
                stale++;
                if (e.eventTimeMs() < evictBefore) {
                    it.remove();
                }
                continue;
            }
            fresh.add(new SourceEvidence(e.source(), e.eventId(), e.kind(), e.payload().probabilities(),
                    e.eventTimeMs(), age, e.payload().margin(), e.payload().uncertainty()));
            if (newest == null || e.eventTimeMs() > newest.eventTimeMs()) {
                newest = e;
            }
        }
        long flags = 0;
        if (stale > 0) {
            flags |= QualityFlag.STALE_SOURCE.mask();
        }
        boolean lowCoverage = fresh.size() < config.minSources();
        if (lowCoverage) {
            flags |= QualityFlag.LOW_COVERAGE.mask();
        }
        if (lateSinceTick > 0) {
            flags |= QualityFlag.LATE_DATA_DROPPED.mask();
        }
        health.values().removeIf(h -> nowMs - h.atMs() > config.sourceHealthTtlMs());
        if (health.values().stream().anyMatch(SourceHealth::degraded)) {
            flags |= QualityFlag.CONNECTOR_DEGRADED.mask();
        }
        long windowStart = t.epoch().startMs();
        long windowEnd = t.epoch().endMs();
        String trace = newest != null ? newest.traceId()
                : "fv-" + FeatureVector.windowKey(market.id(), epoch, t.index(), windowStart, windowEnd).toHex()
                        .substring(0, 32);
        Coverage coverage = new Coverage(sourcesExpected, fresh.size(), stale, eventsSinceTick, lateSinceTick);
        FeatureVector fv = FeatureVector.of(market.id(), epoch, t.index(), windowStart, windowEnd, t.startMs(),
                t.endMs(), nowMs, stalenessLimitMs, fresh, coverage, flags, trace);
        lastEpoch = epoch;
        lastTick = t.index();
        eventsSinceTick = 0;
        lateSinceTick = 0;
        return Optional.of(fv);
    }

    /** Sources currently held (fresh or stale, not yet evicted). */
    public int sourcesHeld() {
        return latest.size();
    }
}
