package com.m0club.protocol.id;

/**
 * A market identifier: ASCII {@code [A-Z][A-Z0-9_]{2,63}}, for example {@code SPORTS_NBA_LAL_BOS_2026_01_04}.
 * Canonical order is byte order, which for this alphabet equals {@link String#compareTo}.
 */
public record MarketId(String value) implements Comparable<MarketId> {
    public static final String RULE = "[A-Z][A-Z0-9_]{2,63}";

    public MarketId {
        validate("market_id", value);
    }

    public static MarketId of(String value) {
        return new MarketId(value);
    }

    /** Validates {@code value} as a market id, naming {@code field} in the error. */
    public static String validate(String field, String value) {
        Ascii.requireLength(field, value, 3, 64, RULE);
        if (!Ascii.upper(value.charAt(0))) {
            throw Ascii.bad(field, value, 0, RULE);
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Ascii.upper(c) || Ascii.digit(c) || c == '_')) {
                throw Ascii.bad(field, value, i, RULE);
            }
        }
        return value;
    }

    @Override
    public int compareTo(MarketId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
