package com.m0club.protocol.id;

/** A data source identifier: ASCII {@code [a-z0-9][a-z0-9._-]{0,63}}, for example {@code sim.book-1}. */
public record SourceId(String value) implements Comparable<SourceId> {
    public static final String RULE = "[a-z0-9][a-z0-9._-]{0,63}";

    public SourceId {
        validate("source_id", value);
    }

    public static SourceId of(String value) {
        return new SourceId(value);
    }

    public static String validate(String field, String value) {
        Ascii.requireLength(field, value, 1, 64, RULE);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = Ascii.lower(c) || Ascii.digit(c) || (i > 0 && (c == '.' || c == '_' || c == '-'));
            if (!ok) {
                throw Ascii.bad(field, value, i, RULE);
            }
        }
        return value;
    }

    @Override
    public int compareTo(SourceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
