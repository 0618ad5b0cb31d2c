package com.m0club.protocol.codec;

import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.hash.Hash32;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian, unpadded writer for the canonical encoding (docs/protocol.md section 4, "Canonical encoding
 * primitives": integers little-endian, strings u16 length + ASCII, lists u16 count + items). The bundle codec writes
 * bundles with it, and the engine writes the preimages of its own hashed records (event ids, features hashes, window
 * keys) with it, so every hash in the system reads the same way.
 *
 * <p>Every integer is range-checked (a value that does not fit is refused, never truncated). Real numbers are never
 * written as doubles: {@link #fixed9} and {@link #signedFixed9} scale by 10^9 and round half-even on the double's
 * exact binary value, so the same double gives the same bytes on every JVM.
 *
 * <p>Single use, not thread-safe.
 */
public final class CanonicalWriter {
    private static final BigDecimal SCALE = BigDecimal.valueOf(FixedPoint.SCALE);

    private byte[] buf;
    private int size;

    /** A writer with a small initial buffer (it grows as needed). */
    public CanonicalWriter() {
        this(128);
    }

    /** A writer whose buffer starts at {@code initialCapacity} bytes (at least 16; it grows as needed). */
    public CanonicalWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    /** One byte, 0..255. */
    public CanonicalWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /** Two bytes, 0..65535. */
    public CanonicalWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    /** Four bytes, 0..2^32-1. */
    public CanonicalWriter u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** Eight bytes, restricted to 0..2^63-1 as everywhere in the protocol. */
    public CanonicalWriter u64(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("u64 out of range: " + v);
        }
        return i64(v);
    }

    /** Eight bytes, two's-complement signed. */
    public CanonicalWriter i64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** u16 length + ASCII bytes; callers pass validated identifiers, so every char is ASCII. */
    public CanonicalWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        u16(b.length);
        return raw(b, 0, b.length);
    }

    /** The 32 bytes of a hash, no length prefix. */
    public CanonicalWriter hash(Hash32 h) {
        ensure(Hash32.LENGTH);
        h.copyTo(buf, size);
        size += Hash32.LENGTH;
        return this;
    }

    /** Raw bytes, no length prefix (fixed-size fields). */
    public CanonicalWriter raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    /** {@code len} raw bytes of {@code b} from {@code off}, no length prefix. */
    public CanonicalWriter raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** A finite non-negative real scaled by 10^9, rounded half-even, as u64. */
    public CanonicalWriter fixed9(double value) {
        long scaled = scale9(value);
        if (scaled < 0) {
            throw new IllegalArgumentException("fixed9 needs a non-negative value, got " + value);
        }
        return u64(scaled);
    }

    /** A finite real scaled by 10^9, rounded half-even, as i64 (margins may be negative). */
    public CanonicalWriter signedFixed9(double value) {
        return i64(scale9(value));
    }

    /** {@code round_half_even(value * 10^9)} computed exactly on the double's binary value. */
    public static long scale9(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot encode a non-finite number: " + value);
        }
        return new BigDecimal(value).multiply(SCALE).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
