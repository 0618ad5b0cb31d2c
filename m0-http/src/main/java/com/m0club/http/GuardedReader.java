package com.m0club.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The reader Helidon's HTTP/1 connection reads from, layered over the socket's reader: the earliest point where the
 * raw request line can be seen (Helidon upper-cases the method and rejects HTTP/1.0 inside its prologue parser,
 * before any listener or filter runs). While the connection reads a request line it checks, on the raw bytes:
 * <ul>
 *   <li>the method is an RFC 9110 token (else 400) and a method this server knows, case-sensitively (else 501:
 *       {@code get} is not {@code GET});</li>
 *   <li>{@code HTTP/1.0} is served: the version is presented to Helidon as 1.1 and the request is marked, so the
 *       framing rules close the connection after the response and refuse {@code Transfer-Encoding}.</li>
 * </ul>
 * A peer that disconnects in the middle of a request ends the connection quietly (a short DEBUG line and a count),
 * not with Helidon's 500 and WARN stack trace.
 */
final class GuardedReader extends DataReader {
    static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private ServerConnection connection;
    private boolean rewriteVersion;
    private boolean http10;
    /** The head deadline of this connection; null when the listener has none. */
    private HeadDeadline.Watch watch;
    /** True from the first request-line read of a request until its headers are complete. */
    private volatile boolean inHead;

    @SuppressWarnings("removal")
    private GuardedReader(Supplier<byte[]> supplier) {
        super(supplier);
    }

    /** A reader over {@code socket}; {@code onPeerGone} runs when the peer closes in the middle of a request. */
    static GuardedReader over(DataReader socket, Runnable onPeerGone) {
        GuardedReader[] self = new GuardedReader[1];
        self[0] = new GuardedReader(() -> {
            GuardedReader r = self[0];
            try {
                socket.ensureAvailable();
            } catch (InsufficientDataAvailableException | java.io.UncheckedIOException e) {
                if (r.watch != null && r.watch.expired()) {
                    throw new CloseConnectionException("request head timeout");
                }
                if (e instanceof java.io.UncheckedIOException io) {
                    throw io;
                }
                onPeerGone.run();
                throw new CloseConnectionException("the peer closed the connection");
            }
            BufferData chunk = socket.readBuffer();
            byte[] bytes = new byte[chunk.available()];
            chunk.read(bytes);
            if (r.inHead && r.watch != null && bytes.length > 0) {
                r.watch.headStarted();
            }
            return bytes;
        });
        return self[0];
    }

    /** Enforces {@code deadline} on the request heads of this connection. */
    void deadline(HeadDeadline.Watch deadline) {
        this.watch = deadline;
    }

    /** The request's headers are read (called by the framing rules): disarms the head deadline. */
    void headComplete() {
        inHead = false;
        if (watch != null) {
            watch.headComplete();
        }
    }

    void connection(ServerConnection connection) {
        this.connection = connection;
    }

    /** True once for a request that arrived as HTTP/1.0 (asked by the framing rules after its headers). */
    boolean takeHttp10() {
        boolean was = http10;
        http10 = false;
        return was;
    }

    @Override
    public int findNewLine(int max) throws IncorrectNewLineException {
        boolean prologue = connection instanceof io.helidon.common.task.InterruptableTask<?> task
                && task.canInterrupt();
        if (prologue && watch != null) {
            if (inHead) {
                watch.headComplete(); // a new attempt at a request line (the previous one was refused): re-arm
            }
            inHead = true;
            if (available() > 0) {
                watch.headStarted(); // the head's first bytes are already buffered
            }
        } else if (prologue) {
            inHead = true;
        }
        int eol = super.findNewLine(max);
        if (prologue && eol < max) {
            BufferData line = getBuffer(eol);
            byte[] bytes = new byte[eol];
            line.read(bytes);
            checkRequestLine(bytes);
        }
        return eol;
    }

    @Override
    public byte[] readBytes(int len) {
        byte[] bytes = super.readBytes(len);
        if (rewriteVersion) {
            rewriteVersion = false;
            bytes[bytes.length - 1] = '1';
            http10 = true;
        }
        return bytes;
    }

    private void checkRequestLine(byte[] line) {
        int space = indexOf(line, (byte) ' ');
        if (space <= 0) {
            return; // Helidon answers a line without a method or a space with 400 (JSON through the direct handler)
        }
        for (int i = 0; i < space; i++) {
            if (!isTchar(line[i])) {
                throw ProtocolRejection.of(Status.BAD_REQUEST_400, String.format(
                        "request line: the method must be an HTTP token (RFC 9110 section 9.1), "
                                + "got byte 0x%02x at index %d", line[i] & 0xff, i));
            }
        }
        String method = new String(line, 0, space, java.nio.charset.StandardCharsets.US_ASCII);
        if (!KNOWN_METHODS.contains(method)) {
            throw ProtocolRejection.of(Status.NOT_IMPLEMENTED_501, "request line: method " + quoted(method)
                    + " is not implemented (methods are case-sensitive; this server answers GET and HEAD)");
        }
        rewriteVersion = endsWith(line, " HTTP/1.0");
    }

    private static String quoted(String method) {
        return "\"" + (method.length() > 32 ? method.substring(0, 32) + "..." : method) + "\"";
    }

    private static boolean isTchar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || (b > 0 && TCHAR_SYMBOLS.indexOf(b) >= 0);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean endsWith(byte[] bytes, String suffix) {
        int n = suffix.length();
        if (bytes.length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[bytes.length - n + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
