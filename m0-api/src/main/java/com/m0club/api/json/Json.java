package com.m0club.api.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The one {@link ObjectMapper} of the API module and the small helpers every renderer needs. JSON is built as a tree
 * (never by reflection over classes), so a field name on the wire is written exactly once, next to its value.
 */
public final class Json {
    /** Thread-safe once configured; shared by every renderer and parser of this module. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HexFormat HEX = HexFormat.of();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Lower-case hex, the only byte encoding the API uses. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Puts {@code value} under {@code field}, or JSON null when it is absent: the API never omits such a field. */
    public static void putOrNull(ObjectNode node, String field, Optional<String> value) {
        if (value.isPresent()) {
            node.put(field, value.get());
        } else {
            node.putNull(field);
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree could not be written", e);
        }
    }

    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree could not be written", e);
        }
    }
}
