package com.m0club.protocol.id;

/**
 * Which model produced a value: {@code model_id} {@code [a-z0-9][a-z0-9._-]{0,63}} and {@code model_version}
 * {@code [0-9A-Za-z][0-9A-Za-z._+-]{0,31}} (for example {@code logpool-dirichlet} / {@code 1.0.0}).
 */
public record ModelRef(String modelId, String modelVersion) {
    public static final String ID_RULE = "[a-z0-9][a-z0-9._-]{0,63}";
    public static final String VERSION_RULE = "[0-9A-Za-z][0-9A-Za-z._+-]{0,31}";

    public ModelRef {
        validateId("model_id", modelId);
        validateVersion("model_version", modelVersion);
    }

    public static ModelRef of(String modelId, String modelVersion) {
        return new ModelRef(modelId, modelVersion);
    }

    public static String validateId(String field, String value) {
        Ascii.requireLength(field, value, 1, 64, ID_RULE);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = Ascii.lower(c) || Ascii.digit(c) || (i > 0 && (c == '.' || c == '_' || c == '-'));
            if (!ok) {
                throw Ascii.bad(field, value, i, ID_RULE);
            }
        }
        return value;
    }

    public static String validateVersion(String field, String value) {
        Ascii.requireLength(field, value, 1, 32, VERSION_RULE);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = Ascii.lower(c) || Ascii.upper(c) || Ascii.digit(c);
            boolean ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '+' || c == '-'));
            if (!ok) {
                throw Ascii.bad(field, value, i, VERSION_RULE);
            }
        }
        return value;
    }
}
