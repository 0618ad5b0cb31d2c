package com.m0club.protocol.id;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;

/**
 * Character-class checks for identifiers, written out by hand rather than as regular expressions: the decoder runs
 * them for every item of every bundle, and the rules are short enough to read as code.
 */
final class Ascii {
    private Ascii() {}

    static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    static String requireLength(String field, String value, int min, int max, String rule) {
        if (value == null) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, field, "is required; must match " + rule);
        }
        if (value.length() < min || value.length() > max) {
            throw new ProtocolException(ErrorCode.INVALID_FORMAT, field,
                    "must match " + rule + " (length " + min + ".." + max + "), got length " + value.length()
                            + ": " + printable(value));
        }
        return value;
    }

    static ProtocolException bad(String field, String value, int index, String rule) {
        return new ProtocolException(ErrorCode.INVALID_FORMAT, field,
                "must match " + rule + ", bad character at index " + index + " in " + printable(value));
    }

    /** Quotes a value for an error message without letting control characters into logs. */
    static String printable(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        if (value.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
