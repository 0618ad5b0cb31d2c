package com.m0club.protocol.vectors;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian byte writer written independently of the production {@code CanonicalWriter}: it writes whatever it
 * is given (out-of-range numbers, invalid characters), which is what the reject vectors need. It never checks.
 */
final class LeWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    LeWriter u8(int v) {
        out.write(v & 0xFF);
        return this;
    }

    LeWriter u16(int v) {
        return le(v, 2);
    }

    LeWriter u32(long v) {
        return le(v, 4);
    }

    /** Writes the 64 bits of {@code v} as given; a negative long is a u64 at or above 2^63. */
    LeWriter u64(long v) {
        return le(v, 8);
    }

    private LeWriter le(long v, int width) {
        for (int i = 0; i < width; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    /** u16 length + the string's chars as single bytes (ISO-8859-1), so a test can place any byte value. */
    LeWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        u16(b.length);
        return raw(b);
    }

    LeWriter raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
