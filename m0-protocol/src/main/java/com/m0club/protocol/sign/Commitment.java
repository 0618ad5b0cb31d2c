package com.m0club.protocol.sign;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.TaggedHash;
import java.security.SecureRandom;

/**
 * Commit-reveal: {@code commit_hash = H("M0_COMMIT_V1", bundle_hash || salt[32])}. The salt is fresh per bundle and
 * kept by the submitter until reveal, so the commitment says nothing about the bundle until it is revealed.
 */
public final class Commitment {
    public static final int SALT_LENGTH = 32;

    private Commitment() {}

    public static byte[] freshSalt(SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return salt;
    }

    public static Hash32 commitHash(Hash32 bundleHash, byte[] salt) {
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "salt",
                    "must be 32 bytes, got " + (salt == null ? "none" : salt.length));
        }
        byte[] preimage = new byte[Hash32.LENGTH + SALT_LENGTH];
        bundleHash.copyTo(preimage, 0);
        System.arraycopy(salt, 0, preimage, Hash32.LENGTH, SALT_LENGTH);
        return TaggedHash.of(HashTag.COMMIT, preimage);
    }

    /** True when revealing {@code bundleHash} with {@code salt} opens {@code commitHash}. */
    public static boolean opens(Hash32 commitHash, Hash32 bundleHash, byte[] salt) {
        return commitHash.equals(commitHash(bundleHash, salt));
    }
}
