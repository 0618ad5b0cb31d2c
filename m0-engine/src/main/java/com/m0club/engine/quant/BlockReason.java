package com.m0club.engine.quant;

/**
 * Why the guardrails blocked a market's tick. {@link #code()} is what {@code ModelOutput.blockedReason} carries, what
 * the {@code reason} label of {@code m0_quant_blocked_total} says and what the API shows.
 */
public enum BlockReason {
    /** No fresh evidence survived (no sources, all stale, or all weighted out). */
    NO_EVIDENCE,
    /** The surviving sources disagree beyond the block threshold, with enough of them to know it is not noise. */
    SOURCE_DIVERGENCE;

    public String code() {
        return name();
    }
}
