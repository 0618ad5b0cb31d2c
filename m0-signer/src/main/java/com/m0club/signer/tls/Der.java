package com.m0club.signer.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER (ITU-T X.690) encodings an X.509 v3 certificate needs: just enough for {@link CertificateBuilder}.
 * Every method returns one complete TLV; nesting is by concatenation inside {@link #sequence}.
 */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {}

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        byte[] value = content.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            byte[] len = BigInteger.valueOf(n).toByteArray();
            int start = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - start));
            out.write(len, start, len.length - start);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(0x30, parts);
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, parts);
    }

    static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    static byte[] octetString(byte[] value) {
        return tlv(0x04, value);
    }

    /** A BIT STRING with no unused bits. */
    static byte[] bitString(byte[] value) {
        byte[] v = new byte[value.length + 1];
        System.arraycopy(value, 0, v, 1, value.length);
        return tlv(0x03, v);
    }

    /** A BIT STRING of named bits (bit 0 = the most significant bit of the first byte), DER-minimal. */
    static byte[] namedBits(int... bits) {
        int max = 0;
        for (int b : bits) {
            max = Math.max(max, b);
        }
        byte[] value = new byte[max / 8 + 1];
        for (int b : bits) {
            value[b / 8] |= (byte) (0x80 >>> (b % 8));
        }
        int unused = 7 - (max % 8);
        byte[] v = new byte[value.length + 1];
        v[0] = (byte) unused;
        System.arraycopy(value, 0, v, 1, value.length);
        return tlv(0x03, v);
    }

    static byte[] utf8(String s) {
        return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] ia5(String s) {
        return tlv(0x16, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** UTCTime through 2049, GeneralizedTime from 2050 on (RFC 5280, 4.1.2.5). */
    static byte[] time(ZonedDateTime t) {
        ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        if (utc.getYear() < 2050) {
            return tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = 1;
            for (long a = arc >>> 7; a != 0; a >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                int b = (int) ((arc >>> (7 * g)) & 0x7f);
                out.write(g == 0 ? b : (b | 0x80));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    /** A context-specific tag: constructed (explicit wrapping) or primitive (implicit, e.g. a GeneralName). */
    static byte[] context(int number, boolean constructed, byte[] value) {
        return constructed ? tlv(0xa0 | number, value) : tlv(0x80 | number, value);
    }

    /** The content octets of a TLV this class produced (its value without tag and length). */
    static byte[] contentOf(byte[] tlv) {
        int lengthByte = tlv[1] & 0xff;
        int header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
        byte[] v = new byte[tlv.length - header];
        System.arraycopy(tlv, header, v, 0, v.length);
        return v;
    }
}
