package com.m0club.api.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the operator dashboard, one self-contained HTML page (inline CSS and JS, no external assets, no
 * build step). It reads {@code /v1/markets}, then follows {@code /v1/stream}, and polls when the stream is down.
 *
 * <p>Stable hooks for browser tests: {@code tr[data-market-id]} per market with {@code data-sequence} and
 * {@code data-ledger-status}; cells {@code td.value}, {@code .ledger-status}, {@code .risk}, {@code .flags},
 * {@code .publish-status}; {@code body[data-stream]} is {@code live}, {@code polling} or {@code connecting}.
 */
public final class DashboardPage implements Handler {
    static final String RESOURCE = "/com/m0club/api/dashboard/index.html";

    private final byte[] html;

    public DashboardPage() {
        this.html = load(RESOURCE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("Content-Security-Policy"),
                "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self' ws: wss:");
        res.send(html);
    }

    static byte[] load(String resource) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the m0-api jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + resource, e);
        }
    }
}
