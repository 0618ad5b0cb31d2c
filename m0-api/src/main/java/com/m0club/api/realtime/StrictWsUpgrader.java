package com.m0club.api.realtime;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsConnection;
import io.helidon.webserver.websocket.WsUpgrader;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Helidon's WebSocket upgrade with one repair: a frame with an unknown opcode (RFC 6455 section 5.2) makes Helidon's
 * reader throw out of the connection, and Helidon then writes a raw {@code HTTP/1.1 500} into the WebSocket
 * stream. Here it closes the connection with 1002 (protocol error), tells the listener, and counts it.
 */
public final class StrictWsUpgrader extends WsUpgrader {
    private final RealtimeHub hub;

    public StrictWsUpgrader(WsConfig config, RealtimeHub hub) {
        super(config);
        this.hub = hub;
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        ServerConnection upgraded = super.upgrade(ctx, prologue, headers);
        return upgraded instanceof WsConnection ws ? new Guarded(ws, hub) : upgraded;
    }

    private record Guarded(WsConnection ws, RealtimeHub hub) implements ServerConnection {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                ws.handle(limit);
            } catch (IllegalArgumentException e) {
                hub.rejected("protocol_error");
                try {
                    StreamListener.lockedClose(ws, 1002, "protocol error: unknown opcode (RFC 6455 section 5.2)");
                } catch (RuntimeException ignored) {
                    // the peer is gone already
                }
                throw new CloseConnectionException("unknown WebSocket opcode", e);
            } finally {
                hub.connectionEnded(ws);
            }
        }

        @SuppressWarnings("removal")
        @Override
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            ws.handle(requestSemaphore);
        }

        @Override
        public Duration idleTime() {
            return ws.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            ws.close(interrupt);
        }
    }
}
