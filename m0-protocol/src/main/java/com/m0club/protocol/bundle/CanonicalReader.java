package com.m0club.protocol.bundle;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import java.util.Arrays;

/**
 * Strict little-endian reader: every read names the field it reads, so a truncated or malformed input gives an error
 * such as {@code items[2].outcomes[1].p: input ends ... (at byte 181)}.
 */
final class CanonicalReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    CanonicalReader(byte[] buf) {
        this.buf = buf;
        this.end = buf.length;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    private void need(String field, int n) {
        if (end - pos < n) {
            throw new ProtocolException(ErrorCode.TRUNCATED, field,
                    "input ends after " + (end - pos) + " of " + n + " bytes").atOffset(pos);
        }
    }

    int u8(String field) {
        need(field, 1);
        return buf[pos++] & 0xFF;
    }

    int u16(String field) {
        need(field, 2);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    long u32(String field) {
        need(field, 4);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 4;
        return v;
    }

    /** u64, restricted to 0..2^63-1 in v1. */
    long u64(String field) {
        need(field, 8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos + i] & 0xFFL) << (8 * i);
        }
        if (v < 0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "u64 values above 2^63-1 are not valid in v1, got " + Long.toUnsignedString(v)).atOffset(pos);
        }
        pos += 8;
        return v;
    }

    /** u16 length + ASCII bytes (each byte 0x20..0x7E; the field's own rule is checked by its type). */
    String str(String field) {
        int len = u16(field + ".length");
        need(field, len);
        char[] chars = new char[len];
        for (int i = 0; i < len; i++) {
            int b = buf[pos + i] & 0xFF;
            if (b < 0x20 || b > 0x7E) {
                throw new ProtocolException(ErrorCode.INVALID_FORMAT, field,
                        "strings are printable ASCII, got byte 0x" + Integer.toHexString(b)).atOffset(pos + i);
            }
            chars[i] = (char) b;
        }
        pos += len;
        return new String(chars);
    }

    Hash32 hash(String field) {
        return Hash32.of(bytes(field, Hash32.LENGTH));
    }

    byte[] bytes(String field, int n) {
        need(field, n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** A presence byte: 0 absent, 1 present, anything else an error. */
    boolean present(String field) {
        int at = pos;
        int b = u8(field + ".present");
        if (b > 1) {
            throw new ProtocolException(ErrorCode.BAD_PRESENCE, field + ".present",
                    "must be 0 (absent) or 1 (present), got " + b).atOffset(at);
        }
        return b == 1;
    }

    void expectEnd(String structure) {
        if (pos != end) {
            throw new ProtocolException(ErrorCode.TRAILING_BYTES, structure,
                    (end - pos) + " bytes follow the end of the " + structure).atOffset(pos);
        }
    }
}
