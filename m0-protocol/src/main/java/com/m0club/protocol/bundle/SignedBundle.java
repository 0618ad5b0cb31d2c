package com.m0club.protocol.bundle;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.sign.QuorumCheck;
import com.m0club.protocol.sign.QuorumVerifier;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSignature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A bundle with the signatures collected for it, one per key, in ascending key order. Signatures are not part of what
 * is hashed: adding one more signature never changes the bundle hash.
 */
public record SignedBundle(EncodedBundle bundle, List<SignerSignature> signatures) {
    public SignedBundle {
        Checks.notNull("bundle", bundle);
        Checks.notNull("signatures", signatures);
        signatures = List.copyOf(signatures);
        for (int i = 1; i < signatures.size(); i++) {
            int cmp = signatures.get(i - 1).compareTo(signatures.get(i));
            if (cmp == 0) {
                throw new ProtocolException(ErrorCode.DUPLICATE, "signatures[" + i + "].public_key",
                        "one signature per key");
            }
            if (cmp > 0) {
                throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, "signatures[" + i + "].public_key",
                        "signatures must be in ascending public key byte order");
            }
        }
    }

    /** Sorts signatures into canonical order (a collected set of signatures has no order of its own). */
    public static SignedBundle of(EncodedBundle bundle, List<SignerSignature> signatures) {
        List<SignerSignature> sorted = new ArrayList<>(signatures);
        Collections.sort(sorted);
        return new SignedBundle(bundle, sorted);
    }

    /** Checks the signatures against {@code set}: at least m valid ones from distinct keys of the set. */
    public QuorumCheck verify(SignerSet set) {
        return QuorumVerifier.verify(set, bundle.header().signerSetId(), bundle.header().sequence(),
                bundle.bundleHash(), signatures);
    }

    public byte[] encode() {
        return BundleCodec.encodeSigned(this);
    }
}
