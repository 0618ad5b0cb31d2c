package com.m0club.signer.policy;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.signer.BundleSummary;
import com.m0club.signer.RefusalReason;
import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link SignPolicy#check}: the decoded bundle, or why it must not be signed. */
public sealed interface PolicyDecision {
    /** What the audit line can say about the bundle (empty when the bytes did not decode). */
    Optional<BundleSummary> summary();

    /** Every check passed; {@code bundle} is the strictly decoded bundle with its recomputed hash. */
    record Accepted(EncodedBundle bundle) implements PolicyDecision {
        public Accepted {
            Objects.requireNonNull(bundle, "bundle");
        }

        @Override
        public Optional<BundleSummary> summary() {
            return Optional.of(BundleSummary.of(bundle));
        }
    }

    /** A check failed; {@code message} names the field or market and the rule. */
    record Refused(RefusalReason reason, String message, Optional<BundleSummary> summary) implements PolicyDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(summary, "summary");
        }
    }
}
