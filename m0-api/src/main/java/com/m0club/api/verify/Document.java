package com.m0club.api.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Strict reads from a fetched JSON document. A missing or mistyped field is a {@link Malformed} naming the field by
 * its path (for example {@code proof.leaf_index}), which the verifier reports as the failing check's reason.
 */
final class Document {
    private final JsonNode root;
    private final String prefix;

    Document(JsonNode root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    Document child(String field) {
        JsonNode n = node(field);
        if (!n.isObject()) {
            throw new Malformed(path(field) + " must be an object");
        }
        return new Document(n, path(field) + ".");
    }

    boolean has(String field) {
        return root != null && root.hasNonNull(field);
    }

    JsonNode node(String field) {
        if (root == null || !root.isObject() || !root.hasNonNull(field)) {
            throw new Malformed(path(field) + " is missing");
        }
        return root.get(field);
    }

    String text(String field) {
        JsonNode n = node(field);
        if (!n.isTextual()) {
            throw new Malformed(path(field) + " must be a string");
        }
        return n.asText();
    }

    Optional<String> optionalText(String field) {
        return has(field) ? Optional.of(text(field)) : Optional.empty();
    }

    long integer(String field) {
        JsonNode n = node(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new Malformed(path(field) + " must be an integer");
        }
        return n.asLong();
    }

    int smallInteger(String field) {
        long v = integer(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new Malformed(path(field) + " is out of range: " + v);
        }
        return (int) v;
    }

    JsonNode array(String field) {
        JsonNode n = node(field);
        if (!n.isArray()) {
            throw new Malformed(path(field) + " must be an array");
        }
        return n;
    }

    byte[] hex(String field) {
        return parseHex(path(field), text(field));
    }

    String path(String field) {
        return prefix + field;
    }

    static byte[] parseHex(String path, String hex) {
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new Malformed(path + " is not hex: " + e.getMessage());
        }
    }

    /** A required field is missing or has the wrong JSON type. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
