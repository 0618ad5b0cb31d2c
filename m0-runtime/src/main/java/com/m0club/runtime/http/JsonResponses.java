package com.m0club.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.runtime.json.Json;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends Jackson trees from Helidon SE handlers with the right status and content type, and builds the one error
 * body shape every M0 HTTP surface uses: {@code {"error":{"code":"...","message":"..."}}}.
 */
public final class JsonResponses {

    private JsonResponses() {
    }

    /** Sends {@code body} as {@code application/json} with {@code status}. */
    public static void send(ServerResponse response, Status status, JsonNode body) {
        response.status(status);
        response.header(HeaderValues.CONTENT_TYPE_JSON);
        response.send(Json.bytes(body));
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
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return root;
    }
}
