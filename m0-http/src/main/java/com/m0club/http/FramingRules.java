package com.m0club.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;

/**
 * Checks the message framing of every request after its headers are read and before it is routed (RFC 9112
 * section 6): Helidon itself accepts two Content-Length headers, Content-Length with chunked, unknown transfer
 * codings and {@code Content-Length: -1}. Each is a 400 with the connection closed (request smuggling defence).
 */
final class FramingRules implements Http1ConnectionListener {
    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        if (ctx.dataReader() instanceof GuardedReader g) {
            g.headComplete();
        }
        boolean http10 = ctx.dataReader() instanceof GuardedReader g && g.takeHttp10();
        List<String> lengths = headers.all(HeaderNames.CONTENT_LENGTH, List::of);
        List<String> codings = headers.all(HeaderNames.TRANSFER_ENCODING, List::of);
        if (lengths.size() > 1) {
            throw ProtocolRejection.of(Status.BAD_REQUEST_400,
                    "Content-Length: must appear at most once, got " + lengths.size() + " values");
        }
        if (lengths.size() == 1 && !isLength(lengths.getFirst())) {
            throw ProtocolRejection.of(Status.BAD_REQUEST_400,
                    "Content-Length: must be a non-negative decimal integer of at most 18 digits");
        }
        if (!codings.isEmpty()) {
            if (http10) {
                throw ProtocolRejection.of(Status.BAD_REQUEST_400,
                        "Transfer-Encoding: not allowed in an HTTP/1.0 request (RFC 9112 section 6.1)");
            }
            if (codings.size() != 1 || !codings.getFirst().trim().equalsIgnoreCase("chunked")) {
                throw ProtocolRejection.of(Status.BAD_REQUEST_400,
                        "Transfer-Encoding: only a single \"chunked\" coding is accepted");
            }
            if (!lengths.isEmpty()) {
                throw ProtocolRejection.of(Status.BAD_REQUEST_400,
                        "Content-Length: not allowed together with Transfer-Encoding (RFC 9112 section 6.3)");
            }
        }
        if (http10 && headers instanceof WritableHeaders<?> writable) {
            // HTTP/1.0 is served one request per connection: the response closes it
            writable.set(HeaderValues.CONNECTION_CLOSE);
        }
    }

    private static boolean isLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
