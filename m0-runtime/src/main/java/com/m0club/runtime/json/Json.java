package com.m0club.runtime.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The process-wide Jackson {@link ObjectMapper}, used only through the tree model ({@link ObjectNode},
 * {@link JsonNode}). One shared, immutable-after-construction instance: ObjectMapper is thread-safe once
 * configured and expensive to create, and sharing it keeps serialization identical across modules.
 */
public final class Json {

    /** Shared mapper. Do not reconfigure it: every module sees the same instance. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A new empty JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A new empty JSON array. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Compact UTF-8 bytes of a tree. */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // A tree built from JsonNodes always serializes; this would be a Jackson bug.
            throw new UncheckedIOException(e);
        }
    }

    /** Compact text of a tree. */
    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
