package com.m0club.protocol.sign;

import com.m0club.protocol.hash.Hash32;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies m-of-n: a signed bundle is accepted by a set when at least {@code m} signatures over its signed message
 * are valid and come from distinct keys of the set. Signatures by keys outside the set are ignored (they neither
 * count nor fail the check), as are invalid ones and repeats of a key already counted.
 */
public final class QuorumVerifier {
    private QuorumVerifier() {}

    public static QuorumCheck verify(SignerSet set, long bundleSignerSetId, long sequence, Hash32 bundleHash,
            List<SignerSignature> signatures) {
        if (bundleSignerSetId != set.id()) {
            return new QuorumCheck.Failed(QuorumCheck.Reason.SIGNER_SET_MISMATCH,
                    "bundle names signer set " + bundleSignerSetId + " but was checked against set " + set.id(), 0,
                    set.threshold());
        }
        Hash32 digest = SignedMessage.digest(set.id(), sequence, bundleHash);
        Set<SignerKey> counted = new HashSet<>();
        List<SignerKey> valid = new ArrayList<>();
        int outside = 0;
        int invalid = 0;
        for (SignerSignature s : signatures) {
            if (!set.contains(s.key())) {
                outside++;
                continue;
            }
            if (counted.contains(s.key())) {
                continue;
            }
            if (s.verifies(digest)) {
                counted.add(s.key());
                valid.add(s.key());
            } else {
                invalid++;
            }
        }
        if (valid.size() >= set.threshold()) {
            return new QuorumCheck.Passed(set.id(), set.threshold(), valid);
        }
        return new QuorumCheck.Failed(QuorumCheck.Reason.BELOW_THRESHOLD,
                valid.size() + " valid signatures from keys of set " + set.id() + ", threshold is " + set.threshold()
                        + " (" + invalid + " invalid, " + outside + " from keys outside the set ignored)",
                valid.size(), set.threshold());
    }
}
