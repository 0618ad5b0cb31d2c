package com.m0club.publish.state;

import com.m0club.view.PublishStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * The publish state machine of one bundle. Forward only; FAILED is reachable from every state before REVEALED (a
 * revealed bundle is on the ledger: it can only finalize or turn out a MISMATCH, never be given up); MISMATCH only
 * once the ledger has something to disagree with (after a commit). A transition to the current state is a no-op
 * (retries and replays are idempotent), never an error.
 */
public final class PublishTransitions {
    private PublishTransitions() {}

    public static Set<PublishStatus> next(PublishStatus from) {
        return switch (from) {
            case BUILT -> EnumSet.of(PublishStatus.SIGNED, PublishStatus.FAILED);
            case SIGNED -> EnumSet.of(PublishStatus.COMMITTED, PublishStatus.FAILED);
            case COMMITTED -> EnumSet.of(PublishStatus.REVEALED, PublishStatus.FAILED, PublishStatus.MISMATCH);
            case REVEALED -> EnumSet.of(PublishStatus.FINALIZED, PublishStatus.MISMATCH);
            case FINALIZED, FAILED, MISMATCH -> EnumSet.noneOf(PublishStatus.class);
        };
    }

    /** True when {@code from -> to} is a legal step (or the same state). */
    public static boolean allowed(PublishStatus from, PublishStatus to) {
        return from == to || next(from).contains(to);
    }

    /**
     * Whether the reconciler may jump {@code from} to {@code to} because the ledger already shows a later state
     * (for example a bundle seen REVEALED on the ledger while we still had it SIGNED after a crash mid-commit).
     */
    public static boolean reachable(PublishStatus from, PublishStatus to) {
        if (allowed(from, to)) {
            return true;
        }
        for (PublishStatus step : next(from)) {
            if (!step.isTerminal() && reachable(step, to)) {
                return true;
            }
            if (step == to) {
                return true;
            }
        }
        return false;
    }
}
