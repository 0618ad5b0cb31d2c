package com.m0club.chain;

import java.util.Objects;

/**
 * The ledger refused a call. Every instance carries a stable {@link Reason} (what the on-chain program's error code
 * would be) and a message naming the market, item, field or sequence that broke the rule, so the submitter can
 * decide between "retry later", "fix and resubmit" and "give up" without parsing text.
 *
 * <p>Unchecked: a rejection is an expected outcome of a well-formed call, but every caller handles it the same way
 * (record the reason, move the bundle's publish state), and a checked exception would only be rethrown.
 */
public final class LedgerRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the ledger refused. The names are stable: they are metric labels and stored publish-state reasons. */
    public enum Reason {
        /** The signer set named by the call was never registered. */
        UNKNOWN_SIGNER_SET(false),
        /** The set is PENDING, or RETIRED because a newer set is active. */
        SIGNER_SET_NOT_ACTIVE(false),
        /** A set with this id exists with other keys, threshold or activation time; sets are never edited. */
        SIGNER_SET_CONFLICT(false),
        /** The sequence is not above the set's last accepted sequence. */
        SEQUENCE_NOT_INCREASING(false),
        /** No commitment matches the revealed bundle and salt, nor the header's (set, sequence). */
        COMMIT_NOT_FOUND(false),
        /** A commitment exists for the header's (set, sequence) but the reveal does not open it. */
        COMMIT_MISMATCH(false),
        /** This commit hash is already committed for another (set, sequence). */
        COMMIT_HASH_REUSED(false),
        /** Another commitment is already pending for the same (set, sequence) with a different hash. */
        DUPLICATE_COMMIT_SEQUENCE(false),
        /** The reveal lands in the commit's slot; it may land one slot later. */
        REVEAL_TOO_EARLY(true),
        /** The reveal lands after commit time + max_reveal_delay_ms. */
        REVEAL_TOO_LATE(false),
        /** Fewer than m valid signatures from distinct keys of the set. */
        BELOW_THRESHOLD(false),
        /** An item names a market the ledger's registry does not know. */
        MARKET_UNKNOWN(false),
        /** An item's market is not ACTIVE (paused, draft, deprecated, archived). */
        MARKET_NOT_ACTIVE(false),
        /** A registry change the ledger refuses: an illegal status transition or a domain change. */
        MARKET_CONFLICT(false),
        /** An item's epoch, tick or window does not lie on its market's epoch grid. */
        WINDOW_INCONSISTENT(false),
        /** An item's outcomes are not exactly its market's outcomes. */
        OUTCOMES_MISMATCH(false),
        /** An item targets an epoch that is already finalized. */
        EPOCH_FINALIZED(false),
        /** The signed bundle is larger than the ledger accepts. */
        TOO_LARGE(false),
        /** produced_at_ms is later than commit time + max_clock_skew_ms. */
        PRODUCED_IN_FUTURE(false),
        /** produced_at_ms is earlier than commit time - max_commit_staleness_ms. */
        STALE(false),
        /** The bytes or the salt do not decode (non-canonical encoding, wrong length). */
        MALFORMED(false),
        /** The epoch's window plus finalization_delay_ms has not passed yet. */
        FINALIZE_TOO_EARLY(true),
        /** The epoch has no accepted item, so there is nothing to make canonical. */
        NOTHING_TO_FINALIZE(false);

        private final boolean retryLater;

        Reason(boolean retryLater) {
            this.retryLater = retryLater;
        }

        /** True when the same call can succeed later without changes (it was only early). */
        public boolean retryLater() {
            return retryLater;
        }
    }

    private final Reason reason;
    private final String detail;

    public LedgerRejection(Reason reason, String detail) {
        super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(detail, "detail"));
        this.reason = reason;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The message without the reason prefix: which market, item, field or sequence broke which rule. */
    public String detail() {
        return detail;
    }
}
