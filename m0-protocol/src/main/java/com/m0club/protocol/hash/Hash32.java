package com.m0club.protocol.hash;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable 32-byte digest (SHA-256 output, bundle hash, commitment, artifact hash). */
public final class Hash32 implements Comparable<Hash32> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Hash32(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}, which must be exactly 32 long. */
    public static Hash32 of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, "hash",
                    "must be 32 bytes, got " + (bytes == null ? "none" : bytes.length));
        }
        return new Hash32(bytes.clone());
    }

    /** Takes ownership of a fresh array; only for digests this module has just computed. */
    static Hash32 wrap(byte[] digest) {
        return new Hash32(digest);
    }

    public static Hash32 fromHex(String field, String hex) {
        if (hex == null || hex.length() != LENGTH * 2) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, field,
                    "must be 64 hex characters, got " + (hex == null ? "none" : hex.length()));
        }
        try {
            return new Hash32(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, field, "must be hex: " + e.getMessage());
        }
    }

    /** A copy of the 32 bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Writes the 32 bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash32 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Hash32 other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
