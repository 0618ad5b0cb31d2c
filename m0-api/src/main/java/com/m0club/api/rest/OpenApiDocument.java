package com.m0club.api.rest;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.yaml}: the hand-written OpenAPI 3 description of this API, shipped as a resource. */
final class OpenApiDocument {
    static final String RESOURCE = "/com/m0club/api/rest/openapi.yaml";

    private final byte[] yaml;

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the m0-api jar");
            }
            this.yaml = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + RESOURCE, e);
        }
    }

    void serve(ServerRequest req, ServerResponse res) {
        Responses.document(res, "application/yaml; charset=utf-8", yaml);
    }
}
