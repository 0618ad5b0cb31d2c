package com.m0club.http;

/**
 * Renders the JSON error body of one HTTP surface. Each server has its documented shape (the API:
 * {@code {"error":CODE,"message":...}}; the admin listener: {@code {"error":{"code","message"}}}); the
 * conformance layer ({@link HttpConformance}) uses it for every error it or Helidon generates, so no error response
 * ever has an empty body.
 */
@FunctionalInterface
public interface HttpErrorRenderer {
    /**
     * @param status  the HTTP status code
     * @param code    a stable machine-readable code, for example {@code BAD_REQUEST}
     * @param message what was wrong, naming the field and the rule
     * @return UTF-8 JSON bytes
     */
    byte[] render(int status, String code, String message);
}
