package com.m0club.api.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.api.testing.WholeTextListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client of /v1/stream on java.net.http.WebSocket. In paused mode it stops asking for messages after the
 * first one, so the server sees a client that does not read: its socket fills up and the server's buffer must
 * bound.
 */
final class StreamClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private volatile boolean paused;
    private volatile boolean closed;

    StreamClient(URI base, boolean paused) throws Exception {
        this.paused = paused;
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/v1/stream");
        this.socket = http.newWebSocketBuilder().buildAsync(ws, new Listener()).get(30, TimeUnit.SECONDS);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(30, TimeUnit.SECONDS);
    }

    /** Starts reading again, as fast as possible. */
    void resume() {
        paused = false;
        socket.request(Long.MAX_VALUE);
    }

    boolean isClosed() {
        return closed;
    }

    /** The next message matching {@code wanted}, skipping others; fails after {@code timeout}. */
    JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no matching stream message within " + timeout);
            }
            if (wanted.test(next)) {
                return next;
            }
        }
    }

    /** The next message, whatever it is. */
    JsonNode next(Duration timeout) throws InterruptedException {
        JsonNode n = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (n == null) {
            throw new AssertionError("no stream message within " + timeout);
        }
        return n;
    }

    static Predicate<JsonNode> type(String type) {
        return n -> type.equals(n.path("type").asText());
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the server may be gone already
        } finally {
            socket.abort();
            http.close();
        }
    }

    private final class Listener extends WholeTextListener {
        @Override
        protected void onMessage(String text) {
            try {
                received.add(MAPPER.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException("the stream sent something that is not JSON: " + text, e);
            }
        }

        @Override
        protected boolean wantsMore() {
            return !paused;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
        }
    }
}
