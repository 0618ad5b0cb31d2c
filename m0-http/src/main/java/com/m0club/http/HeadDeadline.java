package com.m0club.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request-head deadline of one listener ({@code listener_header_timeout_ms}): a connection whose request line and
 * headers are not complete this long after their first byte arrived gets a 408 with the listener's JSON error body
 * and is closed, counted in {@code <prefix>_http_header_timeouts_total}. Helidon 4.4's idle timeout only covers a
 * connection waiting for a request; its read timeout does not cut a client that sends half a head and stalls.
 *
 * <p>One daemon timer thread per listener; each connection arms it when a head starts and disarms it when the head
 * is complete ({@link Watch}).
 */
final class HeadDeadline {
    private static final Logger LOG = LoggerFactory.getLogger(HeadDeadline.class);

    private final long timeoutMs;
    private final byte[] response;
    private final Runnable onTimeout;
    private final ScheduledExecutorService timer;

    HeadDeadline(Duration timeout, HttpErrorRenderer renderer, Runnable onTimeout) {
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("listener_header_timeout_ms: must be >= 1, got " + timeout.toMillis());
        }
        this.timeoutMs = timeout.toMillis();
        this.onTimeout = onTimeout;
        byte[] body = renderer.render(408, "REQUEST_TIMEOUT", "request head (request line and headers) not complete"
                + " within " + timeoutMs + " ms (listener_header_timeout_ms); the connection is closed");
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        this.response = new byte[h.length + body.length];
        System.arraycopy(h, 0, response, 0, h.length);
        System.arraycopy(body, 0, response, h.length, body.length);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "m0-http-head-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    long timeoutMs() {
        return timeoutMs;
    }

    Watch watch(ConnectionContext ctx) {
        return new Watch(ctx);
    }

    /** The deadline of one connection's current request head. */
    final class Watch {
        private final ConnectionContext ctx;
        private ScheduledFuture<?> pending;
        private volatile boolean expired;

        private Watch(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        /** A request head started (its first bytes arrived): arms the deadline unless it is already armed. */
        synchronized void headStarted() {
            if (pending == null && !expired) {
                pending = timer.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
            }
        }

        /** The head is complete: disarms the deadline. */
        synchronized void headComplete() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        /** True once the deadline closed this connection (its reads then end quietly). */
        boolean expired() {
            return expired;
        }

        private void expire() {
            synchronized (this) {
                if (pending == null) {
                    return;
                }
                pending = null;
                if (!ctx.serverSocket().isConnected()) {
                    return; // the connection already ended (a refused request closed it)
                }
                expired = true;
            }
            onTimeout.run();
            LOG.debug("closing connection {}: request head not complete within {} ms", ctx.socketId(), timeoutMs);
            try {
                ctx.dataWriter().writeNow(BufferData.create(response));
            } catch (RuntimeException e) {
                LOG.debug("could not write the 408 before closing: {}", e.toString());
            }
            try {
                ctx.serverSocket().close();
            } catch (RuntimeException e) {
                LOG.debug("closing a stalled connection failed: {}", e.toString());
            }
        }
    }
}
