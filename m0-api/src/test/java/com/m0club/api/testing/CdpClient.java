package com.m0club.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Chrome DevTools Protocol client over {@link java.net.http.WebSocket}: send a command (optionally to an
 * attached target's flat session), wait for its result. Events are ignored; callers poll with
 * {@code Runtime.evaluate} instead, which keeps this client small and tests free of timing assumptions.
 */
public final class CdpClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Duration commandTimeout;

    private CdpClient(URI browserUrl, Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        try {
            this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                    .buildAsync(browserUrl, new Receiver()).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + browserUrl, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not connect to the browser's DevTools at " + browserUrl, e);
        }
    }

    /** Connects to the browser target ({@code ws://127.0.0.1:PORT/devtools/browser/...}). */
    public static CdpClient connect(URI browserUrl, Duration commandTimeout) {
        return new CdpClient(browserUrl, commandTimeout);
    }

    /** Sends {@code method} with {@code params}, to {@code sessionId} when given; returns the {@code result}. */
    public JsonNode send(String method, ObjectNode params, Optional<String> sessionId) {
        long id = ids.incrementAndGet();
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params == null ? MAPPER.createObjectNode() : params);
        sessionId.ifPresent(s -> msg.put("sessionId", s));
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            synchronized (socket) {
                socket.sendText(MAPPER.writeValueAsString(msg), true).get(commandTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            JsonNode response = reply.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.has("error")) {
                throw new IllegalStateException("CDP " + method + " failed: " + response.get("error"));
            }
            return response.path("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during CDP " + method, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("CDP " + method + " got no answer within " + commandTimeout, e);
        } finally {
            pending.remove(id);
        }
    }

    public static ObjectNode params() {
        return MAPPER.createObjectNode();
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the browser may already be gone
        } finally {
            socket.abort();
            http.close();
        }
    }

    private final class Receiver extends WholeTextListener {
        @Override
        protected void onMessage(String text) {
            try {
                JsonNode msg = MAPPER.readTree(text);
                if (msg.has("id")) {
                    CompletableFuture<JsonNode> f = pending.get(msg.get("id").asLong());
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            } catch (IOException e) {
                // not JSON: ignore, the command waiting for it times out with a clear message
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(
                    new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason)));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
