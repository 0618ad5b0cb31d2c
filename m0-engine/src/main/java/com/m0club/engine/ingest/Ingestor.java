package com.m0club.engine.ingest;

import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ingest stage: validates a {@link SourceQuote}, de-margins it, gives it its deterministic event id and drops
 * duplicates (docs/quant.md, "Ingest"). Pure apart from its dedup window and counters: no I/O, time only from the
 * injected clock.
 *
 * <p>Checks run in this order and the first failure decides the reason: trace id, market known, market open, event
 * time (future beyond skew, older than the domain's staleness limit), outcomes exactly the market's, number ranges,
 * margin sign; then the event id, the dedup window, and de-margining. An event id enters the dedup window only when
 * its quote is accepted, so a re-delivered invalid quote is rejected again for the same reason.
 *
 * <p>Not thread-safe: one ingestor per ingest partition, driven by one thread.
 */
public final class Ingestor {
    /** Odds above this are a feed error (the largest prices bookmakers print are in the thousands). */
    public static final double MAX_ODDS = 1_000_000.0;
    public static final int MAX_TRACE_ID_LENGTH = 128;

    private final MarketLookup markets;
    private final IngestConfig config;
    private final InstantSource clock;
    private final IngestMetrics metrics;
    private final DedupWindow dedup;

    public Ingestor(MarketLookup markets, IngestConfig config, InstantSource clock, IngestMetrics metrics) {
        this.markets = Objects.requireNonNull(markets, "markets");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.dedup = new DedupWindow(config.dedupCapacity());
    }

    /** Validates, de-margins and dedups one quote; counts the result. */
    public IngestResult ingest(SourceQuote quote) {
        Objects.requireNonNull(quote, "quote");
        IngestResult result = evaluate(quote);
        metrics.record(result);
        return result;
    }

    /** Event ids currently remembered by the dedup window. */
    public int dedupSize() {
        return dedup.size();
    }

    private IngestResult evaluate(SourceQuote q) {
        String trace = q.traceId();
        if (!validTraceId(trace)) {
            return reject(RejectReason.INVALID_TRACE_ID, "trace_id: must be 1.." + MAX_TRACE_ID_LENGTH
                    + " printable ASCII characters without spaces", "invalid");
        }
        Optional<Market> found = markets.find(q.market());
        if (found.isEmpty()) {
            return reject(RejectReason.UNKNOWN_MARKET, "market: " + q.market() + " is not in the registry", trace);
        }
        Market market = found.get();
        if (market.status() != MarketStatus.ACTIVE && market.status() != MarketStatus.PAUSED) {
            return reject(RejectReason.MARKET_INACTIVE, "market: " + q.market() + " is " + market.status()
                    + "; only ACTIVE and PAUSED markets take evidence", trace);
        }
        long now = clock.millis();
        long eventTime = q.eventTimeMs();
        if (eventTime < 0) {
            return reject(RejectReason.STALE_EVENT_TIME, "event_time_ms: must be >= 0, got " + eventTime, trace);
        }
        if (eventTime > now + config.maxClockSkewMs()) {
            return reject(RejectReason.FUTURE_EVENT_TIME, "event_time_ms: " + eventTime + " is "
                    + (eventTime - now) + " ms ahead of the ingest clock (" + now + "); the allowed skew is "
                    + config.maxClockSkewMs() + " ms", trace);
        }
        long limit = config.staleness().limitMs(market.domain());
        if (now - eventTime > limit) {
            return reject(RejectReason.STALE_EVENT_TIME, "event_time_ms: " + eventTime + " is " + (now - eventTime)
                    + " ms old; the " + market.domain() + " staleness limit is " + limit + " ms", trace);
        }
        Optional<String> mismatch = outcomeMismatch(market.outcomes(), q.payload().values());
        if (mismatch.isPresent()) {
            return reject(RejectReason.OUTCOME_MISMATCH, mismatch.get(), trace);
        }
        Optional<IngestResult.Rejected> bad = switch (q.payload()) {
            case QuotePayload.BookmakerOdds b -> checkOdds(b, trace);
            case QuotePayload.ExchangePrices e -> checkPrices(e, trace);
        };
        if (bad.isPresent()) {
            return bad.get();
        }
        Hash32 eventId = EventIds.of(q);
        if (dedup.contains(eventId)) {
            return new IngestResult.Duplicate(eventId, trace);
        }
        Optional<ProbabilityEvidence> evidence = demargin(q.payload());
        if (evidence.isEmpty()) {
            return reject(RejectReason.DEMARGIN_FAILED, "odds: neither Shin's method nor the power method"
                    + " produced a probability vector for " + q.payload().values(), trace);
        }
        NormalizedEvent event = new NormalizedEvent(eventId, q.source(), q.market(), eventTime, now, evidence.get(),
                0L, trace);
        dedup.remember(eventId);
        return new IngestResult.Accepted(event);
    }

    private Optional<ProbabilityEvidence> demargin(QuotePayload payload) {
        List<OutcomeId> outcomes = new ArrayList<>(payload.values().keySet());
        double[] values = payload.values().values().stream().mapToDouble(Double::doubleValue).toArray();
        return switch (payload) {
            case QuotePayload.BookmakerOdds b -> Demargin.bookmaker(values).map(r -> new ProbabilityEvidence(
                    b.kind(), toMap(outcomes, r.probabilities()), r.margin(), 0.0, r.method()));
            case QuotePayload.ExchangePrices e -> {
                double sum = 0;
                for (double v : values) {
                    sum += v;
                }
                double[] p = new double[values.length];
                for (int i = 0; i < p.length; i++) {
                    p[i] = values[i] / sum;
                }
                yield Optional.of(new ProbabilityEvidence(e.kind(), toMap(outcomes, p), sum - 1.0, e.spread(),
                        DemarginMethod.NORMALIZED_MID));
            }
        };
    }

    private Optional<IngestResult.Rejected> checkOdds(QuotePayload.BookmakerOdds b, String trace) {
        double booksum = 0;
        for (Map.Entry<OutcomeId, Double> e : b.odds().entrySet()) {
            double o = e.getValue();
            if (!(o > 1.0 && o <= MAX_ODDS)) {
                return Optional.of(reject(RejectReason.INVALID_ODDS, "odds[" + e.getKey()
                        + "]: must be finite decimal odds in (1.0, " + (long) MAX_ODDS + "], got " + o, trace));
            }
            booksum += 1.0 / o;
        }
        if (booksum < 1.0 - Demargin.NO_MARGIN_TOLERANCE) {
            return Optional.of(reject(RejectReason.NEGATIVE_MARGIN, "odds: implied probabilities sum(1/odds) = "
                    + booksum + " < 1, an arbitrage rather than a bookmaker's book", trace));
        }
        return Optional.empty();
    }

    private Optional<IngestResult.Rejected> checkPrices(QuotePayload.ExchangePrices e, String trace) {
        double sum = 0;
        for (Map.Entry<OutcomeId, Double> p : e.prices().entrySet()) {
            double v = p.getValue();
            if (!(v >= 0.0 && v <= 1.0)) {
                return Optional.of(reject(RejectReason.INVALID_PRICE, "prices[" + p.getKey()
                        + "]: must be a finite price in [0, 1], got " + v, trace));
            }
            sum += v;
        }
        if (!(e.spread() >= 0.0 && e.spread() <= 1.0)) {
            return Optional.of(reject(RejectReason.INVALID_SPREAD, "spread: must be finite in [0, 1], got "
                    + e.spread(), trace));
        }
        if (!(sum > 0) || Math.abs(sum - 1.0) > config.maxExchangeSumDeviation()) {
            return Optional.of(reject(RejectReason.INVALID_PRICE, "prices: mid prices must sum to 1 within "
                    + config.maxExchangeSumDeviation() + ", got " + sum, trace));
        }
        return Optional.empty();
    }

    private static Optional<String> outcomeMismatch(List<OutcomeId> expected, Map<OutcomeId, Double> got) {
        TreeSet<OutcomeId> missing = new TreeSet<>(expected);
        missing.removeAll(got.keySet());
        TreeSet<OutcomeId> extra = new TreeSet<>(got.keySet());
        expected.forEach(extra::remove);
        if (missing.isEmpty() && extra.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("outcomes: must be exactly the market's outcomes " + expected + "; missing " + missing
                + ", unexpected " + extra);
    }

    private static TreeMap<OutcomeId, Double> toMap(List<OutcomeId> outcomes, double[] p) {
        TreeMap<OutcomeId, Double> m = new TreeMap<>();
        for (int i = 0; i < p.length; i++) {
            m.put(outcomes.get(i), p[i]);
        }
        return m;
    }

    static boolean validTraceId(String trace) {
        if (trace.isEmpty() || trace.length() > MAX_TRACE_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < trace.length(); i++) {
            char c = trace.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static IngestResult.Rejected reject(RejectReason reason, String message, String trace) {
        return new IngestResult.Rejected(reason, message, trace);
    }
}
