package com.m0club.eventlog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Builds a record's bytes in the layout every codec shares: integers big-endian two's complement ({@code u8},
 * {@code u16}, {@code i32}, {@code i64}), doubles as their IEEE 754 bits in an {@code i64} (exact, so a round trip
 * is lossless; NaN canonical), a boolean as one byte 0 or 1, strings as {@code u16 length || UTF-8}, byte strings
 * as {@code i32 length || bytes}, fixed-size values as their raw bytes. Counts of repeated fields are written by the codec
 * ({@link #count}) before the elements. {@link RecordReader} reads the same layout.
 */
public final class RecordWriter {
    /** The longest string a record carries, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 0xFFFF;

    private final ByteArrayOutputStream out;

    public RecordWriter() {
        this(128);
    }

    public RecordWriter(int initialCapacity) {
        this.out = new ByteArrayOutputStream(Math.max(16, initialCapacity));
    }

    public RecordWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8: must be in 0..255, got " + v);
        }
        out.write(v);
        return this;
    }

    public RecordWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16: must be in 0..65535, got " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public RecordWriter i32(int v) {
        for (int s = 24; s >= 0; s -= 8) {
            out.write(v >>> s);
        }
        return this;
    }

    public RecordWriter i64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out.write((int) (v >>> s));
        }
        return this;
    }

    /**
     * The double's IEEE 754 bits: {@code -0.0} and {@code 0.0} stay distinct, as in {@link Double#equals}, and every
     * NaN is written as the canonical NaN ({@link Double#doubleToLongBits}).
     */
    public RecordWriter f64(double v) {
        return i64(Double.doubleToLongBits(v));
    }

    public RecordWriter bool(boolean v) {
        out.write(v ? 1 : 0);
        return this;
    }

    /** A non-negative count of the repeated field that follows, as {@code i32}. */
    public RecordWriter count(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count: must be >= 0, got " + n);
        }
        return i32(n);
    }

    /** {@code u16 length || UTF-8 bytes}. */
    public RecordWriter str(String s) {
        byte[] b = Objects.requireNonNull(s, "str").getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("str: at most " + MAX_STRING_BYTES + " UTF-8 bytes, got " + b.length);
        }
        u16(b.length);
        out.writeBytes(b);
        return this;
    }

    /** {@code i32 length || bytes}. */
    public RecordWriter bytes(byte[] b) {
        count(Objects.requireNonNull(b, "bytes").length);
        out.writeBytes(b);
        return this;
    }

    /** The bytes as they are, no length (for fixed-size values such as a 32-byte hash). */
    public RecordWriter raw(byte[] b) {
        out.writeBytes(Objects.requireNonNull(b, "raw"));
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
