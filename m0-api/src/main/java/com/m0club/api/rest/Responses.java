package com.m0club.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes the API's responses: JSON with no-cache revalidation, and static documents. */
final class Responses {
    static final String JSON = "application/json";

    private Responses() {}

    static void json(ServerResponse res, JsonNode body) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(Json.bytes(body));
    }

    /** An already serialized JSON body (the in-memory documents). */
    static void json(ServerResponse res, byte[] body) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(body);
    }

    static void error(ServerResponse res, ApiError error) {
        res.status(Status.create(error.status()));
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(error.toJson()));
    }

    static void document(ServerResponse res, String contentType, byte[] body) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(body);
    }
}
