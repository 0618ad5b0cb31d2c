package com.m0club.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.prometheus.metrics.core.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every error Helidon produces outside a route handler (bad request line or headers, framing, version,
 * payload too large, unmatched routes, failures escaping a handler) with the server's JSON error body, and counts
 * each one in {@code <prefix>_http_rejected_total{status}}. A message is passed through only when it is safe (ours,
 * or Helidon's own safe messages); otherwise a fixed sentence per status is used, so no request data is reflected.
 */
final class JsonDirectHandler implements DirectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonDirectHandler.class);
    private static final String HELIDON_UNSAFE = "Bad request, see server log for more information";

    private final HttpErrorRenderer renderer;
    private final Counter rejected;

    JsonDirectHandler(HttpErrorRenderer renderer, Counter rejected) {
        this.renderer = renderer;
        this.rejected = rejected;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
            ServerResponseHeaders responseHeaders, Throwable thrown) {
        String message = null;
        if (thrown instanceof RequestException re && re.safeMessage()) {
            message = re.getMessage();
        } else if (thrown instanceof HttpException he && he.status().code() < 500) {
            message = he.getMessage();
        }
        return handle(request, eventType, defaultStatus, responseHeaders, message);
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
            ServerResponseHeaders responseHeaders, String message) {
        Status status = defaultStatus == null ? eventType.defaultStatus() : defaultStatus;
        String text = message == null || message.isBlank() || message.equals(HELIDON_UNSAFE)
                ? defaultMessage(status) : message;
        rejected.labelValues(Integer.toString(status.code())).inc();
        LOG.debug("rejected {} {}: {} {}", request.method(), request.path(), status.code(), text);
        ServerResponseHeaders headers = ServerResponseHeaders.create();
        responseHeaders.forEach(h -> {
            if (!h.headerName().equals(HeaderNames.CONTENT_TYPE) && !h.headerName().equals(HeaderNames.CONTENT_LENGTH)) {
                headers.set(h);
            }
        });
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        headers.set(HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store"));
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(renderer.render(status.code(), code(status), text))
                .keepAlive(eventType.keepAlive() && status.code() < 500)
                .build();
    }

    /** The stable code of a status, as documented in docs/api.md ("HTTP conformance"). */
    static String code(Status status) {
        return switch (status.code()) {
            case 400 -> "BAD_REQUEST";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            case 501 -> "NOT_IMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 505 -> "HTTP_VERSION_NOT_SUPPORTED";
            default -> status.code() >= 500 ? "INTERNAL" : "BAD_REQUEST";
        };
    }

    private static String defaultMessage(Status status) {
        return switch (status.code()) {
            case 400 -> "the request is not valid HTTP/1.1 (RFC 9112): malformed request line, header or framing";
            case 404 -> "no route for this path";
            case 413 -> "the request body is larger than this server accepts";
            case 414 -> "the request line is longer than this server accepts";
            case 503 -> "the server is at its concurrent request limit; retry later";
            default -> status.code() >= 500 ? "the server failed to answer; the failure is logged and counted"
                    : "the request was refused (" + status.code() + ")";
        };
    }
}
