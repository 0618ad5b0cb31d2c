package com.m0club.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Raw-socket helpers for the listener tests of every module (API, admin, signer agent): what a hostile or stalled
 * client sees, read without an HTTP client that would hide it. Shipped in m0-http's test-jar.
 */
public final class RawSockets {
    private RawSockets() {}

    /** Everything the server sends until it closes the connection (or 10 s pass). */
    public static String readToClose(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** Reads (and discards) until EOF or a reset; false when nothing closed it within the socket timeout. */
    public static boolean readUntilClosed(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // response bytes, if any
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    /** True when the server sends at least one byte within {@code waitMs}. */
    public static boolean hasResponse(Socket s, int waitMs) {
        try {
            s.setSoTimeout(waitMs);
            return s.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    public static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }
}
