package com.m0club.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;

/**
 * Sends Jackson trees from Helidon SE handlers with the right status and content type, and builds the one error
 * body shape every M0 HTTP surface uses: {@code {"error":{"code":"...","message":"..."}}}.
 */
public final class JsonResponses {
    /** Only writes trees (never reconfigured, never binds types): thread-safe once built. */
    private static final ObjectMapper WRITER = new ObjectMapper();

    private JsonResponses() {
    }

    /** Sends {@code body} as {@code application/json} with {@code status}. */
    public static void send(ServerResponse response, Status status, JsonNode body) {
        response.status(status);
        response.header(HeaderValues.CONTENT_TYPE_JSON);
        response.send(bytes(body));
    }

    /** Sends {@code body} with 200 OK. */
    public static void ok(ServerResponse response, JsonNode body) {
        send(response, Status.OK_200, body);
    }

    /** Sends the standard error body: a machine-readable code (e.g. {@code "not_found"}) and a human message. */
    public static void error(ServerResponse response, Status status, String code, String message) {
        send(response, status, errorBody(code, message));
    }

    /** The standard error body, for callers that add fields before sending. */
    public static ObjectNode errorBody(String code, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return root;
    }

    /** Compact UTF-8 bytes of a tree. */
    private static byte[] bytes(JsonNode body) {
        try {
            return WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // a tree of JsonNodes always serializes; this would be a Jackson bug
            throw new UncheckedIOException(e);
        }
    }
}
