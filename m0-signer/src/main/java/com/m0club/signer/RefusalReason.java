package com.m0club.signer;

/**
 * Why a signer agent refused to sign. The names are stable: they are the {@code error} field of the agent's HTTP
 * error body, a metric label ({@code m0_signer_refusals_total{reason}}) and what the threshold client reports per
 * agent, so operators and other implementations can match on them.
 */
public enum RefusalReason {
    /** The body is not the canonical protocol v1 encoding of a bundle (strict decode failed). */
    INVALID_BUNDLE(Category.BUNDLE),
    /** {@code header.signer_set_id} is not the set this agent signs for. */
    SIGNER_SET_MISMATCH(Category.POLICY),
    /** The agent's signer set is RETIRED: it signs nothing more for it. */
    SIGNER_SET_RETIRED(Category.POLICY),
    /** The agent's own key is not a member of its configured signer set (a configuration error). */
    NOT_A_SET_MEMBER(Category.POLICY),
    /** An item names a market the agent's registry snapshot does not know. */
    UNKNOWN_MARKET(Category.POLICY),
    /** An item names a market that is not ACTIVE (paused, draft, deprecated, archived). */
    MARKET_NOT_ACTIVE(Category.POLICY),
    /** An item's epoch, tick or window is not on its market's epoch schedule. */
    WINDOW_INCONSISTENT(Category.POLICY),
    /** An item's outcome ids differ from its market's outcomes. */
    OUTCOMES_MISMATCH(Category.POLICY),
    /** {@code header.produced_at_ms} is further ahead of the agent's clock than the allowed clock skew. */
    PRODUCED_IN_FUTURE(Category.POLICY),
    /** {@code header.produced_at_ms} is older than the allowed commit staleness. */
    BUNDLE_STALE(Category.POLICY),
    /** The agent already signed another bundle hash at this sequence of this set: signing would double-sign. */
    SEQUENCE_CONFLICT(Category.REPLAY),
    /** The sequence is at or below the agent's high-water mark and is not a retained retry of the same bundle. */
    SEQUENCE_BELOW_HIGH_WATER_MARK(Category.REPLAY),
    /** An item's epoch and tick (widened by the agent's max clock skew) do not contain {@code header.produced_at_ms}. */
    EPOCH_NOT_CURRENT(Category.POLICY),
    /** {@code header.produced_at_ms} is further ahead of the agent's own clock than the agent's max clock skew. */
    PRODUCED_AT_OUTSIDE_SKEW(Category.POLICY),
    /** The sequence is more than the agent's max sequence gap above its high-water mark. */
    SEQUENCE_GAP_TOO_LARGE(Category.REPLAY),
    /** The replay journal could not be read or written, so nothing can be signed safely until it is repaired. */
    GUARD_UNAVAILABLE(Category.UNAVAILABLE);

    /** How a refusal is answered: bundle and policy refusals are 422, replay refusals 409, an unavailable guard 503. */
    public enum Category {
        BUNDLE,
        POLICY,
        REPLAY,
        UNAVAILABLE
    }

    private final Category category;

    RefusalReason(Category category) {
        this.category = category;
    }

    public Category category() {
        return category;
    }
}
