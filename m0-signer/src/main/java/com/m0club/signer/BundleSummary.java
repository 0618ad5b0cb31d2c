package com.m0club.signer;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import java.util.Objects;

/**
 * What an audit line and a sign response say about a bundle: its set, sequence, hash and market count. Carries no
 * item values, so it can be logged freely.
 */
public record BundleSummary(long signerSetId, long sequence, Hash32 bundleHash, int marketCount) {
    public BundleSummary {
        Objects.requireNonNull(bundleHash, "bundleHash");
    }

    public static BundleSummary of(EncodedBundle bundle) {
        return new BundleSummary(bundle.header().signerSetId(), bundle.header().sequence(), bundle.bundleHash(),
                bundle.itemCount());
    }
}
