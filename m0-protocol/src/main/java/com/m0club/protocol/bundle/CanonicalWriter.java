package com.m0club.protocol.bundle;

import com.m0club.protocol.hash.Hash32;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Little-endian, unpadded writer for the canonical encoding. Single use, not thread-safe. */
final class CanonicalWriter {
    private byte[] buf;
    private int size;

    CanonicalWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    CanonicalWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    CanonicalWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    CanonicalWriter u32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    CanonicalWriter u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** u16 length + ASCII bytes; callers pass validated identifiers, so every char is ASCII. */
    CanonicalWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        u16(b.length);
        return raw(b, 0, b.length);
    }

    CanonicalWriter hash(Hash32 h) {
        ensure(Hash32.LENGTH);
        h.copyTo(buf, size);
        size += Hash32.LENGTH;
        return this;
    }

    CanonicalWriter raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
