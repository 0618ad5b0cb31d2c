package com.m0club.view;

import com.m0club.protocol.hash.Hash32;
import java.util.List;
import java.util.Optional;

/**
 * A bundle as stored by the publishing plane: its identity, the signed bytes, and its publish history.
 *
 * @param signedBundleBytes canonical signed bundle (bundle bytes, then signatures), empty before signing
 * @param transitions every state change in order, with its time
 */
public record BundleRecord(Hash32 bundleHash, long signerSetId, long sequence, long roundStartMs, long roundEndMs,
        int itemCount, byte[] bundleBytes, Optional<byte[]> signedBundleBytes, PublishStatus status,
        List<Transition> transitions, Optional<Hash32> commitHash, Optional<String> problem) {

    public BundleRecord {
        bundleBytes = bundleBytes.clone();
        signedBundleBytes = signedBundleBytes.map(byte[]::clone);
        transitions = List.copyOf(transitions);
    }

    /** One state change: the new status, when, and why (for FAILED and MISMATCH). */
    public record Transition(PublishStatus status, long atMs, Optional<String> reason) {}
}
