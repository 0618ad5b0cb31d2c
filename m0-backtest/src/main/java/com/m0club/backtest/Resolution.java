package com.m0club.backtest;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.util.Objects;

/**
 * How a market settled: one line of a resolutions file,
 * {@code {"market":"ID","resolved_at_ms":...,"outcome":"X"}}.
 *
 * @param market the market
 * @param resolvedAtMs when it resolved (UTC ms); outputs at or after it are not scored
 * @param outcome the outcome that happened
 */
public record Resolution(MarketId market, long resolvedAtMs, OutcomeId outcome) {
    public Resolution {
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(outcome, "outcome");
        if (resolvedAtMs < 0) {
            throw new IllegalArgumentException("resolved_at_ms: must be >= 0, got " + resolvedAtMs);
        }
    }
}
