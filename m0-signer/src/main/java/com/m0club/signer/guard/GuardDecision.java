package com.m0club.signer.guard;

import com.m0club.signer.RefusalReason;
import java.util.Objects;

/** The replay guard's answer to "may this agent sign (set, sequence, bundle hash)?". */
public sealed interface GuardDecision {
    /**
     * Yes, and the request is already durably recorded in the journal.
     *
     * @param repeat true when this exact (set, sequence, hash) was signed before: an idempotent retry, which yields
     *     the same (deterministic) signature
     * @param highWaterMark the set's high-water mark after this decision
     */
    record Authorized(boolean repeat, long highWaterMark) implements GuardDecision {}

    /** No: signing would double-sign a sequence or go back below the high-water mark. */
    record Refused(RefusalReason reason, String message) implements GuardDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
