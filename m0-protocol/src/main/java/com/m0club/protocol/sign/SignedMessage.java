package com.m0club.protocol.sign;

import com.m0club.protocol.Checks;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.TaggedHash;

/**
 * The digest a signer signs: {@code H("M0_SIG_V1", u32 signer_set_id || u64 sequence || bundle_hash)}. Binding the
 * set and the sequence means a signature can be replayed neither into another set nor at another sequence.
 */
public final class SignedMessage {
    /** Length of the preimage after the tag. */
    public static final int PREIMAGE_LENGTH = 4 + 8 + Hash32.LENGTH;

    private SignedMessage() {}

    public static byte[] preimage(long signerSetId, long sequence, Hash32 bundleHash) {
        Checks.u32("signer_set_id", signerSetId);
        Checks.u64("sequence", sequence);
        byte[] b = new byte[PREIMAGE_LENGTH];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (signerSetId >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            b[4 + i] = (byte) (sequence >>> (8 * i));
        }
        bundleHash.copyTo(b, 12);
        return b;
    }

    public static Hash32 digest(long signerSetId, long sequence, Hash32 bundleHash) {
        return TaggedHash.of(HashTag.SIG, preimage(signerSetId, sequence, bundleHash));
    }
}
