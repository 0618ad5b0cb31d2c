package com.m0club.publish.bundle;

import com.m0club.protocol.id.MarketId;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * One market's output offered to the bundler, with what the bundler decides on: the market, the output's place on
 * the market's grid (a later epoch or tick replaces an earlier one within a round), and why it is blocked, if it is.
 *
 * @param <T> the output the {@link RoundAssembler} seals
 * @param blockedReason present when guardrails blocked the output: it is recorded as the market's problem, never
 *     published
 * @param trace the span that produced the output (from its record's {@code traceparent} header), or
 *     {@link SpanContext#getInvalid()}: the round's bundle span is a child of one contributor and links to the others
 */
public record RoundEntry<T>(MarketId market, long epochId, long tick, Optional<String> blockedReason, T output,
        SpanContext trace) {
    public RoundEntry {
        if (market == null) {
            throw new IllegalArgumentException("market: is required");
        }
        if (blockedReason == null) {
            throw new IllegalArgumentException("blockedReason: is required (Optional.empty() when not blocked)");
        }
        if (output == null) {
            throw new IllegalArgumentException("output: is required");
        }
        if (trace == null) {
            throw new IllegalArgumentException("trace: is required (SpanContext.getInvalid() when untraced)");
        }
    }

    /** An entry without trace context. */
    public RoundEntry(MarketId market, long epochId, long tick, Optional<String> blockedReason, T output) {
        this(market, epochId, tick, blockedReason, output, SpanContext.getInvalid());
    }

    /** Whether this entry is at least as recent as {@code other} (same or later epoch, then tick). */
    boolean supersedes(RoundEntry<T> other) {
        return other.epochId < epochId || (other.epochId == epochId && other.tick <= tick);
    }
}
