package com.m0club.protocol.id;

/** An outcome identifier within a market: ASCII {@code [A-Z0-9_]{1,32}}, for example {@code HOME} or {@code UP}. */
public record OutcomeId(String value) implements Comparable<OutcomeId> {
    public static final String RULE = "[A-Z0-9_]{1,32}";

    public OutcomeId {
        validate("outcome_id", value);
    }

    public static OutcomeId of(String value) {
        return new OutcomeId(value);
    }

    public static String validate(String field, String value) {
        Ascii.requireLength(field, value, 1, 32, RULE);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Ascii.upper(c) || Ascii.digit(c) || c == '_')) {
                throw Ascii.bad(field, value, i, RULE);
            }
        }
        return value;
    }

    @Override
    public int compareTo(OutcomeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
