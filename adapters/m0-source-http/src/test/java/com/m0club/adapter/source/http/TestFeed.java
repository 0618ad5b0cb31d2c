package com.m0club.adapter.source.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP feed for the tests: the JDK's HttpServer on an ephemeral loopback port. Each request is answered by the
 * next scripted {@link Reply} if any, else by the default (a function of the request number, so quotes can change
 * from one request to the next). A {@link Reply#hang()} holds the request until the feed closes.
 */
final class TestFeed implements AutoCloseable {
    /** One answer. */
    record Reply(int status, String body, boolean hangs) {
        static Reply json(String body) {
            return new Reply(200, body, false);
        }

        static Reply status(int status) {
            return new Reply(status, "{\"error\":\"x\"}", false);
        }

        static Reply hang() {
            return new Reply(0, "", true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private volatile IntFunction<Reply> fallback;

    TestFeed(IntFunction<Reply> fallback) throws IOException {
        this.fallback = fallback;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Odds for NBA_LAL_BOS that move with the request number {@code n}, timestamped {@code 1_700_000_000_000 + n}. */
    static String odds(int n) {
        double home = 1.80 + 0.01 * n;
        return "{\"markets\":[{\"id\":\"NBA_LAL_BOS\",\"updated_ms\":" + (1_700_000_000_000L + n)
                + ",\"outcomes\":[{\"name\":\"HOME_WIN\",\"odds\":" + home + "},{\"name\":\"AWAY_WIN\",\"odds\":2.05}]}]}";
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/odds");
    }

    synchronized void then(Reply... replies) {
        script.addAll(List.of(replies));
    }

    void otherwise(IntFunction<Reply> f) {
        fallback = f;
    }

    int requests() {
        return requests.get();
    }

    List<String> authHeaders() {
        return authHeaders;
    }

    private void handle(HttpExchange ex) throws IOException {
        int n = requests.incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authHeaders.add(auth);
        }
        Reply r;
        synchronized (this) {
            r = script.isEmpty() ? fallback.apply(n) : script.poll();
        }
        try (ex) {
            if (r.hangs()) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(r.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
