package com.m0club.protocol.sign;

import java.util.List;

/**
 * The outcome of checking a bundle's signatures against a signer set. Sealed so that callers handle both cases; a
 * rejection says which rule failed in words an operator can act on.
 */
public sealed interface QuorumCheck {
    boolean passed();

    /** At least {@code threshold} valid signatures from distinct keys of the set. */
    record Passed(long signerSetId, int threshold, List<SignerKey> validKeys) implements QuorumCheck {
        public Passed {
            validKeys = List.copyOf(validKeys);
        }

        @Override
        public boolean passed() {
            return true;
        }
    }

    /** Why the quorum was not met. */
    record Failed(Reason reason, String detail, int validCount, int threshold) implements QuorumCheck {
        @Override
        public boolean passed() {
            return false;
        }
    }

    enum Reason {
        /** The bundle names another signer set than the one it was checked against. */
        SIGNER_SET_MISMATCH,
        /** Fewer than m valid signatures from distinct keys of the set. */
        BELOW_THRESHOLD
    }
}
