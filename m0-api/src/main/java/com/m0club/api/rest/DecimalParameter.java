package com.m0club.api.rest;

/**
 * The shared rules of the decimal path parameters ({@code epochId}, signer set {@code id}): ASCII digits only, and
 * a rejected value is echoed in the error message only as printable ASCII, at most 40 characters.
 */
final class DecimalParameter {
    private DecimalParameter() {}

    /** Non-empty and ASCII digits only (no sign, no spaces). */
    static boolean isDigits(String raw) {
        return !raw.isEmpty() && raw.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** {@code raw} safe to quote in an error message: control and non-ASCII characters and quotes become '?'. */
    static String printable(String raw) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(raw.length(), 40); i++) {
            char c = raw.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F && c != '"' ? c : '?');
        }
        return raw.length() > 40 ? sb.append("...").toString() : sb.toString();
    }
}
