package com.m0club.protocol.sign;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An m-of-n signer set: id (u32), n distinct Ed25519 keys in canonical order, threshold m, status and activation
 * time. There is no default threshold: the builder refuses to build without one. {@code 2 <= m <= n} always holds,
 * except for a one-key set ({@code 1-of-1}), which only the dev profile may ask for with
 * {@link Builder#allowSingleSigner()}. The rule sits in the constructor, so no path around the builder can make a
 * 1-of-n quorum.
 */
public record SignerSet(long id, int threshold, List<SignerKey> keys, SignerSetStatus status, long activationMs) {
    /** A u8 count on the ledger, and far more than any deployment needs. */
    public static final int MAX_KEYS = 32;

    public SignerSet {
        Checks.u32("signer_set.id", id);
        Checks.notNull("signer_set.keys", keys);
        Checks.notNull("signer_set.status", status);
        Checks.u64("signer_set.activation_ms", activationMs);
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new ProtocolException(ErrorCode.EMPTY, "signer_set.keys", "a signer set needs at least one key");
        }
        if (keys.size() > MAX_KEYS) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "signer_set.keys",
                    "at most " + MAX_KEYS + " keys, got " + keys.size());
        }
        for (int i = 1; i < keys.size(); i++) {
            int cmp = keys.get(i - 1).compareTo(keys.get(i));
            if (cmp == 0) {
                throw new ProtocolException(ErrorCode.DUPLICATE, "signer_set.keys[" + i + "]",
                        "keys must be distinct, " + keys.get(i) + " appears twice");
            }
            if (cmp > 0) {
                throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, "signer_set.keys[" + i + "]",
                        "keys must be in ascending byte order");
            }
        }
        if (threshold < 1 || threshold > keys.size()) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "signer_set.threshold",
                    "must satisfy 1 <= m <= n (n=" + keys.size() + "), got " + threshold);
        }
        if (threshold < 2 && keys.size() > 1) {
            throw new ProtocolException(ErrorCode.INVALID_CONFIG, "signer_set.threshold",
                    "must be >= 2 for a set of " + keys.size() + " keys (m = 1 is only for a single-key dev set)");
        }
    }

    public int size() {
        return keys.size();
    }

    public boolean contains(SignerKey key) {
        return Collections.binarySearch(keys, key) >= 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: keys in any order (sorted on build; duplicates are an error), a threshold, and nothing defaulted. */
    public static final class Builder {
        private long id = -1;
        private int threshold;
        private final List<SignerKey> keys = new ArrayList<>();
        private SignerSetStatus status = SignerSetStatus.PENDING;
        private long activationMs;
        private boolean allowSingleSigner;

        private Builder() {}

        public Builder id(long id) {
            this.id = id;
            return this;
        }

        public Builder threshold(int threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder key(SignerKey key) {
            keys.add(Checks.notNull("signer_set.keys[]", key));
            return this;
        }

        public Builder keys(List<SignerKey> keys) {
            keys.forEach(this::key);
            return this;
        }

        public Builder status(SignerSetStatus status) {
            this.status = status;
            return this;
        }

        public Builder activationMs(long activationMs) {
            this.activationMs = activationMs;
            return this;
        }

        /** Allows m = 1. Only the dev profile may ask for this. */
        public Builder allowSingleSigner() {
            this.allowSingleSigner = true;
            return this;
        }

        public SignerSet build() {
            if (id < 0) {
                throw new ProtocolException(ErrorCode.EMPTY, "signer_set.id", "is required");
            }
            if (threshold == 0) {
                throw new ProtocolException(ErrorCode.INVALID_CONFIG, "signer_set.threshold",
                        "is required: there is no default threshold");
            }
            if (threshold < 2 && !allowSingleSigner) {
                throw new ProtocolException(ErrorCode.INVALID_CONFIG, "signer_set.threshold",
                        "must be >= 2 outside the dev profile, got " + threshold);
            }
            List<SignerKey> sorted = new ArrayList<>(keys);
            Collections.sort(sorted);
            return new SignerSet(id, threshold, sorted, status, activationMs);
        }
    }
}
