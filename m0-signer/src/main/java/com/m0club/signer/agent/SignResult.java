package com.m0club.signer.agent;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.signer.BundleSummary;
import com.m0club.signer.RefusalReason;
import java.util.Objects;
import java.util.Optional;

/** What {@link SignerAgent#sign} did with one bundle. */
public sealed interface SignResult {
    /** What the audit line can say about the bundle; empty only when the bytes did not decode. */
    Optional<BundleSummary> summary();

    /**
     * Signed: {@code signature} is over the bundle's signed message, and the replay journal already records it.
     *
     * @param repeat true when this was an idempotent retry of a bundle signed before (same bytes as then)
     */
    record Signed(SignerSignature signature, BundleSummary bundle, boolean repeat) implements SignResult {
        public Signed {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(bundle, "bundle");
        }

        public long sequence() {
            return bundle.sequence();
        }

        public Hash32 bundleHash() {
            return bundle.bundleHash();
        }

        @Override
        public Optional<BundleSummary> summary() {
            return Optional.of(bundle);
        }
    }

    /** Refused, with the reason and a message naming the field, market or sequence. Nothing was signed. */
    record Refused(RefusalReason reason, String message, Optional<BundleSummary> summary) implements SignResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(summary, "summary");
        }
    }
}
