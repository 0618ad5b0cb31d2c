package com.m0club.protocol.sign;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A signer's Ed25519 public key (32 bytes). Ordered by unsigned bytes: the canonical order of keys in a signer set
 * and of signatures in a signed bundle. The BouncyCastle key object, with its decoded point, is built once and kept.
 */
public final class SignerKey implements Comparable<SignerKey> {
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private volatile Ed25519PublicKeyParameters params;

    private SignerKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static SignerKey of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "public_key",
                    "an Ed25519 public key is 32 bytes, got " + (bytes == null ? "none" : bytes.length));
        }
        return new SignerKey(bytes.clone());
    }

    public static SignerKey fromHex(String hex) {
        try {
            return of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "public_key_hex", "must be hex: " + e.getMessage());
        }
    }

    Ed25519PublicKeyParameters params() {
        Ed25519PublicKeyParameters p = params;
        if (p == null) {
            p = new Ed25519PublicKeyParameters(bytes, 0);
            params = p;
        }
        return p;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    public String toHex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public int compareTo(SignerKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignerKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
