package com.m0club.publish.bundle;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;

/**
 * The signing hand-off of the bundler: collects m-of-n signatures of the signer set over one encoded bundle. The app
 * adapts the signer plane's threshold client to it. Asking again for the same bundle is safe: an agent returns the
 * same signature for the same (set, sequence, hash).
 */
@FunctionalInterface
public interface SignatureCollector {

    /**
     * Blocks until the quorum is reached or cannot be. A transport or programming failure other than a missed
     * quorum is thrown unchecked and leaves the bundle BUILT (resumed on the next start).
     */
    Collected collect(EncodedBundle bundle) throws InterruptedException;

    /** What one collection ended with. */
    sealed interface Collected {

        /** The threshold was met: the bundle with its signatures, in canonical order. */
        record Signed(SignedBundle bundle) implements Collected {
            public Signed {
                if (bundle == null) {
                    throw new IllegalArgumentException("bundle: is required");
                }
            }
        }

        /** Too few valid signatures; {@code detail} says which agents refused or failed, and why. */
        record QuorumNotReached(String detail) implements Collected {
            public QuorumNotReached {
                if (detail == null) {
                    throw new IllegalArgumentException("detail: is required");
                }
            }
        }
    }
}
