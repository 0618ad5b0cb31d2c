package com.m0club.publish.bundle;

import com.m0club.protocol.Checks;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;

/**
 * What the bundler hands to the submitter on {@code m0.bundles}: which signed bundle to submit, not the bundle
 * itself. PostgreSQL holds the bundle (the single source of truth); the submitter loads it by {@code (signerSetId,
 * sequence)} and checks that the stored row has {@code bundleHash}. Keyed by signer set id on the topic, so each
 * set's references stay in sequence order. Binary form: {@link BundleRefCodec}.
 *
 * @param signerSetId u32, the set that signed the bundle
 * @param sequence u64 >= 1, the bundle's sequence in that set
 * @param bundleHash the bundle's hash (docs/protocol.md, "Bundle hash")
 */
public record BundleRef(long signerSetId, long sequence, Hash32 bundleHash) {
    /** The schema version of the record on {@code m0.bundles}. */
    public static final int SCHEMA_VERSION = 1;

    public BundleRef {
        Checks.u32("bundle_ref.signer_set_id", signerSetId);
        Checks.u64("bundle_ref.sequence", sequence);
        if (sequence == 0) {
            throw new IllegalArgumentException("bundle_ref.sequence: must be >= 1, got 0");
        }
        Checks.notNull("bundle_ref.bundle_hash", bundleHash);
    }

    /** The reference of an encoded bundle. */
    public static BundleRef of(EncodedBundle bundle) {
        Checks.notNull("bundle", bundle);
        return new BundleRef(bundle.header().signerSetId(), bundle.header().sequence(), bundle.bundleHash());
    }

    /** The event-log key: the signer set id in decimal (one ordered stream per set). */
    public String key() {
        return Long.toString(signerSetId);
    }
}
