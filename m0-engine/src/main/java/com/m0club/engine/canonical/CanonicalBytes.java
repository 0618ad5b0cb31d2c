package com.m0club.engine.canonical;

import com.m0club.protocol.fixed.FixedPoint;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian, unpadded byte writer for the engine's hashed preimages (event ids, features hashes, window keys).
 * It follows the protocol's encoding rules (PROTOCOL.md "Canonical encoding": integers little-endian, strings u16
 * length + ASCII, lists u16 count + items) so that the engine's hashes read like the bundle's; the protocol's own
 * writer is package-private to {@code m0-protocol}, so the engine carries this small copy for its internal records.
 *
 * <p>Everything hashed is an integer: real numbers go through {@link #fixed9} or {@link #signedFixed9}, which round
 * half-even on the double's exact binary value, so the same double gives the same bytes on every JVM.
 *
 * <p>Single use, not thread-safe.
 */
public final class CanonicalBytes {
    private static final BigDecimal SCALE = BigDecimal.valueOf(FixedPoint.SCALE);

    private byte[] buf;
    private int size;

    public CanonicalBytes() {
        this(128);
    }

    public CanonicalBytes(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public CanonicalBytes u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public CanonicalBytes u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public CanonicalBytes u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** u64 restricted to 0..2^63-1, as in the protocol. */
    public CanonicalBytes u64(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("u64 out of range: " + v);
        }
        return i64(v);
    }

    /** Two's-complement signed 64-bit. */
    public CanonicalBytes i64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** u16 length + ASCII bytes; the caller passes validated identifiers or checked trace ids. */
    public CanonicalBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        u16(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** Raw bytes, no length prefix (fixed-size fields such as a 32-byte hash). */
    public CanonicalBytes raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** A finite non-negative real scaled by 10^9, rounded half-even, as u64. */
    public CanonicalBytes fixed9(double value) {
        long scaled = scale9(value);
        if (scaled < 0) {
            throw new IllegalArgumentException("fixed9 needs a non-negative value, got " + value);
        }
        return u64(scaled);
    }

    /** A finite real scaled by 10^9, rounded half-even, as i64 (margins may be negative). */
    public CanonicalBytes signedFixed9(double value) {
        return i64(scale9(value));
    }

    /** {@code round_half_even(value * 10^9)} computed exactly on the double's binary value. */
    public static long scale9(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot encode a non-finite number: " + value);
        }
        return new BigDecimal(value).multiply(SCALE).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
