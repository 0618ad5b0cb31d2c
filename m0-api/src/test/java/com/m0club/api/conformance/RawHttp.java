package com.m0club.api.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes request bytes by hand on a fresh socket and parses what comes back (or notes a closed connection). */
final class RawHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One parsed response; {@code status == -1} means the server closed the connection without answering. */
    record Response(int status, String statusLine, Map<String, String> headers, byte[] body, boolean closed) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        boolean isJsonError() {
            if (body.length == 0 || !header("content-type").orElse("").startsWith("application/json")) {
                return false;
            }
            try {
                JsonNode n = JSON.readTree(body);
                return n != null && n.has("error") && (n.has("message") || n.get("error").has("message"));
            } catch (IOException e) {
                return false;
            }
        }
    }

    private RawHttp() {}

    static Response exchange(int port, String request) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    /** Sends {@code request}; when {@code head} the response has no body whatever its Content-Length says. */
    static Response exchange(int port, byte[] request, boolean head) {
        return exchange(port, request, head, false);
    }

    /** With {@code halfClose} the client ends its side after the request: the server never waits for more. */
    static Response exchange(int port, byte[] request, boolean head, boolean halfClose) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.setSoTimeout(3_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            return read(s.getInputStream(), head);
        } catch (IOException e) {
            return new Response(-1, "", Map.of(), new byte[0], true);
        }
    }

    static Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException | java.net.SocketException e) {
                b = -1;
            }
            if (b < 0) {
                return new Response(-1, headBytes.toString(StandardCharsets.ISO_8859_1), Map.of(), new byte[0],
                        true);
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String statusLine = lines[0];
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        byte[] body = new byte[0];
        if (!head && headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if (!head && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            throw new AssertionError("unexpected chunked error response: " + statusLine);
        }
        return new Response(status, statusLine, headers, body, false);
    }
}
