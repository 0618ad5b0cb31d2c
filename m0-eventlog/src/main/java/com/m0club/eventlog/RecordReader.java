package com.m0club.eventlog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the layout {@link RecordWriter} writes, with bounds checked before every read: a truncated input, a length
 * or count larger than what is left, a malformed UTF-8 string or a boolean other than 0/1 fails with a
 * {@link RecordFormatException} naming the record and the field, never with an index exception. Each read takes the
 * field's name for that message.
 *
 * <p>{@link #decode} is how codecs use it: it runs the codec's reading function, requires that every byte was read,
 * and turns a value the record's constructor refuses (any runtime exception) into a {@link RecordFormatException}
 * too, so {@link RecordCodec#decode} fails in one documented way only.
 */
public final class RecordReader {
    private final String record;
    private final byte[] in;
    private int pos;

    private RecordReader(String record, byte[] in) {
        this.record = record;
        this.in = in;
    }

    /**
     * Decodes {@code bytes} as a {@code record} with {@code read}, which must consume them exactly.
     *
     * @param record the record's name, for error messages (for example {@code "NormalizedEvent"})
     * @throws RecordFormatException on any malformed input
     */
    public static <T> T decode(String record, byte[] bytes, Function<RecordReader, T> read) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(read, "read");
        if (bytes == null) {
            throw new RecordFormatException(record, "record", "no bytes");
        }
        RecordReader r = new RecordReader(record, bytes);
        T value;
        try {
            value = read.apply(r);
        } catch (RecordFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RecordFormatException(record, "record", "refused by the record: " + e.getMessage(), e);
        }
        if (r.pos != bytes.length) {
            throw new RecordFormatException(record, "record", (bytes.length - r.pos) + " trailing bytes after offset "
                    + r.pos);
        }
        return value;
    }

    /** Bytes not read yet. */
    public int remaining() {
        return in.length - pos;
    }

    /** A failure at {@code field}, for the codec's own rules (an unknown enum code, an out-of-range value). */
    public RecordFormatException fail(String field, String rule) {
        return new RecordFormatException(record, field, rule + " (at offset " + pos + ")");
    }

    private void need(String field, int n) {
        if (n > in.length - pos) {
            throw new RecordFormatException(record, field, "truncated: needs " + n + " bytes at offset " + pos
                    + ", " + (in.length - pos) + " left");
        }
    }

    public int u8(String field) {
        need(field, 1);
        return in[pos++] & 0xFF;
    }

    public int u16(String field) {
        need(field, 2);
        int v = ((in[pos] & 0xFF) << 8) | (in[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int i32(String field) {
        need(field, 4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (in[pos++] & 0xFF);
        }
        return v;
    }

    public long i64(String field) {
        need(field, 8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xFF);
        }
        return v;
    }

    /** A double; a NaN other than the canonical one is refused (the writer never writes one). */
    public double f64(String field) {
        long bits = i64(field);
        double v = Double.longBitsToDouble(bits);
        if (Double.isNaN(v) && bits != Double.doubleToLongBits(Double.NaN)) {
            throw fail(field, "a NaN must be the canonical NaN 0x7ff8000000000000");
        }
        return v;
    }

    public boolean bool(String field) {
        int b = u8(field);
        if (b > 1) {
            throw fail(field, "a boolean is 0 or 1, got " + b);
        }
        return b == 1;
    }

    /**
     * A count of repeated elements, each at least {@code minElementBytes} long: a count that could not fit in the bytes
     * left fails here, before anything is allocated for it.
     */
    public int count(String field, int minElementBytes) {
        int n = i32(field);
        if (n < 0) {
            throw fail(field, "count must be >= 0, got " + n);
        }
        if ((long) n * Math.max(1, minElementBytes) > remaining()) {
            throw fail(field, "count " + n + " cannot fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    public String str(String field) {
        int n = u16(field);
        need(field, n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(in, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail(field, "not valid UTF-8: " + e.getMessage());
        }
    }

    public byte[] bytes(String field) {
        int n = i32(field);
        if (n < 0) {
            throw fail(field, "length must be >= 0, got " + n);
        }
        return raw(field, n);
    }

    /** Exactly {@code n} bytes, no length prefix. */
    public byte[] raw(String field, int n) {
        need(field, n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }
}
