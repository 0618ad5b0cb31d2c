package com.m0club.protocol.sign;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** One signer's Ed25519 signature (64 bytes) over a signed-message digest, with the key that claims it. */
public final class SignerSignature implements Comparable<SignerSignature> {
    public static final int LENGTH = 64;

    private final SignerKey key;
    private final byte[] signature;

    private SignerSignature(SignerKey key, byte[] signature) {
        this.key = key;
        this.signature = signature;
    }

    public static SignerSignature of(SignerKey key, byte[] signature) {
        if (key == null) {
            throw new ProtocolException(ErrorCode.EMPTY, "public_key", "is required");
        }
        if (signature == null || signature.length != LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "signature",
                    "an Ed25519 signature is 64 bytes, got " + (signature == null ? "none" : signature.length));
        }
        return new SignerSignature(key, signature.clone());
    }

    public static SignerSignature fromHex(String publicKeyHex, String signatureHex) {
        byte[] sig;
        try {
            sig = HexFormat.of().parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "signature_hex", "must be hex: " + e.getMessage());
        }
        return of(SignerKey.fromHex(publicKeyHex), sig);
    }

    public SignerKey key() {
        return key;
    }

    public byte[] signature() {
        return signature.clone();
    }

    void copySignatureTo(byte[] dst, int offset) {
        System.arraycopy(signature, 0, dst, offset, LENGTH);
    }

    public String signatureHex() {
        return HexFormat.of().formatHex(signature);
    }

    /** True when this is a valid Ed25519 signature by {@link #key()} over {@code digest}. */
    public boolean verifies(Hash32 digest) {
        byte[] msg = digest.toByteArray();
        return key.params().verify(Ed25519.Algorithm.Ed25519, null, msg, 0, msg.length, signature, 0);
    }

    @Override
    public int compareTo(SignerSignature o) {
        return key.compareTo(o.key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignerSignature s && key.equals(s.key) && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "SignerSignature[key=" + key.toHex() + ", sig=" + signatureHex() + "]";
    }
}
