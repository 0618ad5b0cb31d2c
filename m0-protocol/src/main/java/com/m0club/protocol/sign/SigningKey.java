package com.m0club.protocol.sign;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key. It signs 32-byte protocol digests and nothing else. Its {@link #toString} never shows key
 * material, so a key that reaches a log line by accident leaks nothing.
 *
 * <p>BouncyCastle's pure-Java Ed25519 is used rather than the JDK provider: on this project's machines it signs about
 * 19 times and verifies about 7.6 times faster (docs/benchmarks.md, same-process JMH run). Agents sign and the
 * ledger, the bundler and every verifier check signatures on each bundle, so both paths matter.
 */
public final class SigningKey {
    public static final int SEED_LENGTH = 32;

    private final Ed25519PrivateKeyParameters params;
    private final SignerKey publicKey;

    private SigningKey(Ed25519PrivateKeyParameters params) {
        this.params = params;
        this.publicKey = SignerKey.of(params.generatePublicKey().getEncoded());
    }

    /** A fresh key from the given randomness source (SecureRandom in production, seeded only in tests). */
    public static SigningKey generate(SecureRandom random) {
        return new SigningKey(new Ed25519PrivateKeyParameters(random));
    }

    /** The key whose RFC 8032 private seed is {@code seed} (32 bytes). */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != SEED_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "private_key",
                    "an Ed25519 private seed is 32 bytes, got " + (seed == null ? "none" : seed.length));
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public SignerKey publicKey() {
        return publicKey;
    }

    /** The 32-byte seed, for writing to a key file. Handle with care. */
    public byte[] seed() {
        return params.getEncoded();
    }

    /** Signs a protocol digest (pure Ed25519 over the 32 digest bytes). Deterministic per RFC 8032. */
    public byte[] sign(Hash32 digest) {
        byte[] msg = digest.toByteArray();
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        params.sign(Ed25519.Algorithm.Ed25519, null, msg, 0, msg.length, sig, 0);
        return sig;
    }

    @Override
    public String toString() {
        return "SigningKey[public=" + publicKey.toHex() + ", private=<redacted>]";
    }
}
