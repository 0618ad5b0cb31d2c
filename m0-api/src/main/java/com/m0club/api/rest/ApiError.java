package com.m0club.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.protocol.ProtocolException;
import java.util.Optional;

/**
 * An error response: HTTP status, a stable machine-readable code, the field at fault when there is one, and a
 * message naming the rule. Rendered as {@code {"error": CODE, "message": ..., "field": ...}}.
 */
public record ApiError(int status, String code, String message, Optional<String> field) {
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String INTERNAL = "INTERNAL";

    public static ApiError notFound(String message) {
        return new ApiError(404, NOT_FOUND, message, Optional.empty());
    }

    /** A malformed request value: the protocol's own code (INVALID_FORMAT, OUT_OF_RANGE...) and rule. */
    public static ApiError badRequest(ProtocolException e) {
        return new ApiError(400, e.code().name(), e.getMessage(), Optional.of(e.field()));
    }

    public static ApiError internal() {
        return new ApiError(500, INTERNAL, "the server failed to answer; the failure is logged and counted",
                Optional.empty());
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("error", code);
        n.put("message", message);
        field.ifPresent(f -> n.put("field", f));
        return n;
    }
}
