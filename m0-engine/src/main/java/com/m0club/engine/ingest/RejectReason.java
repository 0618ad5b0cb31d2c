package com.m0club.engine.ingest;

import java.util.Locale;

/** Why ingest refused a quote. The lowercase name is the {@code reason} label of {@code m0_ingest_rejections_total}. */
public enum RejectReason {
    /** The trace id is empty, longer than 128 characters or not printable ASCII. */
    INVALID_TRACE_ID,
    /** The market is not in the registry. */
    UNKNOWN_MARKET,
    /** The market is DRAFT, DEPRECATED or ARCHIVED (ACTIVE and PAUSED markets take evidence). */
    MARKET_INACTIVE,
    /** The event time is further in the future than the allowed clock skew. */
    FUTURE_EVENT_TIME,
    /** The event time is older than the domain's staleness limit (or negative). */
    STALE_EVENT_TIME,
    /** The quote's outcomes are not exactly the market's outcomes. */
    OUTCOME_MISMATCH,
    /** Odds not finite or not in (1, 10^6]. */
    INVALID_ODDS,
    /** Prices not finite, outside [0, 1], or summing to nothing like 1. */
    INVALID_PRICE,
    /** Spread not finite or outside [0, 1]. */
    INVALID_SPREAD,
    /** Bookmaker odds whose implied probabilities sum to less than 1 (an arbitrage, not a book). */
    NEGATIVE_MARGIN,
    /** Neither Shin nor the power method produced a probability vector. */
    DEMARGIN_FAILED;

    /** The metric label value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
